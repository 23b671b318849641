/**
 * The serving set against a real pool: after each change of the catalog (a new live version, a
 * version being built, a rollback, a delete) every worker model of the model serves exactly the
 * live version, the previous live one and the one being built.
 */
import assert from "node:assert/strict";
import type { PoolServer } from "@edgeml/gpu-workers";
import type { TenantStores } from "@edgeml/shared/store";
import {
  insertModel,
  type ModelRecord,
  putVersion,
  servedModelNames,
  updateModel,
  type VersionRecord,
} from "../domain/catalog.ts";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { applyServingSet, servedFiles, versionArtifact } from "./serving_set.ts";
import { manifest, readFixture } from "./testing/fixtures.ts";
import { withStoresAndPool } from "../testing/temp_stores.ts";

type Pool = PoolServer["pool"];
const ONNX = readFixture(manifest.models.mlp.runs[0].checkpoints[0].file);

const MODEL: ModelRecord = {
  name: "s",
  task: "classification",
  input: { shape: [64] },
  labels: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  regressionVariance: "none",
  averaging: { strategy: "equal", decay: 0.999, useBuffers: false },
  swagRank: 5,
  createdAt: "2024-01-01T00:00:00.000Z",
  liveVersion: null,
  liveHistory: [],
  nextVersion: 1,
};

const version = (
  v: number,
  { runs = 1, status = "READY" }: { runs?: number; status?: VersionRecord["status"] } = {},
): VersionRecord => ({
  version: v,
  status,
  runs: Array.from({ length: runs }, (_, i) => ({ run: `run-${i}`, checkpoints: 3 })),
  samples: 2,
  scale: 0.5,
  covariance: true,
  seed: 0,
  dropout: "inference",
  jobId: `job-${v}`,
  createdAt: "2024-01-02T00:00:00.000Z",
  served: servedModelNames("s", runs),
  inputName: "input",
  outputName: "logits",
  outputWidth: 10,
});

interface Setup {
  stores: TenantStores;
  pool: Pool;
  publisher: ModelPublisher;
  /** Puts a version's record in the catalog and its built files in the artifact store. */
  addVersion(record: VersionRecord): Promise<void>;
}

async function withServingSet(fn: (s: Setup) => Promise<void>) {
  await withStoresAndPool(async ({ stores, pool, publisher }) => {
    await insertModel(stores.kv, MODEL);
    await fn({
      stores,
      pool,
      publisher,
      async addVersion(record) {
        for (const { file } of servedFiles(record)) {
          await stores.artifacts.put(versionArtifact("s", record.version, file), ONNX);
        }
        await putVersion(stores.kv, "s", record);
      },
    });
  });
}

/** Versions the pool serves of each of the model's worker models (absent: none). */
async function servedVersions(pool: Pool): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const e of await pool.index(true)) {
    if (e.name.startsWith("swa-s-") && e.version) (out[e.name] ??= []).push(Number(e.version));
  }
  for (const list of Object.values(out)) list.sort((a, b) => a - b);
  return out;
}

const setLive = (stores: TenantStores, live: number, history: number[]) =>
  updateModel(stores.kv, "s", (r) => ({ ...r, liveVersion: live, liveHistory: history }));

const all = (
  versions: number[],
  swag: Record<string, number[]> = { "swa-s-swag-0": versions },
) => ({
  "swa-s-swa": versions,
  "swa-s-checkpoint": versions,
  ...swag,
});

Deno.test("the live and the previous live version serve; older and failed versions do not", async () => {
  await withServingSet(async ({ stores, pool, publisher, addVersion }) => {
    for (const v of [1, 2, 3]) await addVersion(version(v));
    await addVersion(version(4, { status: "FAILED" }));
    await setLive(stores, 3, [1, 2]);
    await applyServingSet(stores, publisher, "s");
    assert.deepEqual(await servedVersions(pool), all([2, 3]));
    // Nothing live yet is nothing served.
    await updateModel(stores.kv, "s", (r) => ({ ...r, liveVersion: null, liveHistory: [] }));
    await applyServingSet(stores, publisher, "s");
    assert.deepEqual(await servedVersions(pool), {});
  });
});

Deno.test("a version being built serves beside them (extra); a rollback then serves the older pair", async () => {
  await withServingSet(async ({ stores, pool, publisher, addVersion }) => {
    for (const v of [1, 2, 3]) await addVersion(version(v));
    await setLive(stores, 2, [1]);
    const building = version(4, { status: "BUILDING" });
    await addVersion(building);
    await applyServingSet(stores, publisher, "s", { extra: building });
    assert.deepEqual(await servedVersions(pool), all([1, 2, 4]));
    // Built and made live: 4 and the previous live 2.
    await putVersion(stores.kv, "s", { ...building, status: "READY" });
    await setLive(stores, 4, [1, 2]);
    await applyServingSet(stores, publisher, "s");
    assert.deepEqual(await servedVersions(pool), all([2, 4]));
    // Rolled back to 2: its predecessor in the history (1) serves beside it, 4 no longer.
    await setLive(stores, 2, [1]);
    await applyServingSet(stores, publisher, "s");
    assert.deepEqual(await servedVersions(pool), all([1, 2]));
  });
});

Deno.test("a version about to be deleted (forget) is unloaded even while its record is there", async () => {
  await withServingSet(async ({ stores, pool, publisher, addVersion }) => {
    for (const v of [1, 2]) await addVersion(version(v));
    await setLive(stores, 2, [1]);
    await applyServingSet(stores, publisher, "s");
    assert.deepEqual(await servedVersions(pool), all([1, 2]));
    await applyServingSet(stores, publisher, "s", { forget: [version(1)] });
    assert.deepEqual(await servedVersions(pool), all([2]));
  });
});

Deno.test("worker models only some versions use (a second run's SWAG graph) are unloaded when those leave", async () => {
  await withServingSet(async ({ stores, pool, publisher, addVersion }) => {
    await addVersion(version(1, { runs: 2 }));
    await addVersion(version(2));
    await setLive(stores, 2, [1]);
    await applyServingSet(stores, publisher, "s");
    assert.deepEqual(
      await servedVersions(pool),
      all([1, 2], { "swa-s-swag-0": [1, 2], "swa-s-swag-1": [1] }),
    );
    await addVersion(version(3));
    await setLive(stores, 3, [1, 2]);
    await applyServingSet(stores, publisher, "s");
    assert.deepEqual(await servedVersions(pool), all([2, 3]));
  });
});
