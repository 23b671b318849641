/**
 * Personalize's other two reads of a campaign: a given list ranked for a user (scored by
 * u · qᵢ, as recommendations are; items the version does not know go last, in the order given,
 * scored 0), and the items related to an item (the nearest item vectors by cosine, the item
 * itself left out). Neither explores: the caller chose the candidates, or asked for similarity.
 *
 * @example
 * ```ts
 * rankItemsForUser(serving, "u1", [], ["b", "a", "new"]); // [{ itemId: "a", … }, …, { itemId: "new", score: 0 }]
 * relatedItems(serving, "a", 10);
 * ```
 */
import { notFound } from "@edgeml/shared/errors";
import type { RankedItem } from "../exploration/rank_with_exploration.ts";
import { topK } from "../model/top_k.ts";
import { type ServingIndex, userQuery } from "./recommend_for_user.ts";

export function rankItemsForUser(
  serving: ServingIndex,
  userId: string,
  recentItemIds: readonly string[],
  inputList: readonly string[],
  keep: (item: number) => boolean = () => true,
): RankedItem[] {
  // Only the listed items are scored (at most 500), not the catalogue.
  const { vector, known } = userQuery(serving, userId, recentItemIds);
  const width = serving.model.dim + 1;
  const score = (i: number) => {
    let dot = 0;
    for (let c = 0; c < width; c++) dot += vector[c] * serving.vectors[i * width + c];
    return dot;
  };
  const seen = new Set<string>();
  const scored: RankedItem[] = [];
  const unknown: RankedItem[] = [];
  for (const itemId of inputList) {
    if (seen.has(itemId)) continue;
    seen.add(itemId);
    const i = serving.itemIndex.get(itemId);
    if (i === undefined) unknown.push({ itemId, score: 0, reason: "popular fallback" });
    else if (!keep(i)) continue; // the filter drops it
    else {
      scored.push({
        itemId,
        score: known ? score(i) : serving.popularity[i],
        reason: known ? "relevance" : "popular fallback",
      });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  return [...scored, ...unknown];
}

/** Each version's item vector norms, computed once (every related-items call divides by them). */
const normsByVersion = new WeakMap<ServingIndex, Float32Array>();

function itemNorms(serving: ServingIndex): Float32Array {
  let norms = normsByVersion.get(serving);
  if (!norms) {
    const { vectors, model, itemIds } = serving;
    const width = model.dim + 1;
    norms = new Float32Array(itemIds.length);
    for (let j = 0; j < itemIds.length; j++) {
      let sum = 0;
      for (let c = 0; c < width; c++) sum += vectors[j * width + c] ** 2;
      norms[j] = Math.sqrt(sum) || 1;
    }
    normsByVersion.set(serving, norms);
  }
  return norms;
}

export function relatedItems(serving: ServingIndex, itemId: string, k: number): RankedItem[] {
  const i = serving.itemIndex.get(itemId);
  if (i === undefined) {
    throw notFound("item_not_found", `the campaign's version has no item '${itemId}'`);
  }
  const { vectors, model, itemIds } = serving;
  const width = model.dim + 1;
  const n = itemIds.length;
  const norms = itemNorms(serving);
  const cosine = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let c = 0; c < width; c++) dot += vectors[i * width + c] * vectors[j * width + c];
    cosine[j] = dot / (norms[i] * norms[j]);
  }
  const { items, scores } = topK(cosine, Math.min(k, n - 1), new Set([i]));
  return Array.from(
    items,
    (j, r) => ({ itemId: itemIds[j], score: scores[r], reason: "relevance" }),
  );
}
