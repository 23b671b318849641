/**
 * Models other than the digits classifier, through the real process. A regression model
 * without BatchNorm (no calibration data needed) through the real process:
 * the model predicts a mean and a log-variance per row; the SWA answer is the averaged linear
 * model's, worked out here from the uploaded weights, and SWAG splits the predictive variance
 * into the samples' spread and their mean predicted variance. A classifier whose graph ends in
 * Softmax is summarised over its probabilities, not a softmax of them.
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import type { ClassificationPrediction, RegressionPrediction } from "@edgeml/shared/contracts/swa";
import { buildMlpClassifier, createGraphBuilder, encodeModel } from "@edgeml/shared/onnx";
import { averageToModel, createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
import { createSwaClient } from "@edgeml/swa-serving/client";
import { digitsRows, manifest, readFixture } from "../control/testing/fixtures.ts";
import { DIGITS_MODEL } from "../testing/digits_model.ts";
import { startEmbedded } from "@edgeml/gateway/testing";

const FEATURES = 4;

/** y = x·W + b with W [4, 2]: column 0 the mean, column 1 the log-variance. */
function linearCheckpoint(step: number) {
  const weight = Float32Array.from({ length: FEATURES * 2 }, (_, i) => (i % 3) * 0.25 + step * 0.1);
  const bias = Float32Array.from([0.5 - step * 0.05, -1 + step * 0.02]);
  const b = createGraphBuilder("linear");
  const x = b.input("x", "float32", ["batch", FEATURES]);
  const w = b.initializer("head.weight", weight, [FEATURES, 2]);
  const c = b.initializer("head.bias", bias, [2]);
  b.output(b.gemm(x, w, c, { name: "head" }), "y", "float32", ["batch", 2]);
  return { bytes: encodeModel(b.build({ opset: 17 })), weight, bias };
}

Deno.test("swa-serving: a regression model with predicted variance, no BatchNorm", async () => {
  const server = await startEmbedded();
  const api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
  try {
    await api.createModel({
      name: "linear",
      task: "regression",
      input: { shape: [FEATURES] },
      regressionVariance: "log_variance",
      swagRank: 4,
    });
    const checkpoints = [0, 1, 2, 3].map(linearCheckpoint);
    for (const c of checkpoints) await api.uploadCheckpoint("linear", "a", c.bytes);
    const job = await api.finalize("linear", { samples: 5, seed: 3 });
    await api.waitForJob(job.jobId, { intervalMs: 50 });

    const inputs = [[1, 0, 0, 0], [0.5, -1, 2, 0.25]];
    // The average of linear models is the linear model of the average weights.
    const averaged = (k: number) =>
      inputs.map((row) => {
        let sum = 0;
        for (const c of checkpoints) {
          sum += c.bias[k] + row.reduce((s, x, i) => s + x * c.weight[i * 2 + k], 0);
        }
        return sum / checkpoints.length;
      });
    const swa = (await api.predict("linear", { inputs })).predictions as RegressionPrediction[];
    const [means, logVariances] = [averaged(0), averaged(1)];
    swa.forEach((p, r) => {
      assert.ok(Math.abs(p.mean[0] - means[r]) < 1e-5, `mean ${p.mean[0]} vs ${means[r]}`);
      assert.ok(Math.abs(p.variance[0] - Math.exp(logVariances[r])) < 1e-5);
      assert.equal(p.uncertainty, undefined);
    });

    const swag = await api.predict("linear", { inputs, mode: "swag" });
    assert.equal(swag.samples, 5);
    for (const p of swag.predictions as RegressionPrediction[]) {
      const u = p.uncertainty!;
      assert.ok(u.spread[0] > 0, "SWAG draws differ, so their means spread");
      assert.ok(Math.abs(p.variance[0] - (u.spread[0] + u.predictedVariance[0])) < 1e-12);
    }

    const { results } = await api.evaluate("linear", 1, { inputs, labels: [[0.7], [1.1]] });
    assert.deepEqual(results.map((r) => r.mode), ["checkpoint", "swa", "swag"]);
    for (const r of results) {
      assert.ok(r.rmse! > 0 && Number.isFinite(r.nll) && r.accuracy === undefined);
    }
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("swa-serving: a classifier whose graph ends in Softmax is averaged over its probabilities", async () => {
  const server = await startEmbedded();
  const api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
  try {
    await api.createModel({
      name: "softmaxed",
      task: "classification",
      input: { shape: [16] },
      labels: ["a", "b", "c"],
      swagRank: 2,
    });
    const checkpoints = [1, 2, 3].map((seed) =>
      buildMlpClassifier({ name: "m", inputSize: 16, hiddenSizes: [8], numClasses: 3, seed })
    );
    for (const c of checkpoints) await api.uploadCheckpoint("softmaxed", "a", encodeModel(c));
    await api.waitForJob((await api.finalize("softmaxed", { samples: 3 })).jobId, {
      intervalMs: 50,
    });
    const row = Array.from({ length: 16 }, (_, i) => i / 16);
    // What the averaged model itself outputs: already probabilities.
    const average = checkpoints.map((c) => readCheckpoint(encodeModel(c))).reduce(
      (s, c) => updateAverage(s, c),
      createAverage({ strategy: "equal" }),
    );
    const session = await ort.InferenceSession.create(encodeModel(averageToModel(average)));
    const out = await session.run({
      input: new ort.Tensor("float32", Float32Array.from(row), [1, 16]),
    });
    await session.release();
    const expected = Array.from(out.probabilities.data as Float32Array);
    const [swa] = (await api.predict("softmaxed", { inputs: [row] }))
      .predictions as ClassificationPrediction[];
    swa.probabilities.forEach((p, k) =>
      assert.ok(Math.abs(p - expected[k]) < 1e-6, `${p} vs ${expected[k]}`)
    );
    const [swag] = (await api.predict("softmaxed", { inputs: [row], mode: "swag" }))
      .predictions as ClassificationPrediction[];
    assert.ok(Math.abs(swag.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(swag.uncertainty!.mutualInformation >= 0);
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("swa-serving: BN recalibrated with Dropout active, served without it", async () => {
  const server = await startEmbedded();
  const api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
  try {
    await api.createModel({ name: "dropout", ...DIGITS_MODEL, swagRank: 4 });
    for (const epoch of [37, 38, 39, 40]) {
      const bytes = readFixture(`gaps/mlp_dropout/dropout_kept/epoch_${epoch}.onnx`);
      await api.uploadCheckpoint("dropout", "r0", bytes);
    }
    const calibration = digitsRows(manifest.data.calibration_indices);
    await api.putCalibrationSet("dropout", "calib", calibration);
    const job = await api.finalize("dropout", {
      calibrationSet: "calib",
      samples: 2,
      dropout: "training",
      seed: 5,
    });
    await api.waitForJob(job.jobId, { intervalMs: 50 });
    const inputs = [Array.from(calibration.subarray(0, 64))];
    const first = await api.predict("dropout", { inputs, mode: "swag" });
    const again = await api.predict("dropout", { inputs, mode: "swag" });
    assert.deepEqual(again.predictions, first.predictions, "served predictions are deterministic");
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
