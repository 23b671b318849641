/**
 * The k best (doc, score) pairs of a stream, in a bounded binary min-heap over typed arrays: O(log k)
 * per accepted candidate, O(1) per rejected one, no allocation per push. Higher scores rank first;
 * equal scores rank the lower doc number first, so results are deterministic.
 *
 * @example
 * ```ts
 * const top = createTopK(2);
 * top.push(7, 0.5); top.push(3, 0.9); top.push(4, 0.1);
 * top.sorted(); // [{ doc: 3, score: 0.9 }, { doc: 7, score: 0.5 }]
 * ```
 */
export interface TopK {
  push(doc: number, score: number): void;
  /** The kept pairs, best first. */
  sorted(): { doc: number; score: number }[];
}

export function createTopK(k: number): TopK {
  const docs = new Int32Array(k);
  const scores = new Float64Array(k);
  let size = 0;
  // true when slot i ranks below slot j (the heap keeps the lowest-ranked at the root)
  const below = (i: number, j: number) =>
    scores[i] < scores[j] || (scores[i] === scores[j] && docs[i] > docs[j]);
  const swap = (i: number, j: number) => {
    const d = docs[i], s = scores[i];
    docs[i] = docs[j], scores[i] = scores[j], docs[j] = d, scores[j] = s;
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < size && below(l, m)) m = l;
      if (r < size && below(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  return {
    push(doc, score) {
      if (size < k) {
        let i = size++;
        docs[i] = doc, scores[i] = score;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!below(i, parent)) break;
          swap(i, parent);
          i = parent;
        }
      } else if (k > 0 && (score > scores[0] || (score === scores[0] && doc < docs[0]))) {
        docs[0] = doc, scores[0] = score;
        siftDown(0);
      }
    },
    sorted() {
      const out = Array.from({ length: size }, (_, i) => ({ doc: docs[i], score: scores[i] }));
      return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
    },
  };
}
