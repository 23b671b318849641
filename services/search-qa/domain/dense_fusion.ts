/**
 * Hybrid retrieval: the lexical order's first `depth` entries and the dense retriever's nearest
 * items joined by reciprocal rank fusion (k = 60, as `head_fusion.ts`), so an item the resident
 * described in other words than the index's (found only by its embedding) can lead, and one both
 * agree on leads surely. Items found only by the embedding enter with score 0: what they show is
 * not backed by matching words, which the confidence buckets see. Entries past `depth` keep the
 * lexical order after the fused head.
 */
import { RRF_K } from "./head_fusion.ts";
import type { SearchHit } from "./search_index.ts";

export function fuseWithDense(
  lexical: readonly { hit: SearchHit; score: number }[],
  dense: readonly SearchHit[],
  depth: number,
): { hit: SearchHit; score: number }[] {
  if (dense.length === 0) return [...lexical];
  const head = lexical.slice(0, depth);
  const fused = new Map<string, { entry: { hit: SearchHit; score: number }; rrf: number }>();
  head.forEach((entry, rank) => fused.set(entry.hit.id, { entry, rrf: 1 / (RRF_K + rank + 1) }));
  dense.slice(0, depth).forEach((hit, rank) => {
    const found = fused.get(hit.id);
    const share = 1 / (RRF_K + rank + 1);
    if (found) found.rrf += share;
    else fused.set(hit.id, { entry: { hit, score: 0 }, rrf: share });
  });
  const order = [...fused.values()].sort((a, b) => b.rrf - a.rrf);
  const taken = new Set(fused.keys());
  return [
    ...order.map((f) => f.entry),
    ...lexical.slice(depth).filter((e) => !taken.has(e.hit.id)),
  ];
}
