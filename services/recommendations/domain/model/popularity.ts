/**
 * The popularity baseline (Personalize's popularity-count recipe): score(i) = number of
 * training events on item i, the same list for everyone minus what a user already has.
 * @module
 */
import type { Recommender } from "./evaluate.ts";
import { topK } from "./top_k.ts";
import type { Interactions } from "./types.ts";

export function popularityCounts(interactions: Interactions, numItems: number): Float32Array {
  const counts = new Float32Array(numItems);
  for (const i of interactions.item) counts[i]++;
  return counts;
}

export function popularityRecommender(counts: Float32Array): Recommender {
  return function popularity(_user, _history, k, exclude) {
    return topK(counts, k, exclude).items;
  };
}
