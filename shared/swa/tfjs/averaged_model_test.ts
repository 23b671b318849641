import assert from "node:assert/strict";
import { assertClose, readWeights, rng, setWeights, tf } from "./_test_util.ts";
import { AveragedModel } from "./averaged_model.ts";

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

function denseModel(units = 3): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units, inputShape: [2], kernelInitializer: seeded(1) }),
      tf.layers.dense({ units: 1, kernelInitializer: seeded(2) }),
    ],
  });
}

function bnModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [2], kernelInitializer: seeded(3) }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 1, kernelInitializer: seeded(4) }),
    ],
  });
}

type Checkpoint = Record<string, number[]>;

/** K checkpoints of random values for every weight of `model` (variances kept positive). */
function checkpoints(model: tf.LayersModel, k: number, seed: number): Checkpoint[] {
  const next = rng(seed);
  return Array.from({ length: k }, () =>
    Object.fromEntries(model.weights.map((w) => {
      const size = w.shape.reduce((a: number, d) => a * (d as number), 1);
      const positive = w.name.endsWith("moving_variance");
      return [w.name, Array.from({ length: size }, () => positive ? 0.5 + next() : 4 * next() - 2)];
    })));
}

const mean = (xs: number[][]) => xs[0].map((_, i) => xs.reduce((s, x) => s + x[i], 0) / xs.length);

/** Closed form of the EMA started by a copy: d^(N−1)·x₁ + Σ_{k≥2} (1 − d)·d^(N−k)·x_k. */
function ema(xs: number[][], d: number): number[] {
  const n = xs.length;
  return xs[0].map((_, i) =>
    xs.reduce((s, x, k) => s + (k === 0 ? d ** (n - 1) : (1 - d) * d ** (n - 1 - k)) * x[i], 0)
  );
}

function averagedArrays(avg: AveragedModel): Record<string, number[]> {
  const map = avg.getWeights();
  const out = Object.fromEntries(Object.entries(map).map(([k, t]) => [k, [...t.dataSync()]]));
  tf.dispose(map);
  return out;
}

Deno.test("AveragedModel: equal average is the mean of the checkpoints", () => {
  const model = denseModel();
  const cks = checkpoints(model, 5, 11);
  const avg = new AveragedModel(model);
  assert.equal(avg.nAveraged, 0);
  cks.forEach((ck, k) => {
    setWeights(model, (name) => ck[name]);
    avg.update(model);
    assert.equal(avg.nAveraged, k + 1);
    const got = averagedArrays(avg);
    for (const w of model.weights) {
      const expected = mean(cks.slice(0, k + 1).map((c) => c[w.name]));
      assertClose(got[w.name], expected, 1e-6, `${w.name} after ${k + 1}`);
    }
  });
  avg.dispose();
  model.dispose();
});

Deno.test("AveragedModel: EMA matches the closed form, decay 0 and 1 are the ends", () => {
  const model = denseModel();
  const cks = checkpoints(model, 6, 12);
  for (const decay of [0.9, 0.5, 0, 1]) {
    const avg = new AveragedModel(model, { decay });
    cks.forEach((ck) => {
      setWeights(model, (name) => ck[name]);
      avg.update(model);
    });
    const got = averagedArrays(avg);
    for (const w of model.weights) {
      const expected = ema(cks.map((c) => c[w.name]), decay);
      assertClose(got[w.name], expected, 1e-6, `${w.name} decay ${decay}`);
    }
    if (decay === 0) assert.deepEqual(got, readWeights(model)); // a copy of the last
    avg.dispose();
  }
  model.dispose();
});

Deno.test("AveragedModel: decay outside [0, 1] is a RangeError", () => {
  const model = denseModel();
  for (const decay of [-0.01, 1.01, NaN, Infinity]) {
    assert.throws(() => new AveragedModel(model, { decay }), RangeError);
  }
  model.dispose();
});

Deno.test("AveragedModel: BN moving stats copied from the latest model, or averaged with useBuffers", () => {
  const model = bnModel();
  const cks = checkpoints(model, 4, 13);
  const stats = model.weights.filter((w) => /moving_(mean|variance)$/.test(w.name));
  assert.equal(stats.length, 2);
  for (const useBuffers of [false, true]) {
    const avg = new AveragedModel(model, { useBuffers });
    cks.forEach((ck) => {
      setWeights(model, (name) => ck[name]);
      avg.update(model);
    });
    const got = averagedArrays(avg);
    for (const w of model.weights) {
      const isStat = stats.includes(w);
      const all = cks.map((c) => c[w.name]);
      const expected = isStat && !useBuffers ? all[all.length - 1] : mean(all);
      assertClose(got[w.name], expected, 1e-6, `${w.name} useBuffers ${useBuffers}`);
    }
    avg.dispose();
  }
  model.dispose();
});

