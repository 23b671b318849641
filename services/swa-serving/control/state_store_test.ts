import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import type { ArtifactBody, TenantArtifactStore } from "@edgeml/shared/store";
import {
  type AverageState,
  collectSwag,
  createAverage,
  createSwag,
  readCheckpoint,
  updateAverage,
} from "@edgeml/shared/swa";
import { loadAverage, loadSwag, saveAverage, saveSwag } from "./state_store.ts";
import { openState } from "./testing/swa_state.ts";
import { bnMlpCheckpoint } from "@edgeml/shared/swa/testing";

const checkpoints = [1, 2, 3, 4].map((seed) => readCheckpoint(bnMlpCheckpoint(seed)));
const FOLDER = "swa/bn_mlp/run-1/";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "swa-state-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function assertSameAverage(actual: AverageState, expected: AverageState) {
  assert.equal(actual.n, expected.n);
  for (const [name, data] of expected.tensors) {
    assert.deepEqual(actual.tensors.get(name), data, name);
  }
}

const averageOf = (count: number) =>
  checkpoints.slice(0, count).reduce(
    (s, c) => updateAverage(s, c),
    createAverage({ strategy: "equal" }),
  );

const paths = async (artifacts: TenantArtifactStore) =>
  (await Array.fromAsync(artifacts.list(FOLDER))).map((i) => i.path);

Deno.test("a running average survives restarts mid-stream: same result as without them", async () => {
  await withDir(async (dir) => {
    for (const [i, checkpoint] of checkpoints.entries()) {
      // Each checkpoint is handled by a fresh process: open the stores, load, update, save.
      const { where, close } = await openState(dir);
      try {
        const state = (await loadAverage(where)) ?? createAverage({ strategy: "equal" });
        assert.equal(state.n, i);
        await saveAverage(where, updateAverage(state, checkpoint));
      } finally {
        close();
      }
    }
    const { where, close } = await openState(dir);
    try {
      assertSameAverage((await loadAverage(where))!, averageOf(4));
    } finally {
      close();
    }
  });
});

Deno.test("state is plain artifacts under the tenant; CURRENT is a KV key under the tenant", async () => {
  await withDir(async (dir) => {
    const { where, kv, close } = await openState(dir);
    try {
      assert.equal(await loadAverage(where), undefined);
      await saveAverage(where, averageOf(1));
      await saveAverage(where, averageOf(2));
      const gen = `${dir}/artifacts/default/swa/bn_mlp/run-1/gen-000002`;
      const meta = JSON.parse(await Deno.readTextFile(`${gen}/state.json`));
      assert.deepEqual([meta.kind, meta.n], ["average", 2]);
      readCheckpoint(await Deno.readFile(`${gen}/average.onnx`)); // a loadable ONNX model
      assert.deepEqual(
        (await kv.get(["default", "swa", "bn_mlp", "run-1", "current"])).value,
        { generation: 2, kind: "average" },
      );
      // Only the current generation is kept.
      assert.deepEqual(await paths(where.artifacts), [
        `${FOLDER}gen-000002/average.onnx`,
        `${FOLDER}gen-000002/state.json`,
      ]);
      // Another tenant sees none of it.
      const other = await openState(dir, "other");
      assert.equal(await loadAverage(other.where), undefined);
      other.close();
    } finally {
      close();
    }
  });
});

/** The tenant's artifacts, except that put number `crashAt` writes half its bytes and throws. */
function crashingAt(artifacts: TenantArtifactStore, crashAt: number): TenantArtifactStore {
  let puts = 0;
  return {
    ...artifacts,
    async put(path: string, body: ArtifactBody) {
      if (++puts < crashAt) return await artifacts.put(path, body);
      const bytes = body as Uint8Array;
      await artifacts.put(path, bytes.subarray(0, bytes.byteLength >> 1));
      throw new Error("simulated crash");
    },
  };
}

Deno.test("a save that dies half-way never becomes current; the previous state loads after a restart", async () => {
  await withDir(async (dir) => {
    const first = await openState(dir);
    await saveAverage(first.where, averageOf(1));
    const crashing = { ...first.where, artifacts: crashingAt(first.where.artifacts, 2) };
    await assert.rejects(saveAverage(crashing, averageOf(2)), /simulated crash/);
    // The half-written generation is there (its second file torn), but not current.
    assert.deepEqual(await paths(first.where.artifacts), [
      `${FOLDER}gen-000001/average.onnx`,
      `${FOLDER}gen-000001/state.json`,
      `${FOLDER}gen-000002/average.onnx`,
      `${FOLDER}gen-000002/state.json`,
    ]);
    first.close();

    const restarted = await openState(dir);
    try {
      const restored = (await loadAverage(restarted.where))!;
      assertSameAverage(restored, averageOf(1));
      // The next save moves on past the debris and removes it.
      await saveAverage(restarted.where, updateAverage(restored, checkpoints[1]));
      assertSameAverage((await loadAverage(restarted.where))!, averageOf(2));
      assert.deepEqual(await paths(restarted.where.artifacts), [
        `${FOLDER}gen-000003/average.onnx`,
        `${FOLDER}gen-000003/state.json`,
      ]);
    } finally {
      restarted.close();
    }
  });
});

