/**
 * The small JSON written beside an index version's snapshot (`<version>.calibration.json`): the
 * confidence thresholds fitted on held-out pseudo-queries (and logged queries with feedback) at
 * build time (`control/calibrate_confidence.ts`), with what they were fitted on. For each
 * bucket, `observed` counts the queries whose top hit's c is at or above its threshold and
 * their precision@1 (null when none). `fitted` is false when there were too few queries and the
 * fixed thresholds were kept. The edge reads only `thresholds`; without a usable file it uses
 * the fixed ones.
 *
 * @example
 * ```ts
 * const thresholds = parseCalibration(bytes) ?? FIXED_THRESHOLDS;
 * ```
 */
import type { ConfidenceThresholds } from "./confidence.ts";

export type CalibratedLevel = keyof ConfidenceThresholds;

export interface ConfidenceCalibration {
  format: "edgeml-search-calibration";
  /** The index version it was fitted for. */
  version: number;
  /** Whether the thresholds were fitted (false: too few queries, the fixed ones kept). */
  fitted: boolean;
  /** Queries with a top hit, and the share whose top hit is relevant. */
  queries: number;
  precisionAt1: number;
  /** How many of `queries` were logged queries with feedback (the rest: pseudo-queries). */
  feedbackSamples: number;
  /** Precision@1 each bucket's queries must reach. */
  targets: Record<CalibratedLevel, number>;
  thresholds: ConfidenceThresholds;
  observed: Record<CalibratedLevel, { queries: number; precisionAt1: number | null }>;
}

const LEVELS: readonly CalibratedLevel[] = ["VERY_HIGH", "HIGH", "MEDIUM"];

/** Null (never awarded) sorts above every number. */
const rank = (t: number | null) => t ?? Infinity;

/** The thresholds, or undefined when the bytes are not a calibration this edge can use. */
export function parseCalibration(bytes: Uint8Array): ConfidenceThresholds | undefined {
  try {
    const c = JSON.parse(new TextDecoder().decode(bytes)) as ConfidenceCalibration;
    const t = c.thresholds;
    const valid = c.format === "edgeml-search-calibration" && !!t &&
      LEVELS.every((l) => t[l] === null || Number.isFinite(t[l])) &&
      rank(t.VERY_HIGH) >= rank(t.HIGH) && rank(t.HIGH) >= rank(t.MEDIUM);
    return valid ? { VERY_HIGH: t.VERY_HIGH, HIGH: t.HIGH, MEDIUM: t.MEDIUM } : undefined;
  } catch {
    return undefined;
  }
}
