/**
 * FAQ matching quality: each engine ranks the English COVID-19 FAQs for the paraphrase
 * queries (precision@1, MRR, nDCG@10 over the top 10) and for the near-miss queries (how often
 * the near-miss FAQ comes first).
 */
import type { FaqBenchData } from "./faq_data.ts";
import { type RankingSummary, summarizeRankings } from "./ranking_metrics.ts";

export type Ranker = (text: string, limit?: number) => string[] | Promise<string[]>;

export interface QualityRow extends RankingSummary {
  engine: string;
  /** Share of the near-miss queries whose near-miss FAQ is ranked first. */
  nearMissAt1: number;
}

export async function faqQuality(
  engine: string,
  rank: Ranker,
  data: FaqBenchData,
): Promise<QualityRow> {
  const rankings = [];
  for (const q of data.queries) {
    rankings.push({ ranked: await rank(q.text, 10), relevant: q.relevant });
  }
  const summary = summarizeRankings(rankings);
  let nearMiss = 0;
  for (const q of data.nearMisses) {
    const top = (await rank(q.text, 1))[0];
    if (top !== undefined && q.relevant.includes(top)) nearMiss++;
  }
  return { engine, ...summary, nearMissAt1: nearMiss / Math.max(data.nearMisses.length, 1) };
}
