/**
 * Calibration of a built index on its own pseudo-queries: enough queries are fitted, the
 * thresholds are monotone and each awarded bucket's observed precision reaches its target;
 * too few queries keep the fixed thresholds; the cap and the seed hold.
 */
import assert from "node:assert/strict";
import { FIXED_THRESHOLDS } from "../domain/confidence.ts";
import { buildIndex, type IndexedItem } from "../domain/mod.ts";
import { calibrateConfidence } from "./calibrate_confidence.ts";
import type { FeedbackQuery } from "./rerank/feedback_queries.ts";

const TOPICS = [
  ["When is the public library open?", "The library opens at nine and closes at six."],
  ["How do I register my dog?", "Dogs are registered at the animal control office."],
  ["Where can I pay a parking ticket?", "Parking tickets are paid online or at city hall."],
  ["When is bulky waste collected?", "Bulky waste is collected on the first Monday."],
  ["How can I renew a passport?", "Passports are renewed at the citizen service desk."],
  ["Is the swimming pool heated?", "The outdoor swimming pool is heated from May."],
  ["Who repairs potholes on my street?", "Report potholes to the roads department."],
  ["How do I apply for a building permit?", "Building permits are requested from planning."],
  ["Where do I recycle old batteries?", "Batteries go to the recycling centre on Mill Road."],
  ["What are the cemetery visiting hours?", "The cemetery gates are open from dawn to dusk."],
];
const items: IndexedItem[] = TOPICS.map(([question, answer], n) => ({
  id: `faq.town.${n}`,
  kind: "FAQ",
  fields: { question, answer },
  attributes: {},
}));
const built = buildIndex(items);

Deno.test("calibrateConfidence: monotone thresholds whose queries reach their targets", () => {
  const calibration = calibrateConfidence(built, items, { version: 7 });
  assert.equal(calibration.format, "edgeml-search-calibration");
  assert.equal(calibration.version, 7);
  assert.equal(calibration.fitted, true);
  assert.ok(calibration.queries >= 30 && calibration.queries <= 40); // 4 per FAQ
  const { thresholds: t, observed, targets } = calibration;
  const rank = (x: number | null) => x ?? Infinity;
  assert.ok(rank(t.VERY_HIGH) >= rank(t.HIGH) && rank(t.HIGH) >= rank(t.MEDIUM));
  for (const level of ["VERY_HIGH", "HIGH", "MEDIUM"] as const) {
    if (t[level] !== null) assert.ok(observed[level].precisionAt1! >= targets[level]);
  }
  assert.deepEqual(calibrateConfidence(built, items, { version: 7 }), calibration); // seeded
});

Deno.test("calibrateConfidence: too few queries keep the fixed thresholds; the cap holds", () => {
  const small = calibrateConfidence(built, items, { version: 1, maxQueries: 12 });
  assert.equal(small.fitted, false);
  assert.ok(small.queries <= 12);
  assert.deepEqual(small.thresholds, FIXED_THRESHOLDS);
});

Deno.test("calibrateConfidence: logged queries with votes on their top hit add samples, counted", () => {
  const top = (text: string) => built.search({ text, limit: 1 }).hits[0]?.id;
  const query = (text: string, relevant: string[], notRelevant: string[]): FeedbackQuery => ({
    text,
    relevant,
    notRelevant,
    at: "2025-01-01T00:00:00.000Z",
  });
  const feedback = [
    query("library opening times", [top("library opening times")], []), // correct
    query("register dog", [], [top("register dog")]), // incorrect
    query("pothole on my street", ["faq.town.9"], []), // its top hit was not voted on: no sample
    query("zebra xylophone", ["faq.town.0"], []), // no result: no sample
  ];
  assert.ok(top("pothole on my street") !== "faq.town.9");
  assert.equal(top("zebra xylophone"), undefined);
  const plain = calibrateConfidence(built, items, { version: 1 });
  const withFeedback = calibrateConfidence(built, items, { version: 1, feedback });
  assert.equal(plain.feedbackSamples, 0);
  assert.equal(withFeedback.feedbackSamples, 2);
  assert.equal(withFeedback.queries, plain.queries + 2);
  const correct = plain.precisionAt1 * plain.queries + 1;
  assert.ok(Math.abs(withFeedback.precisionAt1 - correct / withFeedback.queries) < 1e-9);
  assert.deepEqual(calibrateConfidence(built, items, { version: 1, feedback }), withFeedback);
  // Bounded: only the first maxFeedbackQueries are run.
  const capped = calibrateConfidence(built, items, { version: 1, feedback, maxFeedbackQueries: 1 });
  assert.equal(capped.feedbackSamples, 1);
});
