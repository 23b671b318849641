import assert from "node:assert/strict";
import { assertClose, readWeights, rng, tf } from "./_test_util.ts";
import { updateBn } from "./update_bn.ts";

// Known weights for Dense(2→3) → BN(eps 0.01) → ReLU → Dense(3→2) → BN(eps 1e-3).
const W1 = [[0.5, -1.2, 0.8], [1.5, 0.3, -0.7]];
const B1 = [0.1, -0.2, 0.3];
const G1 = [1.5, 0.7, -1.1];
const BETA1 = [0.2, -0.1, 0.4];
const EPS1 = 0.01;
const W2 = [[0.9, -0.4], [-0.6, 1.1], [0.3, 0.8]];
const B2 = [-0.3, 0.05];
const G2 = [0.8, 1.3];
const BETA2 = [0.0, -0.5];
const EPS2 = 1e-3;
const STALE = { mean: 5, variance: 7 }; // moving stats before updateBn

function data(rows: number, seed: number): number[][] {
  const next = rng(seed);
  return Array.from({ length: rows }, () => [6 * next() - 2, 4 * next() - 3]);
}

// ---- Plain-JS reference ----
const matmul = (x: number[][], w: number[][], b: number[]) =>
  x.map((row) => b.map((bj, j) => row.reduce((s, xi, i) => s + xi * w[i][j], bj)));
const colMean = (x: number[][]) => x[0].map((_, c) => x.reduce((s, r) => s + r[c], 0) / x.length);
const colVar = (x: number[][], m: number[]) =>
  // biased
  x[0].map((_, c) => x.reduce((s, r) => s + (r[c] - m[c]) ** 2, 0) / x.length);

interface Stats {
  mean: number[];
  variance: number[];
}

/** PyTorch update_bn by hand: per-batch mean and unbiased var, averaged over the batches. */
function reference(x: number[][], batchSize: number): [Stats, Stats] {
  const sums = [0, 1].map((l) => ({
    mean: new Array(l === 0 ? 3 : 2).fill(0),
    variance: new Array(l === 0 ? 3 : 2).fill(0),
  }));
  let batches = 0;
  const accumulate = (s: Stats, h: number[][]) => {
    const m = colMean(h);
    const v = colVar(h, m);
    const n = h.length;
    m.forEach((mc, c) => {
      s.mean[c] += mc;
      s.variance[c] += v[c] * n / (n - 1);
    });
    return { m, v };
  };
  for (let start = 0; start < x.length; start += batchSize) {
    const batch = x.slice(start, start + batchSize);
    const h1 = matmul(batch, W1, B1);
    const s1 = accumulate(sums[0], h1);
    const a1 = h1.map((r) =>
      r.map((h, c) => Math.max(0, G1[c] * (h - s1.m[c]) / Math.sqrt(s1.v[c] + EPS1) + BETA1[c]))
    );
    accumulate(sums[1], matmul(a1, W2, B2));
    batches++;
  }
  return sums.map((s) => ({
    mean: s.mean.map((v) => v / batches),
    variance: s.variance.map((v) => v / batches),
  })) as [Stats, Stats];
}

// ---- Models ----
function layerStack(): tf.layers.Layer[] {
  return [
    tf.layers.dense({ units: 3, inputShape: [2] }),
    tf.layers.batchNormalization({ epsilon: EPS1 }),
    tf.layers.reLU(),
    tf.layers.dense({ units: 2 }),
    tf.layers.batchNormalization({ epsilon: EPS2 }),
  ];
}

/** Dense/BN layers of `model` (nested models included), in order. */
function leaves(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((l) =>
    l instanceof tf.LayersModel ? leaves(l) : /Dense|BatchNorm/.test(l.getClassName()) ? [l] : []
  );
}

