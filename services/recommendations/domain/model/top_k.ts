/**
 * Scoring and top-K in JavaScript, the same computation as the exported ONNX scorer:
 * sᵢ = u · qᵢ for every item row of `vectors` ([numItems, width]), then the K largest scores
 * in descending order (ties: lower index first), skipping excluded items.
 * @module
 */

/** sᵢ = u · qᵢ for all items. */
export function scoreAll(
  vectors: Float32Array,
  width: number,
  user: ArrayLike<number>,
): Float32Array {
  const n = vectors.length / width;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const row = i * width;
    for (let c = 0; c < width; c++) dot += user[c] * vectors[row + c];
    out[i] = dot;
  }
  return out;
}

export interface TopK {
  items: Int32Array;
  scores: Float32Array;
}

/** The `k` best-scoring items (a bounded min-heap, O(n log k)); `exclude` items are skipped. */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  exclude?: { has(item: number): boolean },
): TopK {
  const heapItems = new Int32Array(k);
  // Doubles, so callers ranking float64 values (exploration draws) compare them exactly.
  const heapScores = new Float64Array(k);
  let size = 0;
  // "worse" means lower score, or equal score and higher index.
  const worse = (a: number, b: number) =>
    heapScores[a] < heapScores[b] ||
    (heapScores[a] === heapScores[b] && heapItems[a] > heapItems[b]);
  const swap = (a: number, b: number) => {
    const i = heapItems[a];
    heapItems[a] = heapItems[b];
    heapItems[b] = i;
    const s = heapScores[a];
    heapScores[a] = heapScores[b];
    heapScores[b] = s;
  };
  const siftDown = (start: number) => {
    let p = start;
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === p) return;
      swap(p, m);
      p = m;
    }
  };
  for (let i = 0; i < scores.length && k > 0; i++) {
    if (exclude?.has(i)) continue;
    const s = scores[i];
    if (size < k) {
      heapItems[size] = i;
      heapScores[size] = s;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (s > heapScores[0]) {
      heapItems[0] = i;
      heapScores[0] = s;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, j) => j).sort((a, b) =>
    heapScores[b] - heapScores[a] || heapItems[a] - heapItems[b]
  );
  return {
    items: Int32Array.from(order, (j) => heapItems[j]),
    scores: Float32Array.from(order, (j) => heapScores[j]),
  };
}
