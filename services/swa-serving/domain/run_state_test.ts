/**
 * A run's SWA + SWAG state on a real store: what is saved is what loads (tensors, moments,
 * deviation rows, checkpoint bytes), listings follow the committed pointers, and files that no
 * pointer names are never read.
 */
import assert from "node:assert/strict";
import {
  type AverageOptions,
  type Checkpoint,
  collectSwag,
  createAverage,
  createSwag,
  readCheckpoint,
  updateAverage,
} from "@edgeml/shared/swa";
import { saveAverage } from "../control/state_store.ts";
import { fixtureCheckpoints, manifest, readFixture } from "../control/testing/fixtures.ts";
import { listRuns, loadRunState, type RunState, saveRunState } from "./run_state.ts";
import { withStores } from "@edgeml/shared/testing";

const MLP = manifest.models.mlp;
const FILES = MLP.runs[0].checkpoints.map((c) => c.file);
const CHECKPOINTS = fixtureCheckpoints(MLP, 0);

/** The state after the first `count` fixture checkpoints of run 0, as ingestion builds it. */
function stateOf(
  count: number,
  { averaging = { strategy: "equal" }, maxRows = MLP.swag_K }: {
    averaging?: AverageOptions;
    maxRows?: number;
  } = {},
): RunState {
  let average = createAverage(averaging);
  let swag = createSwag({ maxRows });
  for (const checkpoint of CHECKPOINTS.slice(0, count)) {
    average = updateAverage(average, checkpoint);
    swag = collectSwag(swag, checkpoint);
  }
  return { average, swag, checkpoint: readFixture(FILES[count - 1]) };
}

const tensorsOf = (c: Checkpoint) => c.tensors.map((t) => [t.name, t.data] as const);

function assertSameState(actual: RunState | undefined, expected: RunState) {
  assert.ok(actual, "a saved state loads");
  assert.deepEqual(actual.checkpoint, expected.checkpoint);
  assert.equal(actual.average.n, expected.average.n);
  assert.deepEqual(actual.average.options, expected.average.options);
  assert.deepEqual(
    [...actual.average.tensors].sort(([a], [b]) => a < b ? -1 : 1),
    [...expected.average.tensors].sort(([a], [b]) => a < b ? -1 : 1),
  );
  assert.deepEqual(
    [actual.swag.maxRows, actual.swag.n, actual.swag.layout],
    [expected.swag.maxRows, expected.swag.n, expected.swag.layout],
  );
  assert.deepEqual(actual.swag.mean, expected.swag.mean);
  assert.deepEqual(actual.swag.sqMean, expected.swag.sqMean);
  assert.deepEqual(actual.swag.deviations, expected.swag.deviations);
  // The latest checkpoint (architecture reference) is the uploaded one, weight for weight.
  assert.deepEqual(tensorsOf(actual.average.latest!), tensorsOf(expected.average.latest!));
  assert.deepEqual(tensorsOf(actual.swag.latest!), tensorsOf(expected.swag.latest!));
}

Deno.test("a saved run state loads back equal: tensors, moments, deviation rows, checkpoint bytes", async () => {
  await withStores(async (stores) => {
    assert.equal(await loadRunState(stores, "mlp", "run-1"), undefined);
    // 7 checkpoints into K = 5 rows: the deviation window has slid past the first two.
    const state = stateOf(7, { averaging: { strategy: "ema", decay: 0.9, useBuffers: true } });
    assert.equal(state.swag.deviations.length, 5);
    const summary = await saveRunState(stores, "mlp", "run-1", state);
    assert.deepEqual([summary.run, summary.checkpoints, summary.swagRows], ["run-1", 7, 5]);
    assertSameState(await loadRunState(stores, "mlp", "run-1"), state);
    // The loaded state continues as the saved one would: one more checkpoint, same result.
    const loaded = (await loadRunState(stores, "mlp", "run-1"))!;
    const next = stateOf(8, { averaging: { strategy: "ema", decay: 0.9, useBuffers: true } });
    assertSameState({
      average: updateAverage(loaded.average, CHECKPOINTS[7]),
      swag: collectSwag(loaded.swag, CHECKPOINTS[7]),
      checkpoint: readFixture(FILES[7]),
    }, next);
  });
});

