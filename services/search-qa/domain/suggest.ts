/**
 * Spelling suggestions: for a word not in the vocabulary, the vocabulary word at the smallest
 * edit distance (optimal string alignment, at most `maxDistance`, default 2), ties broken by the
 * highest document frequency, then alphabetically. Words are bucketed by length, so only words
 * within `maxDistance` characters of the query's length are compared, and a word whose letter
 * counts differ from the query's by more than 2·d in all (each edit changes them by at most 2,
 * a transposition by none) cannot be within distance d: only the rest pay for an edit distance.
 * Letters are counted in 32 bins (char code mod 32): merged bins can only lower the difference,
 * so the filter never drops a word that is within reach.
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
  // Letter counts of each length bucket's words, 32 bins per word, in bucket order.
  const counts = byLength.map((bucket) => {
    const out = new Uint8Array(bucket.length * BINS);
    bucket.forEach((w, i) => countLetters(w, out, i * BINS));
    return out;
  });
  const query = new Uint8Array(BINS);
  return function suggest(word) {
    let best: string | undefined, bestDistance = maxDistance + 1, bestDf = -1;
    query.fill(0);
    countLetters(word, query, 0);
    const from = Math.max(0, word.length - maxDistance);
    for (let length = from; length <= word.length + maxDistance; length++) {
      const bucket = byLength[length];
      if (bucket === undefined) continue;
      const bucketCounts = counts[length];
      for (let c = 0; c < bucket.length; c++) {
        const reach = Math.min(maxDistance, bestDistance);
        let difference = 0;
        for (let b = 0, at = c * BINS; b < BINS && difference <= 2 * reach; b++, at++) {
          const x = bucketCounts[at] - query[b];
          difference += x < 0 ? -x : x;
        }
        if (difference > 2 * reach) continue;
        const candidate = bucket[c];
        const d = boundedEditDistance(word, candidate, reach);
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

const BINS = 32;

/** Adds the word's letters to `into[at … at + 32)`, by char code mod 32 (saturating at 255). */
function countLetters(word: string, into: Uint8Array, at: number) {
  for (let i = 0; i < word.length; i++) {
    const bin = at + (word.charCodeAt(i) & (BINS - 1));
    if (into[bin] < 255) into[bin]++;
  }
}