Deno.test("AveragedModel: matching survives freezing a layer (model.weights reorders)", () => {
  const model = bnModel();
  const cks = checkpoints(model, 3, 14);
  const avg = new AveragedModel(model);
  const namesBefore = model.weights.map((w) => w.name);
  setWeights(model, (name) => cks[0][name]);
  avg.update(model);
  model.layers[0].trainable = false;
  assert.notDeepEqual(model.weights.map((w) => w.name), namesBefore);
  for (const ck of cks.slice(1)) {
    setWeights(model, (name) => ck[name]);
    avg.update(model);
  }
  const got = averagedArrays(avg);
  for (const name of namesBefore) {
    const all = cks.map((c) => c[name]);
    const expected = /moving_/.test(name) ? all[all.length - 1] : mean(all);
    assertClose(got[name], expected, 1e-6, name);
  }
  avg.dispose();
  model.dispose();
});

/** A layer with an int32 weight (tfjs layers have none built in). */
class Counter extends tf.layers.Layer {
  static className = "Counter";
  override build(): void {
    this.addWeight("count", [2], "int32", tf.initializers.zeros(), undefined, false);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }
}

Deno.test("AveragedModel: integer weights are copied, never averaged", () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [2] }), new Counter({})],
  });
  const count = model.weights.find((w) => w.dtype === "int32");
  assert.ok(count);
  const avg = new AveragedModel(model);
  for (const [k, v] of [[1, 3], [2, 8], [7, 4]]) {
    setWeights(model, (name, size) => name === count.name ? [k, v] : new Array(size).fill(k));
    avg.update(model);
  }
  const got = averagedArrays(avg);
  assert.deepEqual(got[count.name], [7, 4]);
  const bias = model.weights.find((w) => w.name.endsWith("bias"));
  assert.ok(bias);
  assertClose(got[bias.name], [10 / 3, 10 / 3], 1e-6, "bias");
  avg.dispose();
  model.dispose();
});

Deno.test("AveragedModel: copyTo writes the averages into another model of the architecture", () => {
  const model = bnModel();
  const cks = checkpoints(model, 3, 15);
  const avg = new AveragedModel(model, { useBuffers: true });
  for (const ck of cks) {
    setWeights(model, (name) => ck[name]);
    avg.update(model);
  }
  const target = bnModel();
  avg.copyTo(target);
  const got = Object.values(readWeights(target)); // same positional layout as `model`
  const names = model.weights.map((w) => w.name);
  assert.notDeepEqual(target.weights.map((w) => w.name), names);
  names.forEach((name, i) => assertClose(got[i], mean(cks.map((c) => c[name])), 1e-6, name));
  avg.dispose();
  model.dispose();
  target.dispose();
});

Deno.test("AveragedModel: a constructor snapshot is what copyTo writes before any update", () => {
  const model = denseModel();
  const before = readWeights(model);
  const avg = new AveragedModel(model);
  setWeights(model, (_, size) => new Array(size).fill(0.25));
  avg.copyTo(model);
  assert.deepEqual(readWeights(model), before);
  avg.dispose();
  model.dispose();
});

Deno.test("AveragedModel: copyTo/update on another architecture lists the mismatches", () => {
  const model = denseModel(3);
  const avg = new AveragedModel(model);
  const wider = denseModel(4);
  assert.throws(() => avg.copyTo(wider), (e: Error) => {
    assert.match(e.message, /AveragedModel\.copyTo: model "sequential_\d+" does not match/);
    assert.match(e.message, /#0: expected dense_Dense\d+\/kernel \[2,3\] float32 \(Dense\), got/);
    assert.match(e.message, /got dense_Dense\d+\/kernel \[2,4\] float32 \(Dense\)/);
    assert.match(e.message, /#1: .*bias \[3\].*bias \[4\]/);
    assert.match(e.message, /#2: .*kernel \[3,1\].*kernel \[4,1\]/);
    assert.doesNotMatch(e.message, /#3:/);
    return true;
  });
  const withBn = bnModel();
  assert.throws(
    () => avg.update(withBn),
    /AveragedModel\.update: .*\n {2}expected 4 weights, got 8\n {2}#2: expected .*\(Dense\), got .*gamma \[3\] float32 \(BatchNormalization\)/,
  );
  assert.equal(avg.nAveraged, 0);
  for (const m of [model, wider, withBn]) m.dispose();
  avg.dispose();
});

Deno.test("AveragedModel: tensor count stays flat across updates and drops back on dispose", () => {
  const model = bnModel();
  const cks = checkpoints(model, 6, 16);
  const base = tf.memory().numTensors;
  for (const decay of [undefined, 0.8]) {
    const avg = new AveragedModel(model, { decay, useBuffers: true });
    const held = tf.memory().numTensors;
    assert.equal(held, base + model.weights.length);
    for (const ck of cks) {
      setWeights(model, (name) => ck[name]);
      avg.update(model);
      avg.copyTo(model);
      assert.equal(tf.memory().numTensors, held);
    }
    avg.dispose();
    assert.equal(tf.memory().numTensors, base);
    assert.throws(() => avg.update(model), /disposed/);
  }
  model.dispose();
});
