import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { scoreAll, topK } from "./top_k.ts";

Deno.test("topK equals a full sort (descending, ties by index) minus excluded items", () => {
  const random = mulberry32(3);
  const scores = Float32Array.from({ length: 500 }, () => Math.round(random() * 50) / 10);
  const exclude = new Set([1, 2, 3, 40]);
  const expected = [...scores.keys()].filter((i) => !exclude.has(i))
    .sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 25);
  const top = topK(scores, 25, exclude);
  assert.deepEqual([...top.items], expected);
  assert.deepEqual([...top.scores], expected.map((i) => scores[i]));
  assert.equal(topK(scores.subarray(0, 3), 10).items.length, 3);
});

Deno.test("scoreAll: one dot product per item row", () => {
  const vectors = Float32Array.from([1, 2, 3, -1, 0, 0.5]);
  assert.deepEqual([...scoreAll(vectors, 3, [2, 1, 4])], [16, 0]);
});
