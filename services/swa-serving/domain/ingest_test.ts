/**
 * Registering SWA models and folding uploaded checkpoints into a run, on a real store: counts
 * grow one per accepted upload, concurrent uploads to one run all land once, and a refused
 * upload changes nothing.
 */
import assert from "node:assert/strict";
import { CreateSwaModelRequest } from "@edgeml/shared/contracts/swa";
import { buildMlpClassifier, encodeModel, setInitializer } from "@edgeml/shared/onnx";
import type { TenantStores } from "@edgeml/shared/store";
import { collectSwag, createAverage, createSwag, updateAverage } from "@edgeml/shared/swa";
import { rejectsDomainError } from "@edgeml/shared/testing";
import { fixtureCheckpoints, manifest, readFixture } from "../control/testing/fixtures.ts";
import { getModel, type ModelRecord } from "./catalog.ts";
import { ingestCheckpoint, listRuns, registerModel } from "./ingest.ts";
import { loadRunState } from "./run_state.ts";
import { withStores } from "@edgeml/shared/testing";

const MLP = manifest.models.mlp;
const UPLOADS = MLP.runs[0].checkpoints.map((c) => readFixture(c.file));
const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
const MAX_BYTES = 1 << 24;

const request = (over: Record<string, unknown> = {}) =>
  CreateSwaModelRequest.parse({
    name: "digits",
    task: "classification",
    input: { shape: [64] },
    labels: DIGITS,
    swagRank: MLP.swag_K,
    ...over,
  });

async function registered(stores: TenantStores): Promise<ModelRecord> {
  await registerModel(stores, request());
  return await getModel(stores.kv, "digits");
}

Deno.test("registerModel stores the model with no live version and version 1 next", async () => {
  await withStores(async (stores) => {
    const view = await registerModel(stores, request());
    assert.equal(view.liveVersion, null);
    assert.deepEqual(view.runs, []);
    assert.deepEqual(view.labels, DIGITS);
    assert.ok(!("nextVersion" in view) && !("liveHistory" in view));
    const record = await getModel(stores.kv, "digits");
    assert.deepEqual([record.nextVersion, record.liveHistory], [1, []]);
    assert.deepEqual(record.averaging, { strategy: "equal", decay: 0.999, useBuffers: false });
    await rejectsDomainError(registerModel(stores, request()), "conflict", "model_exists");
  });
});

Deno.test("registerModel refuses a classifier without labels, repeated labels and a record past 60000 bytes", async () => {
  await withStores(async (stores) => {
    await rejectsDomainError(
      registerModel(stores, request({ labels: undefined })),
      "invalid",
      "labels_required",
    );
    await rejectsDomainError(
      registerModel(stores, request({ labels: ["cat", "dog", "cat"] })),
      "invalid",
      "duplicate_labels",
    );
    // 10000 labels of 20 characters: over 200 kB as JSON.
    const labels = Array.from({ length: 10_000 }, (_, i) => `label-${String(i).padStart(14, "0")}`);
    const err = await rejectsDomainError(
      registerModel(stores, request({ labels })),
      "unprocessable",
      "model_record_too_large",
    );
    assert.match(err.detail, /at most 60000 fit/);
    await rejectsDomainError(getModel(stores.kv, "digits"), "not_found", "model_not_found");
    // A regression model needs no labels.
    const view = await registerModel(
      stores,
      request({ name: "house", task: "regression", labels: undefined }),
    );
    assert.equal(view.task, "regression");
  });
});

Deno.test({
  // Deno KV stores the V8 serialisation (64 KiB limit), where a string holding any character
  // outside Latin-1 takes two bytes per character: 280 labels of 198 ASCII characters and one
  // '€' are about 57 kB as JSON but about 112 kB stored.
  name: "registerModel refuses labels whose stored form passes 64 KiB though their JSON does not",
  fn: async () => {
    await withStores(async (stores) => {
      const labels = Array.from(
        { length: 280 },
        (_, i) => `${"a".repeat(195)}${String(i).padStart(3, "0")}€`,
      );
      await rejectsDomainError(
        registerModel(stores, request({ labels })),
        "unprocessable",
        "model_record_too_large",
      );
    });
  },
});

Deno.test("ingestCheckpoint: each accepted upload adds one checkpoint; SWAG rows stop at K", async () => {
  await withStores(async (stores) => {
    const model = await registered(stores);
    const answers = [];
    for (const bytes of UPLOADS.slice(0, 7)) {
      answers.push(await ingestCheckpoint(stores, model, "run-1", bytes, MAX_BYTES));
    }
    assert.deepEqual(
      answers.map((a) => [a.checkpoints, a.swagRows]),
      [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 5], [7, 5]],
    );
    assert.deepEqual(answers[6], {
      model: "digits",
      run: "run-1",
      checkpoints: 7,
      swagRows: 5,
      bytes: UPLOADS[6].byteLength,
    });
    const [run] = await listRuns(stores, "digits");
    assert.deepEqual([run.run, run.checkpoints, run.swagRows], ["run-1", 7, 5]);
  });
});

