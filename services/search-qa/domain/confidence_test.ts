/**
 * c = 0.7 · coverage + 0.3 · min(1, lead) on a hit built by hand, and the buckets it falls in.
 */
import assert from "node:assert/strict";
import { createAnalyzer } from "./analyzer.ts";
import { confidenceLevel, confidenceScore, coverageOf, FIXED_THRESHOLDS } from "./confidence.ts";
import type { StoredItem } from "./result_items.ts";
import type { SearchHit } from "./search_index.ts";

const analyzer = createAnalyzer();
const item: StoredItem = {
  id: "faq.town.0",
  kind: "FAQ",
  fields: { question: "When is the pool open?", answer: "From 7 to 21." },
  attributes: {},
};
// "pool" is highlighted; "hours" is not in the item.
const hit: SearchHit = {
  id: item.id,
  kind: "FAQ",
  score: 9,
  fieldScores: {},
  highlights: { question: [{ start: 12, end: 16 }] },
};
const input = { item, groups: analyzer.expandQuery("pool hours"), analyzer };

Deno.test("coverageOf: the share of query term groups among the highlighted words", () => {
  assert.equal(coverageOf(hit, input), 0.5);
  assert.equal(coverageOf(hit, { ...input, groups: analyzer.expandQuery("pool") }), 1);
  assert.equal(coverageOf(hit, { ...input, groups: [] }), 0);
});

Deno.test("confidenceScore: 0.7 · coverage + 0.3 · min(1, 2 · (s1 − s2) / s1)", () => {
  assert.equal(confidenceScore(hit, input), 0.35); // not the top hit: no lead
  // lead = 2 · 3 / 9 = 2/3: 0.35 + 0.2
  assert.ok(
    Math.abs(confidenceScore(hit, { ...input, lead: { top: 9, second: 6 } }) - 0.55) < 1e-12,
  );
  // lead = 2 · 8 / 10 = 1.6, capped at 1: 0.35 + 0.3
  assert.ok(
    Math.abs(confidenceScore(hit, { ...input, lead: { top: 10, second: 2 } }) - 0.65) < 1e-12,
  );
  assert.equal(confidenceScore(hit, { ...input, lead: { top: 0, second: 0 } }), 0.35);
});

Deno.test("confidenceLevel: the highest bucket reached; a null threshold is never reached", () => {
  const levels = [0.35, 0.4, 0.55, 0.65, 0.8, 1].map((c) => confidenceLevel(c, FIXED_THRESHOLDS));
  assert.deepEqual(levels, ["LOW", "MEDIUM", "MEDIUM", "HIGH", "VERY_HIGH", "VERY_HIGH"]);
  const noTop = { VERY_HIGH: null, HIGH: 0.7, MEDIUM: 0.3 };
  assert.deepEqual([1, 0.7, 0.3, 0.29].map((c) => confidenceLevel(c, noTop)), [
    "HIGH",
    "HIGH",
    "MEDIUM",
    "LOW",
  ]);
});
