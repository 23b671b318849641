/**
 * Trains an index version's re-ranker at build time from the index's own content: pseudo-queries
 * (`rerank/pseudo_queries.ts`) are shuffled (seeded) and split 80 / 20; the training part's BM25F
 * candidates and features (`rerank/training_data.ts`) train a small MLP with tfjs
 * (`rerank/train_ranker.ts`), the held-out part measures it (precision@1 of the model's order vs
 * BM25F's on the same candidates), and the model is exported as ONNX (`rerank/ranker_onnx.ts`)
 * with its manifest. Returns undefined when the index is too small to learn from.
 *
 * Logged queries with feedback (`rerank/feedback_queries.ts`) train too, all of them (real
 * queries are scarce; the held-out measure stays on pseudo-queries), each weighted so that a
 * handful of votes matter among hundreds of pseudo-queries without a flood of them drowning the
 * content's own signal (`feedbackWeight`): with P pseudo and F feedback training queries, each
 * feedback query weighs clamp(P / (4F), 1, 20), i.e. together a quarter of the pseudo-queries'
 * weight, but at most 20 and at least 1 pseudo-query each.
 *
 * @example
 * ```ts
 * const trained = await trainIndexReranker(built, items, { index: "city", version: 3 });
 * if (trained) await artifacts.put(rerankerPath("city", 3), trained.onnx);
 * ```
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import { type AnalyzerOptions, createAnalyzer, MEMO_TOKENS } from "../domain/analyzer.ts";
import type { IndexedItem } from "../domain/index_data.ts";
import { RERANK_FEATURE_VERSION, RERANK_FEATURES } from "../domain/rerank_features.ts";
import { type RerankerManifest, rerankerModelName } from "../domain/reranker_manifest.ts";
import type { SearchIndex } from "../domain/search_index.ts";
import type { FeedbackQuery } from "./rerank/feedback_queries.ts";
import { pseudoQueries } from "./rerank/pseudo_queries.ts";
import { rankerOnnx } from "./rerank/ranker_onnx.ts";
import { type TrainedRanker, trainRanker, type TrainRankerOptions } from "./rerank/train_ranker.ts";
import { type TrainingGroup, trainingGroups } from "./rerank/training_data.ts";

export interface TrainIndexRerankerOptions extends TrainRankerOptions {
  index: string;
  version: number;
  analyzer?: AnalyzerOptions;
  /** Most pseudo-queries used (default 800), so big indexes train in bounded time. */
  maxQueries?: number;
  /** Fewest training queries worth a model (default 8). */
  minQueries?: number;
  /** Candidates per training query (default 20). */
  depth?: number;
  /** Word dropout of the pseudo-queries (default 0.3). */
  dropout?: number;
  /** Logged queries with feedback, trained on beside the pseudo-queries. */
  feedback?: readonly FeedbackQuery[];
}

export interface TrainedReranker {
  onnx: Uint8Array;
  manifest: RerankerManifest;
  ranker: TrainedRanker;
}

/** Share of the pseudo-queries' total weight that the feedback queries carry together. */
export const FEEDBACK_SHARE = 0.25;
/** Most pseudo-queries one feedback query weighs as. */
export const MAX_FEEDBACK_WEIGHT = 20;

/** Each feedback query's weight with `pseudo` pseudo and `feedback` feedback training queries. */
export function feedbackWeight(pseudo: number, feedback: number): number {
  if (feedback === 0) return 1;
  return Math.min(MAX_FEEDBACK_WEIGHT, Math.max(1, (FEEDBACK_SHARE * pseudo) / feedback));
}

/** Share of groups whose first row, in the order `score` gives, is relevant. */
export function precisionAt1(
  groups: readonly TrainingGroup[],
  score: (g: TrainingGroup) => ArrayLike<number>,
): number {
  let hits = 0;
  for (const g of groups) {
    const s = score(g);
    let best = 0;
    for (let i = 1; i < g.rows; i++) if (s[i] > s[best]) best = i;
    hits += g.labels[best];
  }
  return groups.length > 0 ? hits / groups.length : 0;
}

export async function trainIndexReranker(
  index: SearchIndex,
  items: readonly IndexedItem[],
  options: TrainIndexRerankerOptions,
): Promise<TrainedReranker | undefined> {
  const {
    index: name,
    version,
    maxQueries = 800,
    minQueries = 8,
    seed = 1,
    depth = 20,
    dropout,
    feedback = [],
  } = options;
  const analyzer = createAnalyzer({ ...options.analyzer, memoTokens: MEMO_TOKENS });
  const random = mulberry32(seed);
  const queries = pseudoQueries(items, { seed, dropout })
    .map((q) => ({ q, key: random() }))
    .sort((a, b) => a.key - b.key)
    .slice(0, maxQueries)
    .map(({ q }) => q);
  const cut = Math.floor(queries.length * 0.8);
  const train = trainingGroups(index, analyzer, queries.slice(0, cut), depth);
  const heldOut = trainingGroups(index, analyzer, queries.slice(cut), depth);
  const voted = trainingGroups(index, analyzer, feedback, depth);
  const weight = feedbackWeight(train.length, voted.length);
  const groups = [...train, ...voted.map((g) => ({ ...g, weight }))];
  if (groups.length < minQueries) return undefined;
  const width = RERANK_FEATURES.length;
  const ranker = await trainRanker(groups, width, options);
  const model = rerankerModelName(name);
  const manifest: RerankerManifest = {
    format: "edgeml-search-reranker",
    model,
    version,
    featureVersion: RERANK_FEATURE_VERSION,
    features: [...RERANK_FEATURES],
    input: "features",
    output: "score",
    training: {
      queries: groups.length,
      feedbackQueries: voted.length,
      feedbackWeight: weight,
      pairs: groups.reduce((n, g) => {
        const positives = g.labels.reduce((a, b) => a + b, 0);
        return n + positives * (g.rows - positives);
      }, 0),
      heldOutQueries: heldOut.length,
      heldOutPrecisionAt1: precisionAt1(heldOut, (g) => ranker.predict(g.features, g.rows)),
      heldOutBm25fPrecisionAt1: precisionAt1(heldOut, (g) => g.labels.map((_, i) => -i)),
    },
  };
  return { onnx: rankerOnnx(ranker.weights, model), manifest, ranker };
}
