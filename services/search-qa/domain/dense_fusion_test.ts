import assert from "node:assert/strict";
import { fuseWithDense } from "./dense_fusion.ts";
import type { SearchHit } from "./search_index.ts";

const hit = (id: string, score = 1): SearchHit => ({
  id,
  kind: "FAQ",
  score,
  fieldScores: {},
  highlights: {},
});
const entries = (ids: string[]) => ids.map((id, i) => ({ hit: hit(id, 10 - i), score: 10 - i }));
const ids = (list: { hit: SearchHit }[]) => list.map((e) => e.hit.id);

Deno.test("dense fusion: an item both lists rank well leads; one only the embedding found joins", () => {
  const lexical = entries(["a", "b", "c", "d"]);
  const fused = fuseWithDense(lexical, [hit("c"), hit("x"), hit("a")], 3);
  // a: 1/61 + 1/63, c: 1/63 + 1/61 (tie, lexical first), b: 1/62, x: 1/62 (lexical first), then d.
  assert.deepEqual(ids(fused), ["a", "c", "b", "x", "d"]);
  // Items only the embedding found carry no lexical score; the others keep theirs.
  assert.equal(fused.find((e) => e.hit.id === "x")!.score, 0);
  assert.equal(fused.find((e) => e.hit.id === "c")!.score, 8);
});

Deno.test("dense fusion: no dense hits leaves the lexical order; no lexical hits gives the dense order", () => {
  const lexical = entries(["a", "b"]);
  assert.deepEqual(ids(fuseWithDense(lexical, [], 30)), ["a", "b"]);
  assert.deepEqual(ids(fuseWithDense([], [hit("y"), hit("z")], 30)), ["y", "z"]);
});

Deno.test("dense fusion: an item past the depth that the embedding found is not listed twice", () => {
  const lexical = entries(["a", "b", "c"]);
  const fused = fuseWithDense(lexical, [hit("c")], 1);
  assert.deepEqual(ids(fused), ["a", "c", "b"]);
});
