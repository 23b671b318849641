/**
 * Predictions against a real worker pool: a fixture MLP served as the live version's worker
 * models answers the softmax of its own logits as ONNX Runtime computes them directly, over
 * any number of rows; and the refusals before any worker is called.
 */
import assert from "node:assert/strict";
import { type OipClient, OipError } from "@edgeml/gpu-workers/client";
import { PredictRequest, type PredictRequest as Request } from "@edgeml/shared/contracts/swa";
import * as ort from "onnxruntime-node";
import { buildMlpClassifier, decodeModel, encodeModel } from "@edgeml/shared/onnx";
import type { TenantStores } from "@edgeml/shared/store";
import { domainErrorFrom, rejectsDomainError } from "@edgeml/shared/testing";
import { predictProbabilities } from "../control/bench/predict.ts";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { versionArtifact } from "../control/serving_set.ts";
import { digitsRows, manifest, readFixture } from "../control/testing/fixtures.ts";
import {
  getModel,
  insertModel,
  type ModelRecord,
  putVersion,
  servedModelNames,
  updateModel,
  type VersionRecord,
} from "./catalog.ts";
import { fromWorker, predict, rowsTensor, runMode, WORKER_BATCH_ROWS } from "./predict.ts";
import { withStoresAndPool } from "../testing/temp_stores.ts";

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
const CHECKPOINTS = manifest.models.mlp.runs[0].checkpoints;
/** The `swa` worker model serves the last checkpoint, `checkpoint` the first: two models. */
const SWA_BYTES = readFixture(CHECKPOINTS.at(-1)!.file);
const CHECKPOINT_BYTES = readFixture(CHECKPOINTS[0].file);

const MODEL: ModelRecord = {
  name: "m",
  task: "classification",
  input: { shape: [64] },
  labels: DIGITS,
  regressionVariance: "none",
  averaging: { strategy: "equal", decay: 0.999, useBuffers: false },
  swagRank: 5,
  createdAt: "2024-01-01T00:00:00.000Z",
  liveVersion: null,
  liveHistory: [],
  nextVersion: 2,
};

const VERSION: VersionRecord = {
  version: 1,
  status: "READY",
  runs: [{ run: "run-1", checkpoints: 10 }],
  samples: 4,
  scale: 0.5,
  covariance: true,
  seed: 0,
  dropout: "inference",
  jobId: "job-1",
  createdAt: "2024-01-02T00:00:00.000Z",
  served: servedModelNames("m", 1),
  inputName: "input",
  outputName: "logits",
  outputWidth: 10,
};

interface Serving {
  stores: TenantStores;
  workers: OipClient;
  publisher: ModelPublisher;
}

/** Stores and a pool serving version 1 of model `m` (swa and checkpoint worker models). */
async function withServing(fn: (s: Serving) => Promise<void>) {
  await withStoresAndPool(async ({ stores, workers, publisher }) => {
    for (
      const [worker, file, bytes] of [
        [VERSION.served.swa, "swa.onnx", SWA_BYTES],
        [VERSION.served.checkpoint, "checkpoint.onnx", CHECKPOINT_BYTES],
      ] as const
    ) {
      await stores.artifacts.put(versionArtifact("m", 1, file), bytes);
      await publisher.serve(worker, [{ version: 1, artifact: versionArtifact("m", 1, file) }]);
    }
    await insertModel(stores.kv, MODEL);
    await putVersion(stores.kv, "m", VERSION);
    await fn({ stores, workers, publisher });
  });
}

const makeLive = (stores: TenantStores, version: number) =>
  updateModel(stores.kv, "m", (r) => ({ ...r, liveVersion: version }));

const rowsOf = (data: Float32Array, width = 64) =>
  Array.from(
    { length: data.length / width },
    (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)),
  );

const request = (over: Request) => PredictRequest.parse(over);

function assertClose(actual: number[], expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) < 1e-6,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

