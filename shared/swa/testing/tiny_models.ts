/** Small ONNX models with BatchNorm for SWA tests, weights set per "checkpoint". */
import { createGraphBuilder, encodeModel } from "../../onnx/mod.ts";

/** Fills `length` values from a simple formula of (seed, index), so tests can recompute them. */
export function pattern(length: number, seed: number): Float32Array {
  return Float32Array.from(
    { length },
    (_, i) => Math.fround(Math.sin(seed * 1.3 + i * 0.7) * (1 + seed * 0.1)),
  );
}

/**
 * input [-1, 4] → Gemm(fc.weight [4, 3], fc.bias) → BatchNormalization(bn.*) → Relu →
 * Reshape to [-1, 3] (an int64 shape initializer that must never be averaged) → output.
 * Checkpoint `seed` sets every float initializer from `pattern` (variances kept positive).
 */
export function bnMlpCheckpoint(seed: number, epsilon = 1e-5): Uint8Array {
  const b = createGraphBuilder("bn_mlp");
  const x = b.input("input", "float32", [-1, 4]);
  const w = b.initializer("fc.weight", pattern(12, seed), [4, 3]);
  const bias = b.initializer("fc.bias", pattern(3, seed + 100), [3]);
  const scale = b.initializer("bn.weight", pattern(3, seed + 200).map((v) => 1 + v / 4), [3]);
  const shift = b.initializer("bn.bias", pattern(3, seed + 300), [3]);
  const mean = b.initializer("bn.running_mean", pattern(3, seed + 400), [3]);
  const variance = b.initializer(
    "bn.running_var",
    pattern(3, seed + 500).map((v) => 1 + Math.abs(v)),
    [3],
  );
  const h = b.gemm(x, w, bias, { transB: false });
  const y = b.relu(b.batchNormalization(h, scale, shift, mean, variance, { epsilon }));
  const shape = b.initializer("shape", new BigInt64Array([-1n, 3n]), [2], "int64");
  b.output(b.reshape(y, shape), "output", "float32", [-1, 3]);
  return encodeModel(b.build());
}
