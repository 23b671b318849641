import assert from "node:assert/strict";
import { DomainError, type DomainErrorKind } from "@edgeml/shared/errors";
import { createGraphBuilder, decodeModel, encodeModel, getInitializer } from "@edgeml/shared/onnx";
import { updateBn } from "./update_bn.ts";
import { pattern } from "@edgeml/shared/swa/testing";

const EPS = 1e-3;

/** input [-1,3] → Gemm(W1) → BN1 → Relu → Gemm(W2) → BN2 → output: two BNs in a chain. */
function twoBnModel() {
  const b = createGraphBuilder("two_bn");
  const x = b.input("input", "float32", [-1, 3]);
  const w1 = b.initializer("w1", pattern(6, 1), [3, 2]);
  const w2 = b.initializer("w2", pattern(4, 2), [2, 2]);
  const bn = (h: string, k: number) =>
    b.batchNormalization(
      h,
      b.initializer(`bn${k}.weight`, Float32Array.from([1.5, 0.5]), [2]),
      b.initializer(`bn${k}.bias`, Float32Array.from([0.1, -0.2]), [2]),
      b.initializer(`bn${k}.running_mean`, Float32Array.from([9, 9]), [2]),
      b.initializer(`bn${k}.running_var`, Float32Array.from([9, 9]), [2]),
      { epsilon: EPS },
    );
  const h1 = b.relu(bn(b.matmul(x, w1), 1));
  b.output(bn(b.matmul(h1, w2), 2), "output", "float32", [-1, 2]);
  return b.build();
}

/** PyTorch's update_bn by hand: train-mode BN per batch, equal-weight average of stats. */
function reference(data: number[][], batchSize: number) {
  const W1 = pattern(6, 1);
  const W2 = pattern(4, 2);
  const matmul = (rows: number[][], W: Float32Array, k: number) =>
    rows.map((r) => [0, 1].map((c) => r.reduce((s, v, i) => s + v * W[i * k + c], 0)));
  const stats = (rows: number[][]) =>
    [0, 1].map((c) => {
      const col = rows.map((r) => r[c]);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const biased = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
      return { mean, biased, unbiased: biased * col.length / (col.length - 1) };
    });
  const normalise = (
    rows: number[][],
    s: ReturnType<typeof stats>,
    gamma: number[],
    beta: number[],
  ) =>
    rows.map((r) =>
      r.map((v, c) => gamma[c] * (v - s[c].mean) / Math.sqrt(s[c].biased + EPS) + beta[c])
    );
  const acc = [[0, 0, 0, 0], [0, 0, 0, 0]]; // per BN: mean0, mean1, var0, var1 sums
  let batches = 0;
  for (let start = 0; start < data.length; start += batchSize) {
    const rows = data.slice(start, start + batchSize);
    const h1 = matmul(rows, W1, 2);
    const s1 = stats(h1);
    const a1 = normalise(h1, s1, [1.5, 0.5], [0.1, -0.2]).map((r) => r.map((v) => Math.max(0, v)));
    const h2 = matmul(a1, W2, 2);
    const s2 = stats(h2);
    [s1, s2].forEach((s, k) => {
      acc[k][0] += s[0].mean;
      acc[k][1] += s[1].mean;
      acc[k][2] += s[0].unbiased;
      acc[k][3] += s[1].unbiased;
    });
    batches++;
  }
  return acc.map((a) => a.map((v) => v / batches));
}

const DATA = Array.from(
  { length: 10 },
  (_, r) => [0, 1, 2].map((c) => Math.sin(r * 0.9 + c * 2.1) * 2),
);

