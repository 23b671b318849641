/**
 * The version's ONNX scorer as the edge calls it on the worker pool: one binary OIP request per
 * recommendation, the user vector [1, d + 1] in, the top-K items' scores and indices out
 * (`onnx_scorer.ts`), at the worker version equal to the solution version. The catalogue-wide
 * scan (every item's u · qᵢ, the part that grows with the catalogue) runs there, batched with
 * other users' requests and off the edge's thread. A version that fails (not published yet,
 * pool busy, gone) is left alone for `backoffMs`, and the caller scores in process meanwhile.
 *
 * @example
 * ```ts
 * const scorer = createPoolScorer(workers);
 * const top = await scorer.topItems("shop-recs", 3, userVector); // undefined: score in process
 * ```
 */
import type { OipClient } from "@edgeml/gpu-workers/client";
import { createFailureBackoff } from "@edgeml/gpu-workers/client/backoff";
import { SCORER_IO } from "../model/onnx_scorer.ts";
import type { TopK } from "../model/top_k.ts";

/** The worker model that serves a solution's scorers, one worker version per solution version. */
export const scorerModelName = (solution: string) => `recs-${solution}-scorer`;

export interface PoolScorerOptions {
  /** How long a failed version is not asked again (default 10 s). */
  backoffMs?: number;
  now?: () => number;
  /** Told of each failure that starts a backoff. */
  onError?: (error: unknown, model: string, version: number) => void;
}

export function createPoolScorer(
  workers: OipClient,
  { backoffMs = 10_000, now = () => performance.now(), onError }: PoolScorerOptions = {},
) {
  const backoff = createFailureBackoff({ backoffMs, now });
  return {
    /** The scorer's top-K for the user vector, best first; undefined when the pool cannot answer. */
    async topItems(
      solution: string,
      version: number,
      user: Float32Array,
    ): Promise<TopK | undefined> {
      const model = scorerModelName(solution);
      const key = `${model}@${version}`;
      if (backoff.resting(key)) return undefined;
      try {
        const { outputs } = await workers.inferBinary(model, [{
          name: SCORER_IO.user,
          datatype: "FP32",
          shape: [1, user.length],
          data: user,
        }], { version: String(version), outputs: [SCORER_IO.scores, SCORER_IO.items] });
        const scores = outputs[SCORER_IO.scores]?.data;
        const items = outputs[SCORER_IO.items]?.data;
        if (!(scores instanceof Float32Array) || !(items instanceof BigInt64Array)) {
          throw new Error(`${key} answered no FP32 scores and INT64 items`);
        }
        backoff.succeeded(key);
        return { scores, items: Int32Array.from(items, Number) };
      } catch (err) {
        backoff.failed(key);
        onError?.(err, model, version);
        return undefined;
      }
    },
  };
}
