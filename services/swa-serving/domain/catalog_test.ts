/** The SWA catalog on a real (temp-file) Deno KV store: records, their 404s and the model CAS. */
import assert from "node:assert/strict";
import type { SwaJob } from "@edgeml/shared/contracts/swa";
import { rejectsDomainError } from "@edgeml/shared/testing";
import {
  getJob,
  getModel,
  getVersion,
  insertModel,
  listVersions,
  type ModelRecord,
  putJob,
  putVersion,
  servedModelNames,
  updateModel,
  type VersionRecord,
  versionView,
} from "./catalog.ts";
import { withStores } from "@edgeml/shared/testing";

const model = (name: string, over: Partial<ModelRecord> = {}): ModelRecord => ({
  name,
  task: "classification",
  input: { shape: [64] },
  labels: ["a", "b"],
  regressionVariance: "none",
  averaging: { strategy: "equal", decay: 0.999, useBuffers: false },
  swagRank: 20,
  createdAt: "2024-01-01T00:00:00.000Z",
  liveVersion: null,
  liveHistory: [],
  nextVersion: 1,
  ...over,
});

const version = (name: string, v: number, over: Partial<VersionRecord> = {}): VersionRecord => ({
  version: v,
  status: "READY",
  runs: [{ run: "run-1", checkpoints: 3 }],
  samples: 4,
  scale: 0.5,
  covariance: true,
  seed: 7,
  dropout: "inference",
  jobId: `job-${v}`,
  createdAt: "2024-01-02T00:00:00.000Z",
  served: servedModelNames(name, 1),
  inputName: "input",
  outputName: "logits",
  outputWidth: 2,
  ...over,
});

Deno.test("insertModel refuses a second model of the same name with 409 model_exists, keeping the first", async () => {
  await withStores(async ({ kv }) => {
    await insertModel(kv, model("digits", { swagRank: 5 }));
    const err = await rejectsDomainError(
      insertModel(kv, model("digits", { swagRank: 9 })),
      "conflict",
      "model_exists",
    );
    assert.match(err.detail, /'digits'/);
    assert.equal((await getModel(kv, "digits")).swagRank, 5);
  });
});

Deno.test("unknown model, version and job are 404s with their own codes", async () => {
  await withStores(async ({ kv }) => {
    await insertModel(kv, model("digits"));
    await putVersion(kv, "digits", version("digits", 1));
    await rejectsDomainError(getModel(kv, "nope"), "not_found", "model_not_found");
    await rejectsDomainError(getVersion(kv, "digits", 2), "not_found", "version_not_found");
    await rejectsDomainError(getVersion(kv, "nope", 1), "not_found", "version_not_found");
    await rejectsDomainError(getJob(kv, "job-x"), "not_found", "job_not_found");
    await rejectsDomainError(
      updateModel(kv, "nope", (r) => r),
      "not_found",
      "model_not_found",
    );
  });
});

Deno.test("records round-trip: the model, a version and a job read back as written", async () => {
  await withStores(async ({ kv }) => {
    const m = model("digits");
    const v = version("digits", 1, { failureReason: { code: "x", detail: "y" }, status: "FAILED" });
    const job: SwaJob = {
      jobId: "job-1",
      model: "digits",
      version: 1,
      status: "FAILED",
      progress: { fraction: 0.25, stage: "calibrating" },
      failureReason: { code: "x", detail: "y" },
      createdAt: "2024-01-02T00:00:00.000Z",
      updatedAt: "2024-01-02T00:01:00.000Z",
    };
    await insertModel(kv, m);
    await putVersion(kv, "digits", v);
    await putJob(kv, job);
    assert.deepEqual(await getModel(kv, "digits"), m);
    assert.deepEqual(await getVersion(kv, "digits", 1), v);
    assert.deepEqual(await getJob(kv, "job-1"), job);
  });
});

/** `n` writers increment nextVersion at once; each must commit exactly one of 2..n+1. */
async function concurrentIncrements(n: number) {
  await withStores(async ({ kv }) => {
    await insertModel(kv, model("digits"));
    const written = await Promise.all(
      Array.from(
        { length: n },
        () => updateModel(kv, "digits", (r) => ({ ...r, nextVersion: r.nextVersion + 1 })),
      ),
    );
    assert.deepEqual(
      written.map((r) => r.nextVersion).sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i + 2),
    );
    assert.equal((await getModel(kv, "digits")).nextVersion, n + 1);
  });
}

// Each failed attempt of a writer is a commit by another writer, so with 16 writers none can
// lose 16 times: this holds whatever the interleaving.
Deno.test("updateModel: 16 concurrent increments of nextVersion all land", async () => {
  await concurrentIncrements(16);
});

// More writers than compare-and-set attempts: writers in one process take turns, so none loses.
Deno.test("updateModel: 40 concurrent increments of nextVersion all land", async () => {
  await concurrentIncrements(40);
});

Deno.test("updateModel: a change that throws writes nothing and surfaces its error", async () => {
  await withStores(async ({ kv }) => {
    await insertModel(kv, model("digits", { nextVersion: 3 }));
    await assert.rejects(
      updateModel(kv, "digits", () => {
        throw new RangeError("refused");
      }),
      RangeError,
    );
    assert.equal((await getModel(kv, "digits")).nextVersion, 3);
  });
});

Deno.test("listVersions returns a model's versions in numeric order (10 after 9), no other model's", async () => {
  await withStores(async ({ kv }) => {
    for (const v of [10, 2, 9, 1]) await putVersion(kv, "digits", version("digits", v));
    await putVersion(kv, "digits-2", version("digits-2", 5));
    assert.deepEqual((await listVersions(kv, "digits")).map((v) => v.version), [1, 2, 9, 10]);
    assert.deepEqual((await listVersions(kv, "digits-2")).map((v) => v.version), [5]);
    assert.deepEqual(await listVersions(kv, "none"), []);
  });
});

Deno.test("versionView shows the contract's fields only, live when it is the model's live version", () => {
  const v = version("digits", 2, { failureReason: { code: "x", detail: "y" } });
  const expected = {
    version: 2,
    status: "READY",
    runs: [{ run: "run-1", checkpoints: 3 }],
    samples: 4,
    scale: 0.5,
    covariance: true,
    seed: 7,
    dropout: "inference",
    jobId: "job-2",
    createdAt: "2024-01-02T00:00:00.000Z",
  };
  assert.deepEqual(versionView(v, model("digits", { liveVersion: 2 })), {
    ...expected,
    live: true,
  });
  assert.deepEqual(versionView(v, model("digits", { liveVersion: 1 })), {
    ...expected,
    live: false,
  });
  assert.deepEqual(versionView(v, model("digits")), { ...expected, live: false });
});

Deno.test("servedModelNames: the worker models of a model with 3 runs", () => {
  assert.deepEqual(servedModelNames("digits", 3), {
    swa: "swa-digits-swa",
    checkpoint: "swa-digits-checkpoint",
    swag: ["swa-digits-swag-0", "swa-digits-swag-1", "swa-digits-swag-2"],
  });
});
