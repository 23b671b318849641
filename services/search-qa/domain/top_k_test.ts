import assert from "node:assert/strict";
import { createTopK } from "./top_k.ts";

Deno.test("keeps the k best of a stream, ties to the lower doc, like a full sort", () => {
  const pairs = Array.from({ length: 500 }, (_, doc) => ({ doc, score: (doc * 7919) % 37 }));
  for (const k of [0, 1, 5, 37, 600]) {
    const top = createTopK(k);
    for (const { doc, score } of pairs) top.push(doc, score);
    const expected = [...pairs].sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
    assert.deepEqual(top.sorted(), expected, `k = ${k}`);
  }
});
