/**
 * FAQ matching quality: each engine ranks the English COVID-19 FAQs for the paraphrase
 * queries (precision@1, MRR, nDCG@10 over the top 10) and for the near-miss queries (how often
 * the near-miss FAQ comes first).
 */
import type { FaqBenchData } from "./faq_data.ts";
import { type RankingSummary, summarizeRankings } from "./ranking_metrics.ts";

export type Ranker = (text: string, limit?: number) => string[];

export interface QualityRow extends RankingSummary {
  engine: string;
  /** Share of the near-miss queries whose near-miss FAQ is ranked first. */
  nearMissAt1: number;
}

export function faqQuality(engine: string, rank: Ranker, data: FaqBenchData): QualityRow {
  const summary = summarizeRankings(
    data.queries.map((q) => ({ ranked: rank(q.text, 10), relevant: q.relevant })),
  );
  let nearMiss = 0;
  for (const q of data.nearMisses) {
    const top = rank(q.text, 1)[0];
    if (top !== undefined && q.relevant.includes(top)) nearMiss++;
  }
  return { engine, ...summary, nearMissAt1: nearMiss / Math.max(data.nearMisses.length, 1) };
}
