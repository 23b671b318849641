/**
 * A hit's confidence, computed the same way by the query path and by the build-time calibration
 * (`control/calibrate_confidence.ts`):
 *
 *   c = 0.7 · coverage + 0.3 · min(1, lead)
 *
 * where coverage is the share of the query's term groups (`Analyzer.expandQuery`) found among
 * the hit's highlighted words, and lead = 2 · (s₁ − s₂) / s₁ for the top hit (s₁, s₂: the first
 * and second ranked scores; 0 when s₁ ≤ 0) and 0 for every other hit. So c ∈ [0, 1]. Buckets are
 * cut from c by an index version's calibrated thresholds, or the fixed ones when it has none.
 *
 * @example
 * ```ts
 * const c = confidenceScore(hit, { item, groups, analyzer, lead: { top: 9, second: 6 } });
 * confidenceLevel(c, FIXED_THRESHOLDS); // "HIGH" when c = 0.7
 * ```
 */
import type { Analyzer } from "./analyzer.ts";
import type { Confidence, StoredItem } from "./result_items.ts";
import type { SearchHit } from "./search_index.ts";

/** The lowest c of each bucket above LOW; null when the bucket is never awarded. */
export interface ConfidenceThresholds {
  VERY_HIGH: number | null;
  HIGH: number | null;
  MEDIUM: number | null;
}

/** The hand-set thresholds, used when an index version has no calibration. */
export const FIXED_THRESHOLDS: ConfidenceThresholds = { VERY_HIGH: 0.8, HIGH: 0.6, MEDIUM: 0.4 };

export interface ConfidenceInput {
  item: StoredItem;
  groups: readonly { terms: string[] }[];
  analyzer: Analyzer;
  /** The first and second ranked scores, when the hit is the top hit. */
  lead?: { top: number; second: number };
}

/** Share of the query's term groups found in the hit's highlighted words. */
export function coverageOf(
  hit: SearchHit,
  { item, groups, analyzer }: ConfidenceInput,
): number {
  if (groups.length === 0) return 0;
  const found = new Set<string>();
  for (const [field, spans] of Object.entries(hit.highlights)) {
    const text = item.fields[field as keyof StoredItem["fields"]] ?? "";
    for (const span of spans ?? []) {
      for (const t of analyzer.analyze(text.slice(span.start, span.end))) found.add(t.term);
    }
  }
  return groups.filter((g) => g.terms.some((t) => found.has(t))).length / groups.length;
}

/** c for one hit (formula above). */
export function confidenceScore(hit: SearchHit, input: ConfidenceInput): number {
  const { top = 0, second = 0 } = input.lead ?? {};
  const lead = top > 0 ? ((top - second) / top) * 2 : 0;
  return 0.7 * coverageOf(hit, input) + 0.3 * Math.min(1, lead);
}

/** The highest bucket whose threshold c reaches. */
export function confidenceLevel(c: number, thresholds: ConfidenceThresholds): Confidence {
  const reaches = (t: number | null) => t !== null && c >= t;
  return reaches(thresholds.VERY_HIGH)
    ? "VERY_HIGH"
    : reaches(thresholds.HIGH)
    ? "HIGH"
    : reaches(thresholds.MEDIUM)
    ? "MEDIUM"
    : "LOW";
}
