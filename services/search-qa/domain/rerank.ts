/**
 * Re-ranks a query's first candidates with a learned model: one feature row per candidate
 * (`rerank_features.ts`), one call of the model on the [N, F] batch, candidates ordered by
 * model score × feedback prior. Hits past the first `depth` keep the index's order after them.
 * The model runs wherever `score` sends it (the worker pool on the edge, an ONNX Runtime
 * session in the benchmark); a failing call rejects, and the caller keeps the BM25F order.
 *
 * @example
 * ```ts
 * const ranked = await rerank(hits, { analyzer, item: index.item, queryText, prior, score });
 * ```
 */
import type { Analyzer } from "./analyzer.ts";
import type { IndexedItem } from "./index_data.ts";
import { createFeatureExtractor, RERANK_FEATURES } from "./rerank_features.ts";
import type { SearchHit } from "./search_index.ts";

/** Scores `rows` feature rows (row-major float32 [rows, F]); resolves with `rows` scores. */
export type RerankScorer = (features: Float32Array, rows: number) => Promise<ArrayLike<number>>;

export interface RerankOptions {
  analyzer: Analyzer;
  item: (id: string) => IndexedItem | undefined;
  queryText: string;
  /** Feedback prior multiplier per item id (1 = none). */
  prior: (id: string) => number;
  score: RerankScorer;
  /** How many leading hits are re-scored (default 30). */
  depth?: number;
}

/** Row-major [hits, F] features of `hits` for `queryText`. */
export function featureRows(
  hits: readonly Pick<SearchHit, "id" | "score" | "fieldScores">[],
  { analyzer, item, queryText, prior }: Omit<RerankOptions, "score" | "depth">,
): Float32Array {
  const extract = createFeatureExtractor(analyzer, queryText);
  const width = RERANK_FEATURES.length;
  const rows = new Float32Array(hits.length * width);
  const topScore = hits.reduce((m, h) => Math.max(m, h.score), 0);
  hits.forEach((hit, i) => {
    rows.set(extract(hit, item(hit.id)!, { topScore, prior: prior(hit.id) }), i * width);
  });
  return rows;
}

export async function rerank<H extends SearchHit>(
  hits: readonly H[],
  options: RerankOptions,
): Promise<{ hit: H; score: number }[]> {
  const { depth = 30, score, prior } = options;
  const head = hits.slice(0, depth);
  if (head.length === 0) return [];
  const scores = await score(featureRows(head, options), head.length);
  const ranked = head
    .map((hit, i) => ({ hit, score: scores[i] * prior(hit.id) }))
    .sort((a, b) => b.score - a.score);
  // deeper hits follow in the index's order, below every re-ranked one
  const floor = Math.min(0, ...ranked.map((r) => r.score));
  return [...ranked, ...hits.slice(depth).map((hit) => ({ hit, score: floor }))];
}
