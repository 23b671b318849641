/**
 * The small JSON written beside an index version's re-ranker (`<version>.reranker.json`): which
 * worker model and version serve it, its tensor names and the feature order it was trained on.
 * The edge uses a re-ranker only when that order is exactly its own (`RERANK_FEATURES`).
 *
 * @example
 * ```ts
 * const manifest = parseRerankerManifest(bytes);
 * if (manifest) workers.inferBinary(manifest.model, [...], { version: String(manifest.version) });
 * ```
 */
import { RERANK_FEATURE_VERSION, RERANK_FEATURES } from "./rerank_features.ts";

export interface RerankerManifest {
  format: "edgeml-search-reranker";
  /** Worker model name: `search-<index>-reranker`. */
  model: string;
  /** The index version, also the worker model's version. */
  version: number;
  featureVersion: number;
  features: string[];
  input: "features";
  output: "score";
  /** What it was trained on, and how it did on held-out pseudo-queries. */
  training: {
    /** Training queries: pseudo-queries and logged queries with feedback. */
    queries: number;
    /** How many of them were logged queries with feedback, and each one's weight in the loss. */
    feedbackQueries: number;
    feedbackWeight: number;
    pairs: number;
    heldOutQueries: number;
    heldOutPrecisionAt1: number;
    heldOutBm25fPrecisionAt1: number;
  };
}

export const rerankerModelName = (index: string) => `search-${index}-reranker`;

/** The manifest, or undefined when the bytes are not one this edge can use. */
export function parseRerankerManifest(bytes: Uint8Array): RerankerManifest | undefined {
  try {
    const m = JSON.parse(new TextDecoder().decode(bytes)) as RerankerManifest;
    const sameFeatures = m.featureVersion === RERANK_FEATURE_VERSION &&
      m.features?.length === RERANK_FEATURES.length &&
      m.features.every((f, i) => f === RERANK_FEATURES[i]);
    return m.format === "edgeml-search-reranker" && sameFeatures ? m : undefined;
  } catch {
    return undefined;
  }
}
