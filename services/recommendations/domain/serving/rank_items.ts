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
import { type ServingIndex, userScores } from "./recommend_for_user.ts";

export function rankItemsForUser(
  serving: ServingIndex,
  userId: string,
  recentItemIds: readonly string[],
  inputList: readonly string[],
  keep: (item: number) => boolean = () => true,
): RankedItem[] {
  const { scores, known } = userScores(serving, userId, recentItemIds);
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
        score: known ? scores[i] : serving.popularity[i],
        reason: known ? "relevance" : "popular fallback",
      });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  return [...scored, ...unknown];
}

export function relatedItems(serving: ServingIndex, itemId: string, k: number): RankedItem[] {
  const i = serving.itemIndex.get(itemId);
  if (i === undefined) {
    throw notFound("item_not_found", `the campaign's version has no item '${itemId}'`);
  }
  const { vectors, model, itemIds } = serving;
  const width = model.dim + 1;
  const n = itemIds.length;
  const norms = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += vectors[j * width + c] ** 2;
    norms[j] = Math.sqrt(sum) || 1;
  }
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
