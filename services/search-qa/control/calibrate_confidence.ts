/**
 * Calibrates an index version's confidence buckets at build time on held-out pseudo-queries
 * from its own content (`rerank/pseudo_queries.ts`, with a seed of its own, so not the
 * re-ranker's training queries): each query runs through the built index, its top hit's c is
 * computed as the query path computes it (`domain/confidence.ts`, no feedback prior, BM25F
 * order) and graded against the items it came from, and the thresholds are picked from those
 * (c, correct) pairs (`calibration/pick_thresholds.ts`). At most `maxQueries` queries (seeded
 * sample), so a rebuild stays fast.
 *
 * Logged queries with feedback (`rerank/feedback_queries.ts`, newest-voted first, at most
 * `maxFeedbackQueries`) add one sample each, run the same way: correct when the top hit was
 * clicked or voted RELEVANT for that query, incorrect when it was voted NOT_RELEVANT; a top hit
 * nobody voted on says nothing and adds no sample. `feedbackSamples` in the artifact counts them.
 *
 * @example
 * ```ts
 * const calibration = calibrateConfidence(built, items, { version: 3 });
 * await artifacts.put(calibrationPath("city", 3), encode(JSON.stringify(calibration)));
 * ```
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import { type AnalyzerOptions, createAnalyzer, MEMO_TOKENS } from "../domain/analyzer.ts";
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
import type { FeedbackQuery } from "./rerank/feedback_queries.ts";
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
  /** Logged queries with feedback, sampled beside the pseudo-queries. */
  feedback?: readonly FeedbackQuery[];
  /** Most feedback queries run (default 300), the first ones given. */
  maxFeedbackQueries?: number;
}

export function calibrateConfidence(
  index: SearchIndex,
  items: readonly IndexedItem[],
  {
    version,
    analyzer: analyzerOptions,
    maxQueries = 300,
    seed = 2,
    dropout,
    feedback = [],
    maxFeedbackQueries = 300,
    ...pick
  }: CalibrateConfidenceOptions,
): ConfidenceCalibration {
  const analyzer = createAnalyzer({ ...analyzerOptions, memoTokens: MEMO_TOKENS });
  const random = mulberry32(seed);
  const queries = pseudoQueries(items, { seed, dropout })
    .map((q) => ({ q, key: random() }))
    .sort((a, b) => a.key - b.key)
    .slice(0, maxQueries);
  /** The top hit of `text` and its c; undefined without a result (no confidence shown). */
  const topHit = (text: string) => {
    const [top, next] = index.search({ text, limit: 2 }).hits;
    if (!top) return undefined;
    const c = confidenceScore(top, {
      item: index.item(top.id) as StoredItem,
      groups: analyzer.expandQuery(text),
      analyzer,
      lead: { top: top.score, second: next?.score ?? 0 },
    });
    return { id: top.id, c };
  };
  const samples: Sample[] = [];
  for (const { q } of queries) {
    const top = topHit(q.text);
    if (top) samples.push({ c: top.c, correct: q.relevant.includes(top.id) });
  }
  let feedbackSamples = 0;
  for (const q of feedback.slice(0, maxFeedbackQueries)) {
    const top = topHit(q.text);
    const correct = top && q.relevant.includes(top.id);
    if (!top || (!correct && !q.notRelevant.includes(top.id))) continue; // nobody voted on it
    samples.push({ c: top.c, correct: !!correct });
    feedbackSamples++;
  }
  const picked = pickThresholds(samples, pick);
  return {
    format: "edgeml-search-calibration",
    version,
    ...picked,
    feedbackSamples,
    thresholds: floored(picked),
  };
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
