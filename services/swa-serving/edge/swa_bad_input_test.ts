/**
 * Everything a caller can get wrong, over HTTP against the real embedded process: each is a
 * 4xx problem with a stable code, and none of them changes the run state or the live version.
 */
import assert from "node:assert/strict";
import { decodeModel, encodeModel } from "@edgeml/shared/onnx";
import { createSwaClient, SwaApiError, SwaJobError } from "@edgeml/swa-serving/client";
import { digitsRows, manifest, readFixture } from "../control/testing/fixtures.ts";
import { startEmbedded } from "@edgeml/gateway/testing";
import { DIGITS_MODEL } from "../testing/digits_model.ts";

const mlp = manifest.models.mlp;
const runFiles = (run: number) => mlp.runs[run].checkpoints.map((c) => readFixture(c.file));
const calibration = digitsRows(manifest.data.calibration_indices.slice(0, 64));
const row = Array(64).fill(0.5);

async function failure(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await call.then(() => undefined, (e) => e);
  assert.ok(error instanceof SwaApiError, `expected an API error, got ${error}`);
  return { status: error.status, code: error.code };
}

/** A fixture checkpoint with its first Relu made a Sigmoid: same weights, another graph. */
function withSigmoid(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  const relu = model.graph!.node!.find((n) => n.opType === "Relu")!;
  relu.opType = "Sigmoid";
  return encodeModel(model);
}