Deno.test("a job killed (SIGKILL) while saving restarts from its last completed save", async () => {
  await withDir(async (dir) => {
    const job = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./testing/save_until_killed.ts", import.meta.url).pathname, dir],
      cwd: new URL(".", import.meta.url).pathname, // finds the workspace's deno.json
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = job.stdout.pipeThrough(new TextDecoderStream()).values();
    let seen = "";
    while (!seen.includes("saved 3\n")) {
      const { value, done } = await lines.next();
      if (done) break;
      seen += value;
    }
    job.kill("SIGKILL");
    const [status] = await Promise.all([job.status, lines.return?.(), job.stderr.cancel()]);
    assert.equal(status.signal, "SIGKILL", `the job ended by itself: ${seen}`);

    const { where, close } = await openState(dir);
    try {
      const restored = (await loadAverage(where))!;
      assert.ok(restored.n >= 3, `restored ${restored.n}`);
      const expected = Array.from({ length: restored.n }, (_, i) => bnMlpCheckpoint(i + 1))
        .reduce(
          (s, bytes) => updateAverage(s, readCheckpoint(bytes)),
          createAverage({ strategy: "equal" }),
        );
      assertSameAverage(restored, expected);
    } finally {
      close();
    }
  });
});

Deno.test("of two concurrent saves, the one that commits second fails and changes nothing", async () => {
  await withDir(async (dir) => {
    const { where, close } = await openState(dir);
    try {
      await saveAverage(where, averageOf(1));
      // Writer A stalls in its first put until writer B has saved.
      let reached!: () => void;
      const stalled = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow: TenantArtifactStore = {
        ...where.artifacts,
        async put(path, body) {
          reached();
          await gate;
          await where.artifacts.put(path, body);
        },
      };
      const a = saveAverage({ ...where, artifacts: slow }, averageOf(3));
      await stalled;
      await saveAverage(where, averageOf(2));
      release();
      await assert.rejects(
        a,
        (e: unknown) => e instanceof DomainError && e.code === "swa_state_conflict",
      );
      assertSameAverage((await loadAverage(where))!, averageOf(2));
      assert.deepEqual(await paths(where.artifacts), [
        `${FOLDER}gen-000003/average.onnx`,
        `${FOLDER}gen-000003/state.json`,
      ]);
    } finally {
      close();
    }
  });
});

Deno.test("SWAG state round-trips: moments, deviation rows, K and the parameter layout", async () => {
  await withDir(async (dir) => {
    const { where, close } = await openState(dir);
    try {
      const state = checkpoints.slice(0, 3).reduce(
        (s, c) => collectSwag(s, c),
        createSwag({ maxRows: 2 }),
      );
      await saveSwag(where, state);
      const restored = (await loadSwag(where))!;
      assert.equal(restored.n, 3);
      assert.equal(restored.maxRows, 2);
      assert.deepEqual(restored.layout, state.layout);
      assert.deepEqual(restored.mean, state.mean);
      assert.deepEqual(restored.sqMean, state.sqMean);
      assert.deepEqual(restored.deviations, state.deviations);
      const next = collectSwag(restored, checkpoints[3]);
      const direct = collectSwag(state, checkpoints[3]);
      assert.deepEqual(next.mean, direct.mean);
      assert.deepEqual(next.deviations, direct.deviations);
      // The run holds SWAG state: reading it as an average is a conflict, not garbage.
      await assert.rejects(
        loadAverage(where),
        (e: unknown) => e instanceof DomainError && e.code === "swa_state_kind",
      );
    } finally {
      close();
    }
  });
});

Deno.test("state store refuses model or run names that are not one path segment", async () => {
  await withDir(async (dir) => {
    const { where, close } = await openState(dir);
    try {
      for (const bad of ["../x", "a/b", "", ".hidden"]) {
        await assert.rejects(
          loadAverage({ ...where, run: bad }),
          (e: unknown) => e instanceof DomainError && e.code === "invalid_swa_location",
        );
      }
    } finally {
      close();
    }
  });
});
