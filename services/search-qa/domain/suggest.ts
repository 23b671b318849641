/**
 * Spelling suggestions: for a word not in the vocabulary, the vocabulary word at the smallest
 * edit distance (optimal string alignment, at most `maxDistance`, default 2), ties broken by the
 * highest document frequency, then alphabetically. Words are bucketed by length, so only words
 * within `maxDistance` characters of the query's length are compared.
 *
 * @example
 * ```ts
 * const suggest = createSuggester(["library", "libraries", "park"], (w) => w === "park" ? 9 : 3);
 * suggest("libary"); // "library"
 * ```
 */
import { boundedEditDistance } from "./edit_distance.ts";

export function createSuggester(
  words: readonly string[],
  documentFrequency: (word: string) => number,
  maxDistance = 2,
): (word: string) => string | undefined {
  const byLength: string[][] = [];
  for (const w of words) (byLength[w.length] ??= []).push(w);
  return function suggest(word) {
    let best: string | undefined, bestDistance = maxDistance + 1, bestDf = -1;
    const from = Math.max(0, word.length - maxDistance);
    for (let length = from; length <= word.length + maxDistance; length++) {
      for (const candidate of byLength[length] ?? []) {
        const d = boundedEditDistance(word, candidate, Math.min(maxDistance, bestDistance));
        if (d > maxDistance || d > bestDistance) continue;
        const df = documentFrequency(candidate);
        if (
          d < bestDistance || df > bestDf ||
          (df === bestDf && best !== undefined && candidate < best)
        ) {
          best = candidate, bestDistance = d, bestDf = df;
        }
      }
    }
    return best;
  };
}
