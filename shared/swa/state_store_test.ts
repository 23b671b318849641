import assert from "node:assert/strict";
import { join } from "node:path";
import { createAverage, updateAverage } from "./averaging.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { loadAverage, loadSwag, saveAverage, saveSwag } from "./state_store.ts";
import { collectSwag, createSwag } from "./swag.ts";
import { bnMlpCheckpoint } from "./testing/tiny_models.ts";

const checkpoints = [1, 2, 3].map((seed) => readCheckpoint(bnMlpCheckpoint(seed)));

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "swa-state-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a running average survives a restart: save, load, keep averaging, same result", async () => {
  await withDir(async (dir) => {
    assert.equal(await loadAverage(dir), undefined);
    const options = { strategy: "equal" as const };
    const two = updateAverage(
      updateAverage(createAverage(options), checkpoints[0]),
      checkpoints[1],
    );
    await saveAverage(dir, two);
    const restored = (await loadAverage(dir))!;
    assert.equal(restored.n, 2);
    assert.deepEqual(restored.options, two.options);
    const continued = updateAverage(restored, checkpoints[2]);
    const direct = updateAverage(two, checkpoints[2]);
    for (const [name, data] of direct.tensors) {
      assert.deepEqual(continued.tensors.get(name), data, name);
    }
    // Plain files: an ONNX model and JSON behind a CURRENT pointer.
    const current = (await Deno.readTextFile(join(dir, "CURRENT"))).trim();
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, current, "state.json"))).n, 2);
  });
});

Deno.test("a save that dies half-way leaves the previous state readable", async () => {
  await withDir(async (dir) => {
    const one = updateAverage(createAverage({ strategy: "equal" }), checkpoints[0]);
    await saveAverage(dir, one);
    // Simulate a crash after writing part of the next generation, before CURRENT moved.
    await Deno.mkdir(join(dir, "gen-000002"));
    await Deno.writeTextFile(join(dir, "gen-000002", "average.onnx"), "half a fi");
    const restored = (await loadAverage(dir))!;
    assert.equal(restored.n, 1);
    // The next real save replaces the debris and moves on.
    await saveAverage(dir, updateAverage(restored, checkpoints[1]));
    assert.equal((await loadAverage(dir))!.n, 2);
    const gens = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name);
    assert.deepEqual(gens, ["gen-000002"]);
  });
});

Deno.test("SWAG state round-trips: moments, deviation rows, K and the parameter layout", async () => {
  await withDir(async (dir) => {
    const state = checkpoints.reduce((s, c) => collectSwag(s, c), createSwag({ maxRows: 2 }));
    await saveSwag(dir, state);
    const restored = (await loadSwag(dir))!;
    assert.equal(restored.n, 3);
    assert.equal(restored.maxRows, 2);
    assert.deepEqual(restored.layout, state.layout);
    assert.deepEqual(restored.mean, state.mean);
    assert.deepEqual(restored.sqMean, state.sqMean);
    assert.deepEqual(restored.deviations, state.deviations);
    const next = collectSwag(restored, readCheckpoint(bnMlpCheckpoint(4)));
    const direct = collectSwag(state, readCheckpoint(bnMlpCheckpoint(4)));
    assert.deepEqual(next.mean, direct.mean);
    assert.deepEqual(next.deviations, direct.deviations);
  });
});
