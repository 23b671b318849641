/**
 * Calibrates an index version's confidence buckets at build time on held-out pseudo-queries
 * from its own content (`rerank/pseudo_queries.ts`, with a seed of its own, so not the
 * re-ranker's training queries): each query runs through the built index, its top hit's c is
 * computed as the query path computes it (`domain/confidence.ts`, no feedback prior, BM25F
 * order) and graded against the items it came from, and the thresholds are picked from those
 * (c, correct) pairs (`calibration/pick_thresholds.ts`). At most `maxQueries` queries (seeded
 * sample), so a rebuild stays fast.
 *
 * @example
 * ```ts
 * const calibration = calibrateConfidence(built, items, { version: 3 });
 * await artifacts.put(calibrationPath("city", 3), encode(JSON.stringify(calibration)));
 * ```
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import { type AnalyzerOptions, createAnalyzer } from "../domain/analyzer.ts";
import {
  confidenceScore,
  type ConfidenceThresholds,
  FIXED_THRESHOLDS,
} from "../domain/confidence.ts";
import type { ConfidenceCalibration } from "../domain/confidence_calibration.ts";
import type { IndexedItem } from "../domain/index_data.ts";
import type { StoredItem } from "../domain/result_items.ts";
import type { SearchIndex } from "../domain/search_index.ts";
import {
  pickThresholds,
  type PickThresholdsOptions,
  type Sample,
} from "./calibration/pick_thresholds.ts";
import { pseudoQueries } from "./rerank/pseudo_queries.ts";

export interface CalibrateConfidenceOptions extends PickThresholdsOptions {
  version: number;
  analyzer?: AnalyzerOptions;
  /** Most pseudo-queries run (default 300). */
  maxQueries?: number;
  /** Seeds the queries and the sample (default 2; the re-ranker trains on seed 1). */
  seed?: number;
  /** Word dropout of the pseudo-queries (default 0.3, as the re-ranker's). */
  dropout?: number;
}

export function calibrateConfidence(
  index: SearchIndex,
  items: readonly IndexedItem[],
  { version, analyzer: analyzerOptions, maxQueries = 300, seed = 2, dropout, ...pick }:
    CalibrateConfidenceOptions,
): ConfidenceCalibration {
  const analyzer = createAnalyzer(analyzerOptions);
  const random = mulberry32(seed);
  const queries = pseudoQueries(items, { seed, dropout })
    .map((q) => ({ q, key: random() }))
    .sort((a, b) => a.key - b.key)
    .slice(0, maxQueries);
  const samples: Sample[] = [];
  for (const { q } of queries) {
    const [top, next] = index.search({ text: q.text, limit: 2 }).hits;
    if (!top) continue; // no result, no confidence shown
    const c = confidenceScore(top, {
      item: index.item(top.id) as StoredItem,
      groups: analyzer.expandQuery(q.text),
      analyzer,
      lead: { top: top.score, second: next?.score ?? 0 },
    });
    samples.push({ c, correct: q.relevant.includes(top.id) });
  }
  const picked = pickThresholds(samples, pick);
  return { format: "edgeml-search-calibration", version, ...picked, thresholds: floored(picked) };
}

/**
 * Pseudo-queries are easier than residents' questions (on the COVID FAQ benchmark their top hit
 * is right 92% of the time, real paraphrases' 52%), so what they fit may only make a bucket
 * stricter: never laxer than the fixed thresholds, which hold on real queries (0.89 at VERY_HIGH).
 */
function floored({ thresholds }: { thresholds: ConfidenceThresholds }): ConfidenceThresholds {
  const out = { ...thresholds };
  for (const level of ["VERY_HIGH", "HIGH", "MEDIUM"] as const) {
    const t = thresholds[level];
    if (t !== null) out[level] = Math.max(t, FIXED_THRESHOLDS[level]!);
  }
  return out;
}
