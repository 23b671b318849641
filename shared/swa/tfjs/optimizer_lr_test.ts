import assert from "node:assert/strict";
import { assertClose, tf } from "./_test_util.ts";
import { optimizerLearningRate } from "./optimizer_lr.ts";
import { SWALR } from "../swalr.ts";

const GRAD = [3, -0.5, 2];
const W0 = [1, -2, 0.25];

/** One optimizer step on loss = Σ gᵢ·wᵢ (gradient g) from w₀; returns the new w. */
function stepOnce(optimizer: tf.Optimizer): number[] {
  const w = tf.variable(tf.tensor1d(W0));
  const g = tf.tensor1d(GRAD);
  optimizer.minimize(() => tf.sum(tf.mul(g, w)) as tf.Scalar);
  const out = [...w.dataSync()];
  tf.dispose([w, g]);
  return out;
}

const cfgLr = (o: tf.Optimizer) => o.getConfig().learningRate as number;

Deno.test("optimizerLearningRate: SWALR drives tf.train.sgd, which steps by lr·grad", () => {
  const optimizer = tf.train.sgd(0.2);
  const holder = optimizerLearningRate(optimizer);
  assert.equal(holder.learningRate, 0.2);
  const scheduler = new SWALR(holder, { swaLr: 0.05, annealEpochs: 2, annealStrategy: "linear" });
  assert.equal(holder.learningRate, 0.2); // step 0: α(0) = 0
  scheduler.step(); // α(1/2) = 1/2: 0.05·0.5 + 0.2·0.5
  assert.equal(cfgLr(optimizer), 0.125);
  assertClose(stepOnce(optimizer), W0.map((w, i) => w - 0.125 * GRAD[i]), 1e-7, "lr 0.125");
  scheduler.step(); // α(1) = 1
  assert.equal(cfgLr(optimizer), 0.05);
  assertClose(stepOnce(optimizer), W0.map((w, i) => w - 0.05 * GRAD[i]), 1e-7, "lr 0.05");
  optimizer.dispose();
});

Deno.test("optimizerLearningRate: assigning SGD's field alone would not change its steps", () => {
  // Why the adapter calls setLearningRate: SGD steps with a cached scalar −lr.
  const optimizer = tf.train.sgd(0.2);
  (optimizer as unknown as { learningRate: number }).learningRate = 1;
  assert.equal(cfgLr(optimizer), 1);
  assertClose(stepOnce(optimizer), W0.map((w, i) => w - 0.2 * GRAD[i]), 1e-7, "stale lr");
  optimizer.dispose();
});

Deno.test("optimizerLearningRate: momentum and Adam take the new rate too", () => {
  const momentum = tf.train.momentum(0.3, 0.9);
  optimizerLearningRate(momentum).learningRate = 0.01; // first step: v = g, w −= lr·v
  assertClose(stepOnce(momentum), W0.map((w, i) => w - 0.01 * GRAD[i]), 1e-7, "momentum");
  momentum.dispose();

  const adam = tf.train.adam(0.3);
  optimizerLearningRate(adam).learningRate = 0.01; // first step: w −= lr·g/(|g| + ε)
  assertClose(stepOnce(adam), W0.map((w, i) => w - 0.01 * Math.sign(GRAD[i])), 1e-6, "adam");
  adam.dispose();
});

Deno.test("optimizerLearningRate: rejects non-finite rates and rate-less optimizers", () => {
  const optimizer = tf.train.sgd(0.1);
  const holder = optimizerLearningRate(optimizer);
  for (const lr of [NaN, Infinity]) {
    assert.throws(() => (holder.learningRate = lr), RangeError);
  }
  assert.equal(cfgLr(optimizer), 0.1);
  const fake = { getClassName: () => "Fake" } as unknown as tf.Optimizer;
  assert.throws(() => optimizerLearningRate(fake), /TypeError: Fake has no numeric learningRate/);
  optimizer.dispose();
});

Deno.test("optimizerLearningRate: re-setting SGD's rate leaks no tensor", () => {
  const optimizer = tf.train.sgd(0.1);
  const holder = optimizerLearningRate(optimizer);
  const count = tf.memory().numTensors;
  for (let i = 1; i <= 5; i++) holder.learningRate = 0.1 / i;
  assert.equal(tf.memory().numTensors, count);
  optimizer.dispose();
});