Deno.test("update_bn recomputes both BNs with train-mode forward, equal weight per batch (last batch partial)", async () => {
  const model = twoBnModel();
  const updated = await updateBn(model, Float32Array.from(DATA.flat()), [3], { batchSize: 4 });
  const expected = reference(DATA, 4); // batches of 4, 4, 2
  for (const k of [1, 2]) {
    const mean = getInitializer(updated, `bn${k}.running_mean`).data as Float32Array;
    const variance = getInitializer(updated, `bn${k}.running_var`).data as Float32Array;
    const [m0, m1, v0, v1] = expected[k - 1];
    for (
      const [got, want] of [[mean[0], m0], [mean[1], m1], [variance[0], v0], [variance[1], v1]]
    ) {
      assert.ok(
        Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)),
        `bn${k}: ${got} vs ${want}`,
      );
    }
  }
  // Nothing else changed, and the input model is untouched.
  assert.deepEqual(getInitializer(updated, "w1").data, pattern(6, 1));
  assert.deepEqual(getInitializer(model, "bn1.running_mean").data, Float32Array.from([9, 9]));
});

Deno.test("update_bn on 4-D input (BatchNorm2d after a 1×1 Conv): statistics over N, H, W", async () => {
  const b = createGraphBuilder("conv_bn");
  const x = b.input("input", "float32", [-1, 1, 2, 2]);
  const kernel = b.initializer("conv.weight", Float32Array.from([2, -1]), [2, 1, 1, 1]);
  const y = b.batchNormalization(
    b.conv(x, kernel),
    b.initializer("bn.weight", Float32Array.from([1, 1]), [2]),
    b.initializer("bn.bias", Float32Array.from([0, 0]), [2]),
    b.initializer("bn.running_mean", Float32Array.from([0, 0]), [2]),
    b.initializer("bn.running_var", Float32Array.from([1, 1]), [2]),
  );
  b.output(y, "output", "float32", [-1, 2, 2, 2]);
  const pixels = [1, 2, 3, 4, 5, 6, 7, 9]; // two images of 2×2
  const updated = await updateBn(b.build(), Float32Array.from(pixels), [1, 2, 2], { batchSize: 2 });
  const mean = pixels.reduce((a, v) => a + v, 0) / 8;
  const unbiased = pixels.reduce((a, v) => a + (v - mean) ** 2, 0) / 7;
  // Channel c is pixels × kernel[c]: mean scales by k, variance by k².
  const m = getInitializer(updated, "bn.running_mean").data as Float32Array;
  const v = getInitializer(updated, "bn.running_var").data as Float32Array;
  assert.ok(Math.abs(m[0] - 2 * mean) < 1e-5 && Math.abs(m[1] + mean) < 1e-5);
  assert.ok(Math.abs(v[0] - 4 * unbiased) < 1e-4 && Math.abs(v[1] - unbiased) < 1e-4);
});

Deno.test("update_bn refuses calibration data of the wrong shape and single-row batches", async () => {
  const model = twoBnModel();
  const problem = async (p: Promise<unknown>, kind: DomainErrorKind, code: string) =>
    await assert.rejects(
      p,
      (e: unknown) => e instanceof DomainError && e.kind === kind && e.code === code,
    );
  await problem(updateBn(model, new Float32Array(10), [3]), "invalid", "calibration_shape");
  await problem(
    updateBn(model, new Float32Array(8), [4]),
    "unprocessable",
    "calibration_shape_mismatch",
  );
  await problem(
    updateBn(model, new Float32Array(9), [3], { batchSize: 2 }),
    "unprocessable",
    "calibration_batch_too_small",
  );
  await problem(
    updateBn(model, new Float32Array(9), [3], { batchSize: 0 }),
    "invalid",
    "invalid_batch_size",
  );
  // A model without BatchNorm comes back unchanged.
  const plain = createGraphBuilder("plain");
  plain.output(plain.relu(plain.input("input", "float32", [-1, 3])), "output", "float32", [-1, 3]);
  const same = await updateBn(plain.build(), new Float32Array(6), [3]);
  assert.deepEqual(encodeModel(same), encodeModel(decodeModel(encodeModel(plain.build()))));
});
