/**
 * First-stage fusion: the BM25F order of the leading candidates fused with their order by
 * resemblance to the query's wording, the character-trigram cosine between the query and each
 * candidate's head text (an FAQ's question, a passage's title and headings). Reciprocal rank
 * fusion (Cormack, Clarke & Büttcher, SIGIR 2009) with its usual k = 60, so no weight is fitted
 * to any data set. It rewards the stored question a resident's paraphrase is worded like, word
 * forms the stemmer leaves apart included; on the COVID FAQ benchmark it moves precision@1
 * 0.518 → 0.537 and MRR 0.605 → 0.641 (docs/benchmarks.md).
 */
import type { IndexedItem } from "./index_data.ts";
import { cosine, headTrigrams, trigrams } from "./rerank_features.ts";

export const RRF_K = 60;

/**
 * Re-orders the first `depth` entries of `ranked` (already in first-stage order) by fused rank;
 * the rest keep their places after them. Entries keep their own `score`.
 */
export function fuseWithHeadSimilarity<T extends { hit: { id: string } }>(
  ranked: readonly T[],
  queryText: string,
  item: (id: string) => IndexedItem | undefined,
  depth: number,
): T[] {
  const head = ranked.slice(0, depth);
  if (head.length < 2) return [...ranked];
  const query = trigrams(queryText);
  const similarity = head.map((entry) => {
    const found = item(entry.hit.id);
    return found ? cosine(query, headTrigrams(found)) : 0;
  });
  const bySimilarity = head.map((_, i) => i).sort((a, b) => similarity[b] - similarity[a] || a - b);
  const fused = new Float64Array(head.length);
  head.forEach((_, i) => (fused[i] += 1 / (RRF_K + i + 1)));
  bySimilarity.forEach((i, rank) => (fused[i] += 1 / (RRF_K + rank + 1)));
  const order = head.map((_, i) => i).sort((a, b) => fused[b] - fused[a] || a - b);
  return [...order.map((i) => head[i]), ...ranked.slice(depth)];
}
