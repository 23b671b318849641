import assert from "node:assert/strict";
import { openKvStore } from "./deno_kv_store.ts";

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "kv-store-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Deno KV store: set, get, delete; a missing key has null value and versionstamp", async () => {
  await withTempDir(async (dir) => {
    using kv = await openKvStore(`${dir}/data/kv.sqlite3`);
    assert.deepEqual(await kv.get(["a"]), { key: ["a"], value: null, versionstamp: null });
    const stamp = await kv.set(["a"], { n: 1, tags: ["x"] });
    assert.deepEqual(await kv.get(["a"]), {
      key: ["a"],
      value: { n: 1, tags: ["x"] },
      versionstamp: stamp,
    });
    assert.notEqual(await kv.set(["a"], { n: 2 }), stamp, "every write has a new versionstamp");
    await kv.delete(["a"]);
    await kv.delete(["never-set"]);
    assert.equal((await kv.get(["a"])).value, null);
  });
});

Deno.test("Deno KV store: a local file keeps its data across close and reopen", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/nested/folder/kv.sqlite3`;
    const first = await openKvStore(path);
    await first.set(["default", "counter"], 41n);
    first.close();
    first.close(); // idempotent
    using second = await openKvStore(path);
    assert.equal((await second.get(["default", "counter"])).value, 41n);
  });
});

Deno.test("Deno KV store: list returns the entries strictly below a prefix, in key order", async () => {
  using kv = await openKvStore(":memory:");
  for (const key of [["t", "b"], ["t", "a"], ["t"], ["u", "a"], ["t", "a", 1]]) {
    await kv.set(key, key.join("."));
  }
  const keys = async (prefix: string[], options = {}) =>
    (await Array.fromAsync(kv.list(prefix, options))).map((e) => e.key);
  assert.deepEqual(await keys(["t"]), [["t", "a"], ["t", "a", 1], ["t", "b"]]);
  assert.deepEqual(await keys(["t"], { reverse: true, limit: 2 }), [["t", "b"], ["t", "a", 1]]);
  assert.deepEqual(await keys(["v"]), []);
  assert.deepEqual(await keys(["t"], { start: ["t", "a", 0] }), [["t", "a", 1], ["t", "b"]]);
});

Deno.test("Deno KV store: atomic applies every mutation only when every check holds", async () => {
  using kv = await openKvStore(":memory:");
  const pointer = await kv.get(["pointer"]);
  const first = await kv.atomic(
    [{ key: ["pointer"], versionstamp: pointer.versionstamp }],
    [{ type: "set", key: ["pointer"], value: 1 }, { type: "set", key: ["log", 1], value: "one" }],
  );
  assert.equal(first.ok, true);
  // A second writer that read the pointer before the first commit loses, and writes nothing.
  const stale = await kv.atomic(
    [{ key: ["pointer"], versionstamp: null }],
    [{ type: "set", key: ["pointer"], value: 2 }, { type: "delete", key: ["log", 1] }],
  );
  assert.deepEqual(stale, { ok: false });
  assert.equal((await kv.get(["pointer"])).value, 1);
  assert.equal((await kv.get(["log", 1])).value, "one");
  const current = await kv.get(["pointer"]);
  const next = await kv.atomic(
    [{ key: ["pointer"], versionstamp: current.versionstamp }],
    [{ type: "set", key: ["pointer"], value: 2 }, { type: "delete", key: ["log", 1] }],
  );
  assert.equal(next.ok, true);
  assert.equal((await kv.get(["log", 1])).value, null);
});
