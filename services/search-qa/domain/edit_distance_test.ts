import assert from "node:assert/strict";
import { boundedEditDistance } from "./edit_distance.ts";

Deno.test("edits, transpositions and the cut-off, by hand", () => {
  assert.equal(boundedEditDistance("library", "library", 2), 0);
  assert.equal(boundedEditDistance("libary", "library", 2), 1);
  assert.equal(boundedEditDistance("teh", "the", 2), 1);
  assert.equal(boundedEditDistance("kitten", "sitting", 3), 3);
  assert.equal(boundedEditDistance("kitten", "sitting", 2), 3);
  assert.equal(boundedEditDistance("", "ab", 2), 2);
  assert.equal(boundedEditDistance("park", "library", 2), 3);
  // OSA is not a metric: "ca" → "abc" is 3, not the unrestricted Damerau distance 2
  assert.equal(boundedEditDistance("ca", "abc", 3), 3);
});