Deno.test("rowsTensor flattens rows and names the first row of the wrong size", () => {
  assert.deepEqual(
    rowsTensor([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]], [2, 3]),
    Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  );
  const err = domainErrorFrom(
    () => rowsTensor([[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5], [1]], [2, 3]),
    "invalid",
    "input_row_size",
  );
  assert.deepEqual(err.extra, { row: 1, expected: 6, got: 5 });
  assert.match(err.detail, /^input row 1 has 5 values; rows of \[2, 3\] have 6$/);
});

Deno.test("predict in swa and checkpoint modes: the softmax of each served model's own logits, over 150 rows", async () => {
  await withServing(async ({ stores, workers }) => {
    await makeLive(stores, 1);
    // 150 rows: three worker calls of at most 64 rows, reassembled in row order.
    assert.ok(150 > 2 * WORKER_BATCH_ROWS);
    const x = digitsRows(manifest.data.test_indices.slice(0, 150));
    const swa = await predictProbabilities(decodeModel(SWA_BYTES), x, [64]);
    const first = await predictProbabilities(decodeModel(CHECKPOINT_BYTES), x, [64]);
    assert.ok(swa.some((p, i) => Math.abs(p - first[i]) > 1e-3), "the two models differ");
    for (const [mode, bytes] of [["swa", SWA_BYTES], ["checkpoint", CHECKPOINT_BYTES]] as const) {
      const expected = await predictProbabilities(decodeModel(bytes), x, [64]);
      const answer = await predict(
        { kv: stores.kv, workers },
        "m",
        request({
          inputs: rowsOf(x),
          mode,
        }),
      );
      assert.deepEqual([answer.model, answer.version, answer.mode, answer.samples], [
        "m",
        1,
        mode,
        1,
      ]);
      assert.equal(answer.predictions.length, 150);
      answer.predictions.forEach((p, r) => {
        const want = expected.subarray(r * 10, (r + 1) * 10);
        assert.ok("probabilities" in p);
        assertClose(p.probabilities, want, `${mode} row ${r}`);
        const best = want.indexOf(Math.max(...want));
        assert.deepEqual([p.labelIndex, p.label], [best, DIGITS[best]], `${mode} row ${r}`);
        assert.equal(p.uncertainty, undefined);
      });
    }
  });
});

Deno.test("runMode on exactly 64 and 65 rows gives the rows' own answers (chunk boundary)", async () => {
  await withServing(async ({ stores, workers }) => {
    const model = await getModel(stores.kv, "m");
    const x = digitsRows(manifest.data.test_indices.slice(100, 165));
    const expected = await predictProbabilities(decodeModel(SWA_BYTES), x, [64]);
    for (const rows of [64, 65, 1]) {
      const { summary, samples } = await runMode(
        workers,
        model,
        VERSION,
        "swa",
        x.subarray(0, rows * 64),
        rows,
      );
      assert.equal(samples, 1);
      assert.equal(summary.task, "classification");
      if (summary.task !== "classification") return;
      assertClose(
        Array.from(summary.summary.probabilities),
        expected.subarray(0, rows * 10),
        `${rows} rows`,
      );
    }
  });
});

Deno.test("predict refuses before any worker call: no live version (409), too many samples (422), a bad row (400)", async () => {
  await withServing(async ({ stores, workers }) => {
    const deps = { kv: stores.kv, workers };
    const rows = rowsOf(digitsRows([0, 1]));
    const none = await rejectsDomainError(
      predict(deps, "m", request({ inputs: rows })),
      "conflict",
      "no_live_version",
    );
    assert.match(none.detail, /'m' has no live version/);
    await makeLive(stores, 1);
    // Version 1 holds 4 samples per run; no swag worker model is needed to refuse 5.
    for (const mode of ["swag", "multiswag"] as const) {
      const err = await rejectsDomainError(
        predict(deps, "m", request({ inputs: rows, mode, samples: 5 })),
        "unprocessable",
        "too_many_samples",
      );
      assert.deepEqual(err.extra, { available: 4 });
    }
    const bad = await rejectsDomainError(
      predict(deps, "m", request({ inputs: [rows[0], rows[1].slice(1)] })),
      "invalid",
      "input_row_size",
    );
    assert.deepEqual(bad.extra, { row: 1, expected: 64, got: 63 });
    await rejectsDomainError(
      predict(deps, "unknown", request({ inputs: rows })),
      "not_found",
      "model_not_found",
    );
  });
});