Deno.test("swa-serving: bad input is a 4xx problem and leaves state and the live version as they were", async () => {
  const server = await startEmbedded({
    env: { SWA_MAX_CHECKPOINT_BYTES: String(64 * 1024), SWA_MAX_SAMPLES: "8" },
  });
  const api = createSwaClient({ baseUrl: server.url, adminToken: server.adminToken });
  const anonymous = createSwaClient({ baseUrl: server.url });
  const post = (path: string, init: RequestInit) =>
    fetch(server.url + path, {
      method: "POST",
      ...init,
      headers: { authorization: `Bearer ${server.adminToken}`, ...init.headers },
    });
  const upload = "/v1/swa/models/bad/runs/r0/checkpoints";
  const octets = { "content-type": "application/octet-stream" };
  try {
    // Registration.
    assert.deepEqual(await failure(anonymous.createModel({ name: "bad", ...DIGITS_MODEL })), {
      status: 401,
      code: "unauthorized",
    });
    assert.equal(
      (await failure(api.createModel({ name: "bad", ...DIGITS_MODEL, labels: undefined }))).code,
      "labels_required",
    );
    assert.equal((await failure(api.createModel({ name: "../x", ...DIGITS_MODEL }))).status, 400);
    await api.createModel({ name: "bad", ...DIGITS_MODEL });
    assert.deepEqual(await failure(api.createModel({ name: "bad", ...DIGITS_MODEL })), {
      status: 409,
      code: "model_exists",
    });

    // Predict before any version; unknown model.
    assert.deepEqual(await failure(api.predict("bad", { inputs: [row] })), {
      status: 409,
      code: "no_live_version",
    });
    assert.equal((await failure(api.predict("nope", { inputs: [row] }))).status, 404);

    // Uploads: media type, not ONNX, over the limit (declared and streamed), other graphs.
    let res = await post(upload, {
      body: runFiles(0)[0] as Uint8Array<ArrayBuffer>,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(res.status, 415);
    await res.body?.cancel();
    res = await post(upload, { body: new Uint8Array(100).fill(7), headers: octets });
    assert.equal((await res.json()).code, "invalid_onnx");
    res = await post(upload, { body: new Uint8Array(65 * 1024), headers: octets });
    assert.equal(res.status, 413);
    await res.body?.cancel();
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 16 * 1024;
        // Chunked, with no length: refused once 64 KiB have arrived.
        if (sent > 1024 * 1024) controller.close();
        else controller.enqueue(new Uint8Array(16 * 1024));
      },
    });
    res = await post(upload, { body: endless, headers: octets });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).code, "body_too_large");

    await api.uploadCheckpoint("bad", "r0", runFiles(0)[0]);
    const changed = await failure(api.uploadCheckpoint("bad", "r0", withSigmoid(runFiles(0)[1])));
    assert.deepEqual(changed, { status: 422, code: "architecture_mismatch" });
    // The torch-exported variants of the same MLP (tools/swa_fixtures/generate_gaps.py).
    for (const variant of ["relu2_sigmoid", "bn2_eps"]) {
      const bytes = readFixture(`gaps/mlp_arch/${variant}.onnx`);
      assert.equal(
        (await failure(api.uploadCheckpoint("bad", "r0", bytes))).code,
        "architecture_mismatch",
      );
    }
    const cnn = readFixture(manifest.models.cnn.runs[0].checkpoints[0].file);
    assert.equal(
      (await failure(api.uploadCheckpoint("bad", "r0", cnn))).code,
      "input_shape_mismatch",
    );
    // An eval-mode (folded Conv→BN) export is refused, with the recipe.
    await api.createModel({ name: "cnn", ...DIGITS_MODEL, input: { shape: [1, 8, 8] } });
    const folded = await api.uploadCheckpoint(
      "cnn",
      "r0",
      readFixture("gaps/cnn_folded/epoch_19_eval.onnx"),
    )
      .then(() => undefined, (e) => e);
    assert.ok(folded instanceof SwaApiError);
    assert.equal(folded.code, "folded_batch_norm");
    assert.match(folded.detail, /TrainingMode\.PRESERVE/);
    await api.uploadCheckpoint("cnn", "r0", cnn);
    // An upload cut off half-way is not accepted.
    const half = runFiles(0)[1].subarray(0, 6000);
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(half);
        controller.error(new Error("client went away"));
      },
    });
    await post(upload, { body: broken, headers: octets }).then((r) => r.body?.cancel(), () => {});
    assert.deepEqual((await api.listRuns("bad")).map((r) => r.checkpoints), [1]);

    // Finalisation refused before it starts.
    assert.deepEqual(await failure(api.finalize("bad", { samples: 9, calibration: [row, row] })), {
      status: 422,
      code: "too_many_samples",
    });
    assert.equal(
      (await failure(api.finalize("bad", { samples: 2, calibration: [row, row] }))).code,
      "covariance_needs_k",
    );
    await api.uploadCheckpoint("bad", "r0", runFiles(0)[1]);
    await api.uploadCheckpoint("bad", "r0", runFiles(0)[2]);
    assert.equal((await failure(api.finalize("bad", { samples: 2 }))).code, "calibration_required");
    assert.deepEqual(
      await failure(api.finalize("bad", { samples: 2, runs: ["r9"], calibration: [row, row] })),
      {
        status: 404,
        code: "run_not_found",
      },
    );
    assert.equal(
      (await failure(
        api.finalize("bad", { samples: 2, dropout: "training", calibration: [row, row] }),
      )).code,
      "no_dropout_nodes",
    );
    const poisoned = calibration.slice();
    poisoned[40 * 64 + 5] = NaN;
    await api.putCalibrationSet("bad", "poisoned", poisoned);
    const nan = await api.finalize("bad", { samples: 2, calibrationSet: "poisoned", batchSize: 16 })
      .then(
        () => undefined,
        (e) => e,
      );
    assert.ok(nan instanceof SwaApiError);
    assert.equal(nan.code, "non_finite_calibration");
    assert.deepEqual([nan.problem.batch, nan.problem.row, nan.problem.index], [2, 40, 5]);
    assert.equal((await failure(api.predict("bad", { inputs: [row] }))).code, "no_live_version");

    // A version, then a job that fails inside: the live version keeps serving.
    const job = await api.finalize("bad", {
      samples: 2,
      calibration: Array.from({ length: 64 }, () => row),
    });
    await api.waitForJob(job.jobId, { intervalMs: 50 });
    const failing = await api.finalize("bad", { samples: 2, calibration: [row], batchSize: 1 });
    const failed = await api.waitForJob(failing.jobId, { intervalMs: 50 }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(failed instanceof SwaJobError);
    assert.equal(failed.code, "calibration_batch_too_small");
    assert.equal((await api.getVersion("bad", 2)).status, "FAILED");
    const still = await api.predict("bad", { inputs: [row], mode: "swag" });
    assert.equal(still.version, 1);
    assert.equal((await api.getModel("bad")).liveVersion, 1);
    assert.deepEqual((await api.listRuns("bad")).map((r) => r.checkpoints), [3]);

    // Predict: row size, mode, samples, malformed JSON.
    assert.deepEqual(await failure(api.predict("bad", { inputs: [[1, 2, 3]] })), {
      status: 400,
      code: "input_row_size",
    });
    res = await post("/v1/swa/models/bad/predict", {
      body: JSON.stringify({ inputs: [row], mode: "bogus" }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).code, "invalid_request");
    res = await post("/v1/swa/models/bad/predict", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.status, 400);
    await res.body?.cancel();
    assert.equal(
      (await failure(api.predict("bad", { inputs: [row], mode: "swag", samples: 3 }))).code,
      "too_many_samples",
    );
    assert.equal(
      (await failure(api.evaluate("bad", 1, { inputs: [row], labels: [11] }))).code,
      "invalid_label",
    );
    assert.equal(
      (await failure(api.evaluate("bad", 7, { inputs: [row], labels: [1] }))).status,
      404,
    );
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
