import assert from "node:assert/strict";
import { createImpressionSample } from "./logged_impressions.ts";

Deno.test("impression sample: rows of one showing merge their clicks", () => {
  const sample = createImpressionSample();
  sample.add("rec-1", "u1", 100, ["a", "b", "c"], "b");
  sample.add("rec-1", "u1", 101, ["a", "b", "c"], "c");
  sample.add("u2@100", "u2", 100, ["a", "d"]);
  const showings = sample.showings();
  assert.equal(showings.length, 2);
  const first = showings.find((s) => s.userId === "u1")!;
  assert.deepEqual([...first.clicked].sort(), ["b", "c"]);
  assert.equal(showings.find((s) => s.userId === "u2")!.clicked.size, 0);
});

Deno.test("impression sample: bounded, and a showing is kept or dropped whole", () => {
  const sample = createImpressionSample(100);
  for (let s = 0; s < 5000; s++) {
    for (const item of ["x", "y"]) sample.add(`show-${s}`, `u${s}`, s, ["x", "y"], item);
  }
  const showings = sample.showings();
  assert.ok(showings.length <= 100 && showings.length >= 25, `${showings.length} kept`);
  assert.ok(showings.every((s) => s.clicked.size === 2));
  // The same input gives the same sample.
  const again = createImpressionSample(100);
  for (let s = 0; s < 5000; s++) {
    for (const item of ["x", "y"]) again.add(`show-${s}`, `u${s}`, s, ["x", "y"], item);
  }
  assert.deepEqual(again.showings().map((s) => s.userId), showings.map((s) => s.userId));
});