Deno.test("a live version that is not READY is 409 version_not_ready; one the pool lacks is 409 version_not_loaded", async () => {
  await withServing(async ({ stores, workers }) => {
    const deps = { kv: stores.kv, workers };
    const rows = rowsOf(digitsRows([0]));
    await putVersion(stores.kv, "m", { ...VERSION, version: 2, status: "BUILDING" });
    await makeLive(stores, 2);
    await rejectsDomainError(
      predict(deps, "m", request({ inputs: rows })),
      "conflict",
      "version_not_ready",
    );
    // Version 2 READY in the catalog, but the pool serves only version 1 of the worker model.
    await putVersion(stores.kv, "m", { ...VERSION, version: 2 });
    const err = await rejectsDomainError(
      predict(deps, "m", request({ inputs: rows })),
      "conflict",
      "version_not_loaded",
    );
    assert.match(err.detail, /version 2 is not loaded/);
  });
});

Deno.test("a classifier ending in Softmax is answered its own probabilities, not their softmax", async () => {
  await withServing(async ({ stores, workers, publisher }) => {
    const bytes = encodeModel(
      buildMlpClassifier({ name: "p", inputSize: 64, hiddenSizes: [16], numClasses: 10, seed: 5 }),
    );
    await stores.artifacts.put(versionArtifact("m", 3, "swa.onnx"), bytes);
    await publisher.serve(VERSION.served.swa, [
      { version: 1, artifact: versionArtifact("m", 1, "swa.onnx") },
      { version: 3, artifact: versionArtifact("m", 3, "swa.onnx") },
    ]);
    await putVersion(stores.kv, "m", {
      ...VERSION,
      version: 3,
      outputName: "probabilities",
      outputIsProbability: true,
    });
    await makeLive(stores, 3);
    const x = digitsRows(manifest.data.test_indices.slice(0, 70));
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ input: new ort.Tensor("float32", x, [70, 64]) });
    await session.release();
    const expected = out.probabilities.data as Float32Array;
    const answer = await predict({ kv: stores.kv, workers }, "m", request({ inputs: rowsOf(x) }));
    assert.equal(answer.version, 3);
    answer.predictions.forEach((p, r) => {
      assert.ok("probabilities" in p);
      assertClose(p.probabilities, expected.subarray(r * 10, (r + 1) * 10), `row ${r}`);
    });
  });
});

Deno.test("a worker's refusal maps to the service's terms: busy stays retryable, gone is 409", () => {
  const problem = (status: number, code: string) => ({
    type: `https://edgeml.dev/problems/${code}`,
    title: code,
    status,
    code,
    detail: `${code} detail`,
  });
  const busy = fromWorker(new OipError(503, problem(503, "queue_full"), "2"), VERSION);
  assert.deepEqual([busy.kind, busy.code, busy.retryAfterSeconds], [
    "unavailable",
    "workers_busy",
    2,
  ]);
  const gone = fromWorker(new OipError(404, problem(404, "model_not_found")), VERSION);
  assert.deepEqual([gone.kind, gone.code], ["conflict", "version_not_loaded"]);
  const broken = fromWorker(new OipError(400, problem(400, "invalid_shape")), VERSION);
  assert.deepEqual([broken.kind, broken.code], ["failed", "worker_error"]);
});