function setKnownWeights(model: tf.LayersModel): void {
  const [d1, bn1, d2, bn2] = leaves(model);
  const stale = (n: number) => [new Array(n).fill(STALE.mean), new Array(n).fill(STALE.variance)];
  tf.tidy(() => {
    d1.setWeights([tf.tensor2d(W1), tf.tensor1d(B1)]);
    bn1.setWeights([G1, BETA1, ...stale(3)].map((v) => tf.tensor1d(v)));
    d2.setWeights([tf.tensor2d(W2), tf.tensor1d(B2)]);
    bn2.setWeights([G2, BETA2, ...stale(2)].map((v) => tf.tensor1d(v)));
  });
}

function sequentialModel(): tf.Sequential {
  const model = tf.sequential({ layers: layerStack() });
  setKnownWeights(model);
  return model;
}

function bnStats(model: tf.LayersModel): Stats[] {
  return leaves(model).filter((l) => l.getClassName() === "BatchNormalization").map((l) => {
    const [, , mean, variance] = l.getWeights().map((t) => [...t.dataSync()]);
    return { mean, variance };
  });
}

function assertStats(model: tf.LayersModel, expected: Stats[], what: string): void {
  bnStats(model).forEach((s, i) => {
    assertClose(s.mean, expected[i].mean, 1e-5, `${what} BN${i + 1} mean`);
    assertClose(s.variance, expected[i].variance, 1e-5, `${what} BN${i + 1} variance`);
  });
}

const notStats = (w: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(w).filter(([k]) => !/moving_/.test(k)));

Deno.test("updateBn: cumulative average of batch means and unbiased variances, 2 BN deep", () => {
  const x = data(10, 21);
  const model = sequentialModel();
  const before = readWeights(model);
  const xs = tf.tensor2d(x);
  const count = tf.memory().numTensors;
  updateBn(model, xs, { batchSize: 4 }); // batches of 4, 4 and 2
  assert.equal(tf.memory().numTensors, count);
  const expected = reference(x, 4);
  assertStats(model, expected, "batchSize 4");
  assert.deepEqual(notStats(readWeights(model)), notStats(before));
  // Not one batch of 10, nor 4 + 4 only: the partial batch counts as a whole batch.
  const whole = reference(x, 10)[1].variance;
  assert.ok(Math.abs(whole[0] - expected[1].variance[0]) > 1e-3);
  assert.ok(Math.abs(reference(x.slice(0, 8), 4)[1].mean[0] - expected[1].mean[0]) > 1e-3);
  updateBn(model, xs); // default batchSize 32: one batch
  assertStats(model, reference(x, 10), "batchSize 32");
  xs.dispose();
  model.dispose();
});

Deno.test("updateBn: an iterable of batches or [input, target] tuples gives the same", () => {
  const x = data(10, 22);
  const expected = reference(x, 4);
  const parts = [x.slice(0, 4), x.slice(4, 8), x.slice(8)].map((p) => tf.tensor2d(p));
  const model = sequentialModel();
  updateBn(model, parts);
  assertStats(model, expected, "tensors");
  const y = tf.zeros([1]);
  setKnownWeights(model);
  updateBn(
    model,
    (function* () {
      for (const p of parts) yield [p, y] as [tf.Tensor, tf.Tensor];
    })(),
  );
  assertStats(model, expected, "tuples");
  assert.equal(parts.every((p) => !p.isDisposed), true); // caller's batches are left alone
  tf.dispose([...parts, y]);
  model.dispose();
});

Deno.test("updateBn: functional chains, nested Sequential included", () => {
  const x = data(9, 23);
  const expected = reference(x, 3);
  const xs = tf.tensor2d(x);

  const [d1, bn1, relu, d2, bn2] = layerStack();
  const input = tf.input({ shape: [2] });
  const out = [d1, bn1, relu, d2, bn2].reduce(
    (t, l) => l.apply(t) as tf.SymbolicTensor,
    input,
  );
  const functional = tf.model({ inputs: input, outputs: out });
  setKnownWeights(functional);
  updateBn(functional, xs, { batchSize: 3 });
  assertStats(functional, expected, "functional");

  const layers = layerStack();
  const inner = tf.sequential({ layers: layers.slice(0, 3) });
  const input2 = tf.input({ shape: [2] });
  const out2 = layers.slice(3).reduce(
    (t, l) => l.apply(t) as tf.SymbolicTensor,
    inner.apply(input2) as tf.SymbolicTensor,
  );
  const nested = tf.model({ inputs: input2, outputs: out2 });
  setKnownWeights(nested);
  updateBn(nested, xs, { batchSize: 3 });
  assertStats(nested, expected, "nested");
  xs.dispose();
  functional.dispose();
  nested.dispose();
});

