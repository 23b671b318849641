/**
 * The SWA service end to end over HTTP, against the real embedded process (pool, gateway,
 * stores): register, upload two runs of PyTorch checkpoints, finalise, predict in every mode
 * (SWA predictions equal the engine's offline ones), evaluate, finalise again, roll back, delete.
 */
import assert from "node:assert/strict";
import { decodeModel } from "@edgeml/shared/onnx";
import { averageToModel, createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
import type { ClassificationPrediction, PredictResponse } from "@edgeml/shared/contracts/swa";
import { createSwaClient, SwaApiError } from "@edgeml/swa-serving/client";
import { predictProbabilities } from "../control/bench/predict.ts";
import { digitsLabels, digitsRows, manifest, readFixture } from "../control/testing/fixtures.ts";
import { updateBn } from "../control/update_bn.ts";
import { DIGITS_MODEL } from "../testing/digits_model.ts";
import { startEmbedded } from "@edgeml/gateway/testing";

const mlp = manifest.models.mlp;
const ROWS = 40;
const testIndices = manifest.data.test_indices.slice(0, ROWS);
const testRows = digitsRows(testIndices);
const calibration = digitsRows(manifest.data.calibration_indices);
const asRows = (data: Float32Array, width = 64) =>
  Array.from(
    { length: data.length / width },
    (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)),
  );
const checkpointBytes = (run: number) => mlp.runs[run].checkpoints.map((c) => readFixture(c.file));

const classified = (r: PredictResponse) => r.predictions as ClassificationPrediction[];
const probabilities = (r: PredictResponse) => classified(r).flatMap((p) => p.probabilities);

async function failure(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await call.then(() => undefined, (e) => e);
  assert.ok(error instanceof SwaApiError, `expected an API error, got ${error}`);
  return { status: error.status, code: error.code };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `index ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

/** The engine's own SWA model for a run, built offline as `deno task bench:swa` does. */
async function offlineSwaProbabilities(run: number): Promise<Float64Array> {
  const average = checkpointBytes(run).map((b) => readCheckpoint(b)).reduce(
    (s, c) => updateAverage(s, c),
    createAverage({ strategy: "equal" }),
  );
  const swa = await updateBn(averageToModel(average), calibration, [64], { batchSize: 32 });
  return await predictProbabilities(swa, testRows, [64]);
}

Deno.test("swa-serving: create, upload two runs, finalise, predict every mode, evaluate, roll back", async () => {
  const server = await startEmbedded();
  const api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
  try {
    const created = await api.createModel({ name: "digits-flow", ...DIGITS_MODEL });
    assert.equal(created.liveVersion, null);
    for (const run of [0, 1]) {
      const files = checkpointBytes(run);
      for (const [i, bytes] of files.entries()) {
        const accepted = await api.uploadCheckpoint("digits-flow", `run${run}`, bytes);
        assert.equal(accepted.checkpoints, i + 1);
        assert.equal(accepted.swagRows, Math.min(i + 1, 10));
      }
    }
    assert.deepEqual(
      (await api.listRuns("digits-flow")).map((r) => [r.run, r.checkpoints]),
      [["run0", 10], ["run1", 10]],
    );
    assert.equal(
      (await failure(api.predict("digits-flow", { inputs: asRows(testRows) }))).code,
      "no_live_version",
    );

    await api.putCalibrationSet("digits-flow", "calib", calibration);
    const job = await api.finalize("digits-flow", { calibrationSet: "calib", samples: 6, seed: 7 });
    const stages: string[] = [];
    const done = await api.waitForJob(job.jobId, {
      intervalMs: 50,
      onProgress: (j) => stages.push(j.progress.stage),
    });
    assert.equal(done.status, "ACTIVE");
    assert.equal(done.progress.fraction, 1);
    assert.equal((await api.getModel("digits-flow")).liveVersion, 1);

    const inputs = asRows(testRows);
    const swa = await api.predict("digits-flow", { inputs, mode: "swa" });
    assert.equal(swa.version, 1);
    assert.equal(swa.samples, 1);
    const offline = await offlineSwaProbabilities(0);
    assertClose(
      probabilities(swa),
      offline,
      1e-6,
    );

    const last = await predictProbabilities(
      decodeModel(checkpointBytes(0).at(-1)!),
      testRows,
      [64],
    );
    const checkpoint = await api.predict("digits-flow", { inputs, mode: "checkpoint" });
    assertClose(
      probabilities(checkpoint),
      last,
      1e-6,
    );

    for (const [mode, samples] of [["swag", 6], ["multiswag", 12]] as const) {
      const answer = await api.predict("digits-flow", { inputs, mode });
      assert.equal(answer.samples, samples);
      for (const p of classified(answer)) {
        const u = p.uncertainty!;
        assert.ok(u.mutualInformation >= 0);
        assert.ok(Math.abs(u.predictiveEntropy - u.expectedEntropy - u.mutualInformation) < 1e-9);
        assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        assert.equal(p.label, String(p.labelIndex));
      }
    }
    const fewer = await api.predict("digits-flow", {
      inputs: inputs.slice(0, 2),
      mode: "swag",
      samples: 3,
    });
    assert.equal(fewer.samples, 3);
    assert.deepEqual(
      await failure(api.predict("digits-flow", { inputs, mode: "swag", samples: 7 })),
      {
        status: 422,
        code: "too_many_samples",
      },
    );

    const evaluation = await api.evaluate("digits-flow", 1, {
      inputs,
      labels: Array.from(digitsLabels(testIndices)),
    });
    assert.deepEqual(evaluation.results.map((r) => r.mode), [
      "checkpoint",
      "swa",
      "swag",
      "multiswag",
    ]);
    for (const r of evaluation.results) {
      assert.ok(r.accuracy! > 0.9 && r.nll > 0 && r.ece! >= 0 && r.brier! >= 0, JSON.stringify(r));
    }

    // A second version from run1 alone, then back to the first.
    const second = await api.finalize("digits-flow", {
      runs: ["run1"],
      calibration: asRows(calibration.subarray(0, 64 * 64)),
      samples: 2,
    });
    await api.waitForJob(second.jobId, { intervalMs: 50 });
    assert.equal((await api.predict("digits-flow", { inputs: inputs.slice(0, 1) })).version, 2);
    // Version 2 has one run: its mixture is that run's posterior.
    assert.equal((await api.predict("digits-flow", { inputs, mode: "multiswag" })).samples, 2);
    const rolledBack = await api.rollback("digits-flow");
    assert.equal(rolledBack.liveVersion, 1);
    assert.equal((await api.predict("digits-flow", { inputs: inputs.slice(0, 1) })).version, 1);
    const again = await api.predict("digits-flow", { inputs, mode: "swa" });
    assertClose(
      probabilities(again),
      offline,
      1e-6,
    );

    assert.deepEqual(await failure(api.deleteVersion("digits-flow", 1)), {
      status: 409,
      code: "version_live",
    });
    await api.deleteVersion("digits-flow", 2);
    assert.deepEqual((await api.listVersions("digits-flow")).map((v) => [v.version, v.live]), [[
      1,
      true,
    ]]);
    assert.equal((await failure(api.rollback("digits-flow"))).code, "nothing_to_roll_back");
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
