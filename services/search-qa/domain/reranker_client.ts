/**
 * The re-ranker as the edge calls it: one binary OIP request to the worker pool per query, the
 * candidates' [N, F] features in, `score` [N, 1] out, at the worker version equal to the index
 * version. A model that fails (not loaded yet, pool busy, gone) is left alone for `backoffMs`, so
 * queries keep BM25F order without paying for a failing call each time.
 *
 * @example
 * ```ts
 * const rerankers = createRerankerClient(workers);
 * const score = rerankers.scorer(manifest); // undefined while backing off
 * ```
 */
import type { OipClient } from "@edgeml/gpu-workers/client";
import { createFailureBackoff } from "@edgeml/gpu-workers/client/backoff";
import type { RerankScorer } from "./rerank.ts";
import { RERANK_FEATURES } from "./rerank_features.ts";
import type { RerankerManifest } from "./reranker_manifest.ts";

export interface RerankerClientOptions {
  /** How long a failed model version is not asked again (default 10 s). */
  backoffMs?: number;
  now?: () => number;
}

export function createRerankerClient(
  workers: OipClient,
  { backoffMs = 10_000, now = () => performance.now() }: RerankerClientOptions = {},
) {
  const backoff = createFailureBackoff({ backoffMs, now });
  return {
    scorer(manifest: RerankerManifest): RerankScorer | undefined {
      const { model, version, input, output } = manifest;
      const key = `${model}@${version}`;
      if (backoff.resting(key)) return undefined;
      return async function scoreWithWorkers(features, rows) {
        try {
          const { outputs } = await workers.inferBinary(model, [{
            name: input,
            datatype: "FP32",
            shape: [rows, RERANK_FEATURES.length],
            data: features,
          }], { version: String(version), outputs: [output] });
          const scores = outputs[output]?.data;
          if (!(scores instanceof Float32Array) || scores.length !== rows) {
            throw new Error(`${key} answered no FP32 scores for ${rows} rows`);
          }
          backoff.succeeded(key);
          return scores;
        } catch (err) {
          backoff.failed(key);
          throw err;
        }
      };
    },
  };
}