/** The state after folding `count` fixture checkpoints in order, computed apart from ingest. */
function expectedAfter(count: number) {
  const checkpoints = fixtureCheckpoints(MLP, 0).slice(0, count);
  return {
    average: checkpoints.reduce(
      (s, c) => updateAverage(s, c),
      createAverage({ strategy: "equal", decay: 0.999, useBuffers: false }),
    ),
    swag: checkpoints.reduce((s, c) => collectSwag(s, c), createSwag({ maxRows: MLP.swag_K })),
  };
}

Deno.test("concurrent uploads to one run all land exactly once, folded in call order", async () => {
  await withStores(async (stores) => {
    const model = await registered(stores);
    const n = UPLOADS.length;
    const answers = await Promise.all(
      UPLOADS.map((bytes) => ingestCheckpoint(stores, model, "run-1", bytes, MAX_BYTES)),
    );
    assert.deepEqual(answers.map((a) => a.checkpoints), Array.from({ length: n }, (_, i) => i + 1));
    assert.equal((await listRuns(stores, "digits"))[0].checkpoints, n);
    const state = (await loadRunState(stores, "digits", "run-1"))!;
    const expected = expectedAfter(n);
    assert.equal(state.average.n, n);
    assert.deepEqual(state.average.tensors, expected.average.tensors);
    assert.deepEqual(state.swag.mean, expected.swag.mean);
    assert.deepEqual(state.swag.deviations, expected.swag.deviations);
    assert.deepEqual(state.checkpoint, UPLOADS[n - 1]);
    // Another run of the same model is its own count.
    const other = await ingestCheckpoint(stores, model, "run-2", UPLOADS[0], MAX_BYTES);
    assert.equal(other.checkpoints, 1);
  });
});

Deno.test("a second process's uploads to the same run are never lost: each lands or is refused with 409", async () => {
  await withStores(async (stores) => {
    const model = await registered(stores);
    // A second copy of the module has its own per-run queue, as another process would.
    const other: typeof import("./ingest.ts") = await import("./ingest.ts?second-process");
    const results = await Promise.allSettled(
      UPLOADS.slice(0, 6).map((bytes, i) =>
        (i % 2 ? other.ingestCheckpoint : ingestCheckpoint)(
          stores,
          model,
          "run-1",
          bytes,
          MAX_BYTES,
        )
      ),
    );
    const landed = results.filter((r) => r.status === "fulfilled").map((r) => r.value.checkpoints);
    for (const r of results) {
      if (r.status === "rejected") {
        assert.equal(r.reason.code, "swa_state_conflict", String(r.reason));
      }
    }
    assert.ok(landed.length >= 1);
    // The counts that were answered are 1..k, each once, and the run holds k checkpoints.
    assert.deepEqual(
      [...landed].sort((a, b) => a - b),
      Array.from({ length: landed.length }, (_, i) => i + 1),
    );
    assert.equal((await listRuns(stores, "digits"))[0].checkpoints, landed.length);
  });
});

Deno.test("a refused upload leaves the run as it was; the next accepted one counts on from there", async () => {
  await withStores(async (stores) => {
    const model = await registered(stores);
    await ingestCheckpoint(stores, model, "run-1", UPLOADS[0], MAX_BYTES);
    await ingestCheckpoint(stores, model, "run-1", UPLOADS[1], MAX_BYTES);
    const nan = fixtureCheckpoints(MLP, 0)[2].model;
    setInitializer(nan, "fc2.bias", new Float32Array(32).fill(NaN));
    const otherGraph = encodeModel(
      buildMlpClassifier({ name: "x", inputSize: 64, hiddenSizes: [16], numClasses: 10, seed: 1 }),
    );
    const refusals: [Uint8Array, number, string, string][] = [
      [new Uint8Array([1, 2, 3, 4]), MAX_BYTES, "invalid", "invalid_onnx"],
      [UPLOADS[2], 1000, "too_large", "checkpoint_too_large"],
      [encodeModel(nan), MAX_BYTES, "unprocessable", "non_finite_weights"],
      [
        readFixture(manifest.models.cnn.runs[0].checkpoints[0].file),
        MAX_BYTES,
        "unprocessable",
        "input_shape_mismatch",
      ],
      [otherGraph, MAX_BYTES, "unprocessable", "architecture_mismatch"],
    ];
    for (const [bytes, maxBytes, kind, code] of refusals) {
      const err = await rejectsDomainError(
        ingestCheckpoint(stores, model, "run-1", bytes, maxBytes),
        kind as "invalid",
        code,
      );
      // The upload is named as the third of its run.
      if (code !== "input_shape_mismatch") assert.match(err.detail, /checkpoint 3 of run 'run-1'/);
      assert.equal((await listRuns(stores, "digits"))[0].checkpoints, 2, code);
    }
    const state = (await loadRunState(stores, "digits", "run-1"))!;
    assert.deepEqual(state.average.tensors, expectedAfter(2).average.tensors);
    assert.deepEqual(state.checkpoint, UPLOADS[1]);
    const next = await ingestCheckpoint(stores, model, "run-1", UPLOADS[2], MAX_BYTES);
    assert.equal(next.checkpoints, 3);
    // A refused first upload leaves no run at all.
    await rejectsDomainError(
      ingestCheckpoint(stores, model, "run-9", new Uint8Array([0]), MAX_BYTES),
      "invalid",
      "invalid_onnx",
    );
    assert.deepEqual((await listRuns(stores, "digits")).map((r) => r.run), ["run-1"]);
  });
});