Deno.test("a later save replaces the state; a state with no deviation rows (K = 0) round-trips", async () => {
  await withStores(async (stores) => {
    await saveRunState(stores, "mlp", "run-1", stateOf(2));
    await saveRunState(stores, "mlp", "run-1", stateOf(3));
    assertSameState(await loadRunState(stores, "mlp", "run-1"), stateOf(3));
    const diagonal = stateOf(3, { maxRows: 0 });
    await saveRunState(stores, "mlp", "run-k0", diagonal);
    const loaded = await loadRunState(stores, "mlp", "run-k0");
    assertSameState(loaded, diagonal);
    assert.deepEqual(loaded!.swag.deviations, []);
  });
});

Deno.test("listRuns: the model's run summaries in name order, without other models' or other kinds of state", async () => {
  await withStores(async (stores) => {
    await saveRunState(stores, "mlp", "run-b", stateOf(2));
    await saveRunState(stores, "mlp", "run-a", stateOf(1));
    await saveRunState(stores, "mlp", "run-10", stateOf(3, { maxRows: 2 }));
    await saveRunState(stores, "mlp", "run-a", stateOf(4));
    await saveRunState(stores, "mlp-2", "run-0", stateOf(1));
    // A running average alone (the state store's other kind) is not a run of this service.
    await saveAverage({ ...stores, model: "mlp", run: "run-avg" }, stateOf(1).average);
    const runs = await listRuns(stores, "mlp");
    assert.deepEqual(
      runs.map(({ run, checkpoints, swagRows }) => ({ run, checkpoints, swagRows })),
      [
        { run: "run-10", checkpoints: 3, swagRows: 2 },
        { run: "run-a", checkpoints: 4, swagRows: 4 },
        { run: "run-b", checkpoints: 2, swagRows: 2 },
      ],
    );
    for (const r of runs) assert.ok(!Number.isNaN(Date.parse(r.updatedAt)), r.updatedAt);
    assert.deepEqual((await listRuns(stores, "mlp-2")).map((r) => r.run), ["run-0"]);
    assert.deepEqual(await listRuns(stores, "none"), []);
  });
});

Deno.test("files of a save whose pointer never moved are never read; the next save takes over", async () => {
  await withStores(async (stores) => {
    await saveRunState(stores, "mlp", "run-1", stateOf(1));
    await saveRunState(stores, "mlp", "run-1", stateOf(2)); // generation 2 is current
    // A save of 5 checkpoints that wrote every file of generation 3 and died before the pointer:
    // its files are those a complete save writes (taken from another model's folder).
    await saveRunState(stores, "donor", "run-1", stateOf(5));
    const donor = await Array.fromAsync(stores.artifacts.list("swa/donor/run-1/"));
    assert.equal(donor.length, 6);
    for (const { path } of donor) {
      const name = path.slice(path.lastIndexOf("/") + 1);
      await stores.artifacts.put(
        `swa/mlp/run-1/gen-000003/${name}`,
        (await stores.artifacts.get(path))!,
      );
    }
    assertSameState(await loadRunState(stores, "mlp", "run-1"), stateOf(2));
    assert.deepEqual(
      (await listRuns(stores, "mlp")).map((r) => [r.run, r.checkpoints]),
      [["run-1", 2]],
    );
    // The next real save is what is read afterwards, and the run's folder holds only it.
    await saveRunState(stores, "mlp", "run-1", stateOf(3));
    assertSameState(await loadRunState(stores, "mlp", "run-1"), stateOf(3));
    const folders = new Set(
      (await Array.fromAsync(stores.artifacts.list("swa/mlp/run-1/"))).map((i) =>
        i.path.split("/")[3]
      ),
    );
    assert.equal(folders.size, 1);
  });
});

Deno.test("the stored checkpoint is the upload's exact bytes (a valid model of the run's graph)", async () => {
  await withStores(async (stores) => {
    await saveRunState(stores, "mlp", "run-1", stateOf(4));
    const loaded = (await loadRunState(stores, "mlp", "run-1"))!;
    assert.deepEqual(loaded.checkpoint, readFixture(FILES[3]));
    assert.deepEqual(tensorsOf(readCheckpoint(loaded.checkpoint)), tensorsOf(CHECKPOINTS[3]));
  });
});
