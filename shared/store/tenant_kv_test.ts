import assert from "node:assert/strict";
import { DomainError } from "../errors/domain_error.ts";
import { openKvStore } from "./deno_kv_store.ts";
import { tenantKv } from "./tenant_kv.ts";

Deno.test("tenantKv: every key is stored under the tenant id and comes back without it", async () => {
  using store = await openKvStore(":memory:");
  const kv = tenantKv(store, "default");
  assert.equal(kv.tenant, "default");
  await kv.set(["swa", "mlp", "current"], 1);
  assert.equal((await store.get(["default", "swa", "mlp", "current"])).value, 1);
  assert.deepEqual(await kv.get(["swa", "mlp", "current"]), {
    key: ["swa", "mlp", "current"],
    value: 1,
    versionstamp: (await store.get(["default", "swa", "mlp", "current"])).versionstamp,
  });
  assert.deepEqual((await Array.fromAsync(kv.list(["swa"]))).map((e) => e.key), [
    ["swa", "mlp", "current"],
  ]);
  await kv.set(["swa", "mlp", "next"], 2);
  assert.deepEqual(
    (await Array.fromAsync(kv.list(["swa"], { start: ["swa", "mlp", "d"] }))).map((e) => e.key),
    [["swa", "mlp", "next"]],
  );
  await kv.delete(["swa", "mlp", "current"]);
  assert.equal((await store.get(["default", "swa", "mlp", "current"])).value, null);
});

Deno.test("tenantKv: tenants cannot see or change each other's keys", async () => {
  using store = await openKvStore(":memory:");
  const a = tenantKv(store, "tenant-a");
  const b = tenantKv(store, "tenant-b");
  await a.set(["settings"], "a's");
  assert.equal((await b.get(["settings"])).value, null);
  assert.deepEqual(await Array.fromAsync(b.list([])), []);
  // b's atomic check of ["settings"] is about b's key: absent, so b may create its own.
  const result = await b.atomic(
    [{ key: ["settings"], versionstamp: null }],
    [{ type: "set", key: ["settings"], value: "b's" }],
  );
  assert.equal(result.ok, true);
  assert.equal((await a.get(["settings"])).value, "a's");
  assert.deepEqual((await Array.fromAsync(store.list([]))).map((e) => e.key), [
    ["tenant-a", "settings"],
    ["tenant-b", "settings"],
  ]);
});

Deno.test("tenantKv: refuses tenant ids that are empty or could name a path", async () => {
  using store = await openKvStore(":memory:");
  for (const bad of ["", "a/b", "..", ".hidden", "a\\b", "x".repeat(65), "with space"]) {
    assert.throws(
      () => tenantKv(store, bad),
      (e: unknown) => e instanceof DomainError && e.code === "invalid_tenant_id",
      JSON.stringify(bad),
    );
  }
});
