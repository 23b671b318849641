/**
 * Personalize's offline metrics for one user's ranked list against their held-out items R
 * (binary relevance; Amazon Personalize Developer Guide, "Evaluating a solution version"):
 *
 *   precision@K = |top_K ∩ R| / K
 *   nDCG@K      = Σ_{r=1}^{K} [l_r ∈ R] / log₂(r + 1)  ÷  Σ_{r=1}^{min(K,|R|)} 1 / log₂(r + 1)
 *   MRR@K       = 1 / (rank of the first l_r ∈ R, r ≤ K), 0 when none
 * @module
 */

export function precisionAt(list: ArrayLike<number>, relevant: ReadonlySet<number>, k: number) {
  let hits = 0;
  for (let r = 0; r < Math.min(k, list.length); r++) if (relevant.has(list[r])) hits++;
  return hits / k;
}

export function ndcgAt(list: ArrayLike<number>, relevant: ReadonlySet<number>, k: number) {
  let dcg = 0;
  for (let r = 0; r < Math.min(k, list.length); r++) {
    if (relevant.has(list[r])) dcg += 1 / Math.log2(r + 2);
  }
  let ideal = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) ideal += 1 / Math.log2(r + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

export function reciprocalRankAt(
  list: ArrayLike<number>,
  relevant: ReadonlySet<number>,
  k: number,
) {
  for (let r = 0; r < Math.min(k, list.length); r++) if (relevant.has(list[r])) return 1 / (r + 1);
  return 0;
}
