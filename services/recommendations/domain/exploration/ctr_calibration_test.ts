import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { calibratedCtr, fitCtrCalibration, type ScoredImpression } from "./ctr_calibration.ts";

Deno.test("calibratedCtr is the logistic of A·s + B", () => {
  assert.equal(calibratedCtr(0, { slope: 2, intercept: 0 }), 0.5);
  assert.ok(Math.abs(calibratedCtr(1, { slope: 2, intercept: -3 }) - 1 / (1 + Math.E)) < 1e-15);
  assert.ok(calibratedCtr(-1000, { slope: 1, intercept: 0 }) >= 0);
});

Deno.test("fitCtrCalibration recovers the (A, B) that generated the clicks", () => {
  const random = mulberry32(5);
  const impressions: ScoredImpression[] = [];
  for (let i = 0; i < 40_000; i++) {
    const score = random() * 4 - 2;
    impressions.push({ score, clicked: random() < 1 / (1 + Math.exp(-(1.5 * score - 3))) });
  }
  const { slope, intercept } = fitCtrCalibration(impressions);
  assert.ok(Math.abs(slope - 1.5) < 0.1, `slope ${slope}`);
  assert.ok(Math.abs(intercept + 3) < 0.1, `intercept ${intercept}`);
});

Deno.test("fitCtrCalibration stays finite without clicks (Platt's smoothed targets)", () => {
  const impressions = Array.from({ length: 98 }, (_, i) => ({ score: i / 10, clicked: false }));
  const calibration = fitCtrCalibration(impressions);
  // Every target is t₋ = 1/100, so the fit is flat at that rate.
  assert.ok(Math.abs(calibratedCtr(3, calibration) - 0.01) < 1e-3);
  assert.ok(Number.isFinite(calibration.slope) && Number.isFinite(calibration.intercept));
});
