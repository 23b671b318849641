/**
 * The worker-pool load scenarios, shared by the local benchmark (`gpu-workers/bench`) and the
 * k6 script (`loadtests/k6/oip_infer.ts`). No imports: k6 loads this file as it is.
 */

export type TensorEncoding = "binary" | "json";

export const WORKER_SCENARIOS = {
  /** Demo models: OIP input "input", FP32 [batch, width]. */
  models: [{ name: "mlp_small", width: 16 }, { name: "mlp_large", width: 784 }],
  concurrency: [1, 16, 64],
  encodings: ["binary", "json"] as TensorEncoding[],
};

/** A deterministic row of `width` values in [-1, 1), like normalised pixels. */
export function sampleRow(width: number, seed = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: width }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}