Deno.test("updateBn: statistics over every axis but the channel axis (rank 3, axis -1 and 1)", () => {
  const next = rng(24);
  const x = Array.from(
    { length: 5 },
    () => Array.from({ length: 3 }, () => [3 * next(), 2 * next() - 5]),
  );
  const xs = tf.tensor3d(x);
  for (const axis of [-1, 1]) {
    const model = tf.sequential({
      layers: [tf.layers.batchNormalization({ axis, inputShape: [3, 2] })],
    });
    updateBn(model, xs, { batchSize: 2 }); // batches of 2, 2, 1 samples
    const channels = axis === 1 ? 3 : 2;
    const mean = new Array(channels).fill(0);
    const variance = new Array(channels).fill(0);
    let batches = 0;
    for (let start = 0; start < 5; start += 2) {
      const rows = x.slice(start, start + 2);
      for (let c = 0; c < channels; c++) {
        const vals = rows.flatMap((s) => axis === 1 ? s[c] : s.map((pair) => pair[c]));
        const m = vals.reduce((a, v) => a + v, 0) / vals.length;
        mean[c] += m;
        variance[c] += vals.reduce((a, v) => a + (v - m) ** 2, 0) / (vals.length - 1);
      }
      batches++;
    }
    assert.equal(batches, 3);
    const [s] = bnStats(model);
    assertClose(s.mean, mean.map((v) => v / batches), 1e-5, `axis ${axis} mean`);
    assertClose(s.variance, variance.map((v) => v / batches), 1e-5, `axis ${axis} variance`);
    model.dispose();
  }
  xs.dispose();
});

Deno.test("updateBn: one value per channel in a batch throws and writes nothing", () => {
  const model = sequentialModel();
  const before = readWeights(model);
  const xs = tf.tensor2d(data(9, 25));
  assert.throws(
    () => updateBn(model, xs, { batchSize: 4 }), // last batch: 1 sample
    /RangeError: updateBn: BatchNormalization "batch_normalization_\w+" got a batch with 1 value per channel \(shape \[1,3\]\)/,
  );
  assert.deepEqual(readWeights(model), before);
  xs.dispose();
  model.dispose();
});

Deno.test("updateBn: non-chain models with BN are refused, models without BN untouched", () => {
  const input = tf.input({ shape: [2] });
  const a = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const branchy = tf.model({
    inputs: input,
    outputs: tf.layers.batchNormalization().apply(joined) as tf.SymbolicTensor,
  });
  const xs = tf.tensor2d(data(6, 26));
  const before = readWeights(branchy);
  assert.throws(
    () => updateBn(branchy, xs),
    /single chain; "model\d*" does not: layer "concatenate_\w+" takes 2 inputs/,
  );
  assert.deepEqual(readWeights(branchy), before);

  const noBn = tf.model({ inputs: input, outputs: joined });
  const noBnBefore = readWeights(noBn);
  updateBn(noBn, xs);
  assert.deepEqual(readWeights(noBn), noBnBefore);
  xs.dispose();
  branchy.dispose();
});

Deno.test("updateBn: bad batchSize and empty data are RangeErrors", () => {
  const model = sequentialModel();
  const xs = tf.tensor2d(data(4, 27));
  for (const batchSize of [0, -1, 1.5, NaN]) {
    assert.throws(() => updateBn(model, xs, { batchSize }), RangeError);
  }
  assert.throws(() => updateBn(model, []), /RangeError: updateBn: data holds no batch/);
  const empty = tf.zeros([0, 2]);
  assert.throws(() => updateBn(model, empty), /no batch/);
  tf.dispose([xs, empty]);
  model.dispose();
});
