/**
 * Test helpers (not exported from mod.ts): run a model in onnxruntime's CPU backend and compare
 * numbers with a tolerance.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { encodeModel } from "./model_io.ts";
import type { onnx } from "./proto.ts";

/** Runs `model` once on CPU with quiet logging and returns all outputs. */
export async function runModel(
  model: onnx.IModelProto,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(encodeModel(model), {
    executionProviders: ["cpu"],
    logSeverityLevel: 3,
    intraOpNumThreads: 1,
  });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** A float32 ORT tensor. */
export function f32(data: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", Float32Array.from(data), dims);
}

/** Asserts element-wise `|a - e| <= tol * max(1, |e|)` and equal lengths. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-5,
  label = "values",
): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    assert.ok(
      Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)),
      `${label}[${i}]: got ${a}, expected ${e} (tol ${tol})`,
    );
  }
}

/** Deterministic pseudo-random floats in [lo, hi), rounded to float32. */
export function seededFloats(seed: number, length: number, lo = -1, hi = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length }, () => {
    // xorshift32: deliberately not the module's mulberry32, so tests do not share its code.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return lo + (state / 4294967296) * (hi - lo);
  });
}
