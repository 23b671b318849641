/**
 * Turns pseudo-queries (and feedback queries, `feedback_queries.ts`) into the re-ranker's
 * training groups: each query's BM25F candidates from the index (the first `depth`, as the edge
 * re-ranks them), their feature rows, and which of them are relevant. Queries whose candidates hold no relevant item, or nothing else, teach the
 * ranker nothing and are left out. The feedback prior is 1 for every query, feedback queries
 * too: their labels come from the same votes as the prior, which must not leak into the model.
 *
 * @example
 * ```ts
 * const groups = trainingGroups(index, analyzer, pseudoQueries(items));
 * groups[0]; // { features: Float32Array(30 × F), labels: [1, 0, 0, …], rows: 30 }
 * ```
 */
import type { Analyzer } from "../../domain/analyzer.ts";
import { featureRows } from "../../domain/rerank.ts";
import type { SearchIndex } from "../../domain/search_index.ts";
import type { PseudoQuery } from "./pseudo_queries.ts";

export interface TrainingGroup {
  text: string;
  rows: number;
  /** Row-major [rows, F], candidates in BM25F order. */
  features: Float32Array;
  /** 1 for a relevant candidate, 0 otherwise. */
  labels: number[];
  /** The query's weight in the loss (default 1; feedback queries weigh more). */
  weight?: number;
}

export function trainingGroups(
  index: SearchIndex,
  analyzer: Analyzer,
  queries: readonly PseudoQuery[],
  depth = 30,
): TrainingGroup[] {
  const groups: TrainingGroup[] = [];
  for (const { text, relevant } of queries) {
    const { hits } = index.search({ text, limit: depth });
    const labels = hits.map((h): number => (relevant.includes(h.id) ? 1 : 0));
    const positives = labels.reduce((a, b) => a + b, 0);
    if (positives === 0 || positives === hits.length) continue;
    const features = featureRows(hits, {
      analyzer,
      item: index.item,
      queryText: text,
      prior: () => 1,
    });
    groups.push({ text, rows: hits.length, features, labels });
  }
  return groups;
}
