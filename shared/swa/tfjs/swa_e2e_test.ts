import assert from "node:assert/strict";
import { assertClose, readWeights, rng, tf } from "./_test_util.ts";
import { AveragedModel, optimizerLearningRate, SWALR, updateBn } from "./mod.ts";

/**
 * Two classes split by the line x₀ + x₁ = 0 with a margin of 0.4/√2 ≈ 0.28 (points closer
 * to it are dropped), then sheared and shifted so that BatchNormalization has work to do.
 */
function dataset(n: number, seed: number): { x: number[][]; y: number[] } {
  const next = rng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  while (x.length < n) {
    const a = 4 * next() - 2;
    const b = 4 * next() - 2;
    if (Math.abs(a + b) < 0.4) continue;
    x.push([3 * a + 5, 0.5 * b - 2]);
    y.push(a + b > 0 ? 1 : 0);
  }
  return { x, y };
}

function accuracy(model: tf.LayersModel, x: tf.Tensor, y: number[]): number {
  const predictions = model.predict(x) as tf.Tensor;
  const p = predictions.dataSync();
  predictions.dispose();
  return y.filter((label, i) => (p[i] > 0.5 ? 1 : 0) === label).length / y.length;
}

const LR = 0.5;
const SWA_LR = 0.2;
const ANNEAL = 3;
const EPOCHS = 20;
const SWA_START = 10;

/** SWALR's schedule after k steps from LR, written out: cos annealing, then flat. */
function expectedLr(k: number): number {
  const t = Math.min(1, k / ANNEAL);
  const alpha = (1 - Math.cos(Math.PI * t)) / 2;
  return SWA_LR * alpha + LR * (1 - alpha);
}

Deno.test("SWA end to end: fit + SWALR + AveragedModel + copyTo + updateBn", async () => {
  const train = dataset(256, 31);
  const test = dataset(200, 32);
  const xTrain = tf.tensor2d(train.x);
  const yTrain = tf.tensor2d(train.y, [train.y.length, 1]);
  const xTest = tf.tensor2d(test.x);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 8,
        inputShape: [2],
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
      }),
      tf.layers.batchNormalization(),
      tf.layers.dense({
        units: 1,
        activation: "sigmoid",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }),
      }),
    ],
  });
  const optimizer = tf.train.sgd(LR);
  model.compile({ optimizer, loss: "binaryCrossentropy" });

  const swa = new AveragedModel(model);
  const scheduler = new SWALR(optimizerLearningRate(optimizer), {
    swaLr: SWA_LR,
    annealEpochs: ANNEAL,
    annealStrategy: "cos",
  });
  const ratesUsed: number[] = [];
  const snapshots: Record<string, number[]>[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    ratesUsed.push(optimizer.getConfig().learningRate as number);
    await model.fit(xTrain, yTrain, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    if (epoch >= SWA_START) {
      swa.update(model);
      scheduler.step();
      snapshots.push(readWeights(model));
    }
  }

  // The rate in force for each epoch: LR up to the first SWA epoch, then SWALR's schedule.
  const expectedRates = Array.from(
    { length: EPOCHS },
    (_, e) => (e <= SWA_START ? LR : expectedLr(e - SWA_START)),
  );
  assertClose(ratesUsed, expectedRates, 1e-12, "learning rates");
  assert.deepEqual(ratesUsed.slice(SWA_START, SWA_START + 5).map((r) => +r.toFixed(6)), [
    0.5,
    0.425, // α = (1 − cos(π/3))/2 = 1/4
    0.275, // α = 3/4
    0.2,
    0.2,
  ]);

  // Averages: the mean of the per-epoch snapshots; BN statistics: the last snapshot's.
  assert.equal(swa.nAveraged, EPOCHS - SWA_START);
  const averaged = swa.getWeights();
  for (const [name, tensor] of Object.entries(averaged)) {
    const all = snapshots.map((s) => s[name]);
    const expected = /moving_/.test(name)
      ? all[all.length - 1]
      : all[0].map((_, i) => all.reduce((s, a) => s + a[i], 0) / all.length);
    assertClose(tensor.dataSync(), expected, 1e-6, name);
  }
  const lastSgdAccuracy = accuracy(model, xTest, test.y);

  swa.copyTo(model);
  updateBn(model, xTrain, { batchSize: 32 });
  const final = readWeights(model);
  for (const [name, tensor] of Object.entries(averaged)) {
    if (!/moving_/.test(name)) assert.deepEqual(final[name], [...tensor.dataSync()], name);
  }
  const bnMean = Object.entries(final).find(([k]) => k.endsWith("moving_mean"))![1];
  assert.notDeepEqual(
    bnMean,
    snapshots[snapshots.length - 1][`${model.layers[1].name}/moving_mean`],
  );

  // The classes are linearly separable with a margin, so a perfect classifier exists and the
  // network (ReLU layer + BN + logistic unit) reaches it in a few epochs; SWA averages weights
  // of one basin and updateBn gives them matching BN statistics, so the averaged model must
  // classify almost every held-out point (it gets 200/200 here). 0.95 leaves room for float
  // differences while still failing on stale BN statistics: tfjs's BN momentum is 0.99, so the
  // moving statistics the last SGD model carries lag its weights (it scores about 0.92).
  const swaAccuracy = accuracy(model, xTest, test.y);
  assert.ok(swaAccuracy >= 0.95, `SWA model accuracy ${swaAccuracy}`);
  assert.ok(lastSgdAccuracy > 0.5, `last SGD model accuracy ${lastSgdAccuracy}`);

  tf.dispose([xTrain, yTrain, xTest, averaged]);
  swa.dispose();
  model.dispose();
  optimizer.dispose();
});
