/**
 * The calibration file as the edge reads it: its thresholds when well-formed and monotone,
 * undefined otherwise (the query service then uses the fixed ones).
 */
import assert from "node:assert/strict";
import { parseCalibration } from "./confidence_calibration.ts";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const file = (thresholds: unknown) =>
  bytes({ format: "edgeml-search-calibration", version: 3, thresholds });

Deno.test("parseCalibration: reads the thresholds, null meaning never awarded", () => {
  assert.deepEqual(parseCalibration(file({ VERY_HIGH: 0.9, HIGH: 0.5, MEDIUM: 0.5 })), {
    VERY_HIGH: 0.9,
    HIGH: 0.5,
    MEDIUM: 0.5,
  });
  assert.deepEqual(parseCalibration(file({ VERY_HIGH: null, HIGH: 0.7, MEDIUM: 0.2 })), {
    VERY_HIGH: null,
    HIGH: 0.7,
    MEDIUM: 0.2,
  });
});

Deno.test("parseCalibration: undefined for another format, a missing or non-monotone threshold", () => {
  assert.equal(parseCalibration(new TextEncoder().encode("not json")), undefined);
  assert.equal(
    parseCalibration(bytes({ format: "other", thresholds: { VERY_HIGH: 1, HIGH: 1, MEDIUM: 1 } })),
    undefined,
  );
  assert.equal(parseCalibration(file({ VERY_HIGH: 0.9, HIGH: 0.5 })), undefined);
  assert.equal(parseCalibration(file({ VERY_HIGH: 0.5, HIGH: 0.9, MEDIUM: 0.1 })), undefined);
  assert.equal(parseCalibration(file({ VERY_HIGH: 0.9, HIGH: null, MEDIUM: 0.1 })), undefined);
});
