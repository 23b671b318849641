/**
 * Confidence thresholds from held-out queries: for each bucket, the lowest observed c such that
 * the queries whose c is at or above it have precision@1 at least the bucket's target
 * (VERY_HIGH 0.9, HIGH 0.75, MEDIUM 0.5). A target no threshold reaches leaves its bucket
 * unawarded (null). A threshold reaching a higher target reaches every lower one, so the
 * thresholds are monotone. With fewer than `minQueries` queries the fixed thresholds are kept.
 *
 * @example
 * ```ts
 * pickThresholds([{ c: 0.9, correct: true }, { c: 0.5, correct: false }], { minQueries: 1 })
 *   .thresholds; // { VERY_HIGH: 0.9, HIGH: 0.9, MEDIUM: 0.5 }
 * ```
 */
import { type ConfidenceThresholds, FIXED_THRESHOLDS } from "../../domain/confidence.ts";
import type {
  CalibratedLevel,
  ConfidenceCalibration,
} from "../../domain/confidence_calibration.ts";

export interface Sample {
  /** The top hit's confidence (`confidenceScore`). */
  c: number;
  /** Whether the top hit answers the query. */
  correct: boolean;
}

export interface PickThresholdsOptions {
  targets?: Record<CalibratedLevel, number>;
  /** Fewest queries worth fitting on (default 30). */
  minQueries?: number;
}

export const DEFAULT_TARGETS: Record<CalibratedLevel, number> = {
  VERY_HIGH: 0.9,
  HIGH: 0.75,
  MEDIUM: 0.5,
};

const LEVELS: readonly CalibratedLevel[] = ["VERY_HIGH", "HIGH", "MEDIUM"];

export type PickedThresholds = Omit<
  ConfidenceCalibration,
  "format" | "version" | "feedbackSamples"
>;

export function pickThresholds(
  samples: readonly Sample[],
  { targets = DEFAULT_TARGETS, minQueries = 30 }: PickThresholdsOptions = {},
): PickedThresholds {
  const fitted = samples.length >= minQueries;
  const thresholds: ConfidenceThresholds = fitted
    ? { VERY_HIGH: null, HIGH: null, MEDIUM: null }
    : { ...FIXED_THRESHOLDS };
  if (fitted) {
    const sorted = samples.toSorted((a, b) => b.c - a.c);
    let hits = 0;
    for (const [i, s] of sorted.entries()) {
      hits += s.correct ? 1 : 0;
      if (sorted[i + 1]?.c === s.c) continue; // the threshold takes every query tied at s.c
      for (const level of LEVELS) {
        if (hits / (i + 1) >= targets[level]) thresholds[level] = s.c;
      }
    }
  }
  const observed = (t: number | null) => {
    const above = t === null ? [] : samples.filter((s) => s.c >= t);
    const hits = above.filter((s) => s.correct).length;
    return { queries: above.length, precisionAt1: above.length > 0 ? hits / above.length : null };
  };
  const correct = samples.filter((s) => s.correct).length;
  return {
    fitted,
    queries: samples.length,
    precisionAt1: samples.length > 0 ? correct / samples.length : 0,
    targets,
    thresholds,
    observed: {
      VERY_HIGH: observed(thresholds.VERY_HIGH),
      HIGH: observed(thresholds.HIGH),
      MEDIUM: observed(thresholds.MEDIUM),
    },
  };
}
