/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions, Damerau 1964;
 * the "restricted edit distance" of Boytsov 2011), computed row by row and abandoned as soon as
 * every cell of a row exceeds `max`: O(|a|·|b|) at worst, usually far less.
 *
 * @example
 * ```ts
 * boundedEditDistance("libary", "library", 2); // 1 (an insertion)
 * boundedEditDistance("teh", "the", 2);        // 1 (a transposition)
 * boundedEditDistance("park", "library", 2);   // 3, meaning "more than 2"
 * ```
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Int32Array(n + 1);
  let prev = Int32Array.from({ length: n + 1 }, (_, j) => j);
  let row = new Int32Array(n + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (
        i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) d = Math.min(d, prev2[j - 2] + 1);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, row] = [prev, row, prev2];
  }
  return Math.min(prev[n], max + 1);
}
