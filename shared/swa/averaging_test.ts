import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { DomainError, type DomainErrorKind } from "../errors/domain_error.ts";
import { getInitializer } from "../onnx/initializers.ts";
import { encodeModel } from "../onnx/model_io.ts";
import { averageToModel, createAverage, updateAverage } from "./averaging.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { bnMlpCheckpoint, pattern } from "./testing/tiny_models.ts";

const checkpoints = [1, 2, 3, 4].map((seed) => readCheckpoint(bnMlpCheckpoint(seed)));
const fold = (state: ReturnType<typeof createAverage>) =>
  checkpoints.reduce((s, c) => updateAverage(s, c), state);

// The closed forms are exact; the running forms round to float32 at every step (as PyTorch does).
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-5) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = rel * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

Deno.test("equal average is the arithmetic mean of the checkpoints; buffers come from the latest", () => {
  const state = fold(createAverage({ strategy: "equal" }));
  assert.equal(state.n, 4);
  const mean = (length: number, offset: number) =>
    Array.from(
      { length },
      (_, i) => [1, 2, 3, 4].reduce((s, seed) => s + pattern(length, seed + offset)[i], 0) / 4,
    );
  close(state.tensors.get("fc.weight")!, mean(12, 0));
  close(state.tensors.get("fc.bias")!, mean(3, 100));
  assert.deepEqual(state.tensors.get("bn.running_mean"), pattern(3, 404));
  const model = averageToModel(state);
  assert.deepEqual(getInitializer(model, "shape").data, new BigInt64Array([-1n, 3n]));
});

Deno.test("useBuffers averages the BatchNorm running statistics too", () => {
  const state = fold(createAverage({ strategy: "equal", useBuffers: true }));
  const expected = Array.from(
    { length: 3 },
    (_, i) => [1, 2, 3, 4].reduce((s, seed) => s + pattern(3, seed + 400)[i], 0) / 4,
  );
  close(state.tensors.get("bn.running_mean")!, expected);
});

Deno.test("EMA: a₁ = x₁, then decay·a + (1 − decay)·x", () => {
  const decay = 0.9;
  const state = fold(createAverage({ strategy: "ema", decay }));
  const xs = [1, 2, 3, 4].map((seed) => pattern(12, seed));
  const expected = Array.from(
    { length: 12 },
    (_, i) => xs.slice(1).reduce((a, x) => decay * a + (1 - decay) * x[i], xs[0][i]),
  );
  close(state.tensors.get("fc.weight")!, expected);
  assert.throws(
    () => createAverage({ strategy: "ema", decay: 1.5 }),
    (e: unknown) => e instanceof DomainError && e.kind === "unprocessable",
  );
});

Deno.test("bad checkpoints are domain errors and leave the previous state as it was", () => {
  const before = updateAverage(createAverage({ strategy: "equal" }), checkpoints[0]);
  const snapshot = before.tensors.get("fc.weight")!.slice();
  const expectProblem = (fn: () => unknown, kind: DomainErrorKind, code: string) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof DomainError && e.kind === kind && e.code === code,
    );
  expectProblem(
    () => readCheckpoint(new TextEncoder().encode("definitely not onnx")),
    "invalid",
    "invalid_onnx",
  );
  expectProblem(
    () => readCheckpoint(bnMlpCheckpoint(1).subarray(0, 100)),
    "invalid",
    "invalid_onnx",
  );
  expectProblem(
    () => readCheckpoint(bnMlpCheckpoint(1), { maxBytes: 100 }),
    "too_large",
    "checkpoint_too_large",
  );
  const w = getInitializer(readCheckpoint(bnMlpCheckpoint(2)).model, "fc.weight")
    .data as Float32Array;
  w[5] = NaN;
  const patched = readCheckpoint(bnMlpCheckpoint(2)).model;
  patched.graph!.initializer!.find((t) => t.name === "fc.weight")!.rawData = new Uint8Array(
    w.buffer,
  );
  expectProblem(() => readCheckpoint(encodeModel(patched)), "unprocessable", "non_finite_weights");
  // Another architecture: one initializer with a different shape.
  const other = readCheckpoint(bnMlpCheckpoint(3)).model;
  other.graph!.initializer!.find((t) => t.name === "fc.bias")!.dims = [1, 3];
  try {
    updateAverage(before, readCheckpoint(encodeModel(other)), "other.onnx");
    assert.fail("expected architecture_mismatch");
  } catch (e) {
    assert.ok(
      e instanceof DomainError && e.kind === "unprocessable" && e.code === "architecture_mismatch",
    );
    assert.deepEqual(e.extra?.missing, ["fc.bias:float32[3]"]);
    assert.deepEqual(e.extra?.unexpected, ["fc.bias:float32[1,3]"]);
  }
  assert.deepEqual(before.tensors.get("fc.weight"), snapshot);
  assert.equal(before.n, 1);
});

Deno.test("the averaged model is valid ONNX that ONNX Runtime runs", async () => {
  const state = fold(createAverage({ strategy: "equal" }));
  const session = await ort.InferenceSession.create(encodeModel(averageToModel(state)));
  const out = await session.run({
    input: new ort.Tensor("float32", new Float32Array(8).fill(0.5), [2, 4]),
  });
  assert.deepEqual(out.output.dims, [2, 3]);
  await session.release();
});
