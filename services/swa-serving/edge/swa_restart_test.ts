/**
 * A crash in the middle of uploads (SIGKILL, nothing flushed on the way out) loses no accepted
 * checkpoint and counts none twice: after a restart on the same data folder the run resumes
 * where the last acknowledged upload left it, and the finished SWA model equals the engine's
 * offline average of all ten checkpoints. A crash during a finalisation leaves the job FAILED
 * and the live version serving.
 */
import assert from "node:assert/strict";
import type { ClassificationPrediction } from "@edgeml/shared/contracts/swa";
import { averageToModel, createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
import { createSwaClient } from "@edgeml/swa-serving/client";
import { predictProbabilities } from "../control/bench/predict.ts";
import { digitsRows, manifest, readFixture } from "../control/testing/fixtures.ts";
import { updateBn } from "../control/update_bn.ts";
import { DIGITS_MODEL } from "../testing/digits_model.ts";
import { startEmbedded } from "@edgeml/gateway/testing";

const files = manifest.models.mlp.runs[0].checkpoints.map((c) => readFixture(c.file));
const calibration = digitsRows(manifest.data.calibration_indices);
const testRows = digitsRows(manifest.data.test_indices.slice(0, 20));

Deno.test("swa-serving: a crash mid-upload loses no accepted checkpoint; a crash mid-finalisation keeps the live version", async () => {
  let server = await startEmbedded();
  const dataDir = server.dataDir;
  try {
    let api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
    await api.createModel({ name: "crash", ...DIGITS_MODEL });
    for (const bytes of files.slice(0, 4)) await api.uploadCheckpoint("crash", "r0", bytes);
    // The fifth is in flight when the process dies: it may or may not have been committed.
    const inFlight = api.uploadCheckpoint("crash", "r0", files[4]).catch(() => undefined);
    await server.stop("SIGKILL");
    await inFlight;

    server = await startEmbedded({ dataDir });
    api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
    const [{ checkpoints }] = await api.listRuns("crash");
    assert.ok(checkpoints === 4 || checkpoints === 5, `${checkpoints} checkpoints after restart`);
    for (const bytes of files.slice(checkpoints)) await api.uploadCheckpoint("crash", "r0", bytes);
    assert.equal((await api.listRuns("crash"))[0].checkpoints, 10);
    await api.putCalibrationSet("crash", "calib", calibration);
    const job = await api.finalize("crash", { calibrationSet: "calib", samples: 2 });
    await api.waitForJob(job.jobId, { intervalMs: 50 });

    const average = files.map((b) => readCheckpoint(b)).reduce(
      (s, c) => updateAverage(s, c),
      createAverage({ strategy: "equal" }),
    );
    const offline = await predictProbabilities(
      await updateBn(averageToModel(average), calibration, [64], { batchSize: 32 }),
      testRows,
      [64],
    );
    const inputs = Array.from(
      { length: 20 },
      (_, r) => Array.from(testRows.subarray(r * 64, (r + 1) * 64)),
    );
    const served = (await api.predict("crash", { inputs }))
      .predictions as ClassificationPrediction[];
    const probabilities = served.flatMap((p) => p.probabilities);
    probabilities.forEach((p, i) => assert.ok(Math.abs(p - offline[i]) < 1e-6, `value ${i}`));

    // Killed while a second version is being built.
    const second = await api.finalize("crash", { calibrationSet: "calib", samples: 64 });
    await server.stop("SIGKILL");
    server = await startEmbedded({ dataDir });
    api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
    const after = await api.getJob(second.jobId);
    if (after.status === "FAILED") {
      assert.equal(after.failureReason?.code, "interrupted");
      assert.equal((await api.getVersion("crash", 2)).status, "FAILED");
      assert.equal((await api.getModel("crash")).liveVersion, 1);
      assert.equal((await api.predict("crash", { inputs, mode: "swag" })).version, 1);
    } else {
      // It finished before the kill landed: then it is live, and serves.
      assert.equal(after.status, "ACTIVE");
      assert.equal((await api.predict("crash", { inputs, mode: "swag" })).version, 2);
    }
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
