import assert from "node:assert/strict";
import { idf, lengthNorm, saturate } from "./bm25f.ts";

Deno.test("idf, length normalisation and saturation against worked numbers", () => {
  // N = 4, df = 1: ln(1 + 3.5 / 1.5) = ln(10/3)
  assert.equal(idf(4, 1), Math.log(10 / 3));
  // every document has the term: ln(1 + 0.5 / 4.5) = ln(10/9), still positive
  assert.equal(idf(4, 4), Math.log(10 / 9));
  // b = 0.75, l = 6, avgl = 4: 0.25 + 0.75 · 1.5 = 1.375
  assert.equal(lengthNorm(0.75, 6, 4), 1.375);
  assert.equal(lengthNorm(0.75, 3, 0), 1);
  // t̃f = 2, k1 = 1.2: 2 / 3.2 = 0.625
  assert.equal(saturate(2, 1.2), 0.625);
});
