/**
 * Ranking quality with binary relevance, where a query may have several relevant items:
 * precision@1, reciprocal rank (averaged to MRR) and nDCG@k.
 */

/** 1 when the first ranked id is relevant, else 0. */
export function precisionAt1(ranked: readonly string[], relevant: ReadonlySet<string>): number {
  return ranked.length > 0 && relevant.has(ranked[0]) ? 1 : 0;
}

/** 1 / rank of the first relevant id (ranks from 1), 0 when none is ranked. */
export function reciprocalRank(ranked: readonly string[], relevant: ReadonlySet<string>): number {
  const i = ranked.findIndex((id) => relevant.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

/**
 * nDCG@k with gain 1 per relevant id: Σ 1/log2(rank + 1) over relevant ids in the top k,
 * divided by the same sum for an ideal ranking (all relevant ids first, at most k of them).
 * Repeated ids count once.
 */
export function ndcgAtK(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k = 10,
): number {
  if (relevant.size === 0) return 0;
  const seen = new Set<string>();
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const id = ranked[i];
    if (relevant.has(id) && !seen.has(id)) dcg += 1 / Math.log2(i + 2);
    seen.add(id);
  }
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

export interface RankingSummary {
  queries: number;
  precisionAt1: number;
  mrr: number;
  ndcgAt10: number;
}

/** Means of precision@1, reciprocal rank and nDCG@10 over queries. */
export function summarizeRankings(
  runs: readonly { ranked: readonly string[]; relevant: readonly string[] }[],
): RankingSummary {
  let p1 = 0, rr = 0, ndcg = 0;
  for (const { ranked, relevant } of runs) {
    const rel = new Set(relevant);
    p1 += precisionAt1(ranked, rel);
    rr += reciprocalRank(ranked, rel);
    ndcg += ndcgAtK(ranked, rel, 10);
  }
  const n = Math.max(runs.length, 1);
  return { queries: runs.length, precisionAt1: p1 / n, mrr: rr / n, ndcgAt10: ndcg / n };
}
