import assert from "node:assert/strict";
import { DomainError } from "../errors/domain_error.ts";
import { createLocalArtifactStore } from "./local_artifact_store.ts";
import { tenantArtifacts } from "./tenant_artifacts.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

async function withStore(fn: (root: string) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "tenant-artifacts-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("tenantArtifacts: every path begins with the tenant id; listings drop it", async () => {
  await withStore(async (root) => {
    const store = createLocalArtifactStore({ root });
    const artifacts = tenantArtifacts(store, "default");
    await artifacts.put("swa/mlp/run-1/state.json", bytes("{}"));
    assert.equal(await Deno.readTextFile(`${root}/default/swa/mlp/run-1/state.json`), "{}");
    assert.deepEqual((await Array.fromAsync(artifacts.list("swa/"))).map((i) => i.path), [
      "swa/mlp/run-1/state.json",
    ]);
    assert.equal(
      (await artifacts.stat("swa/mlp/run-1/state.json"))?.path,
      "swa/mlp/run-1/state.json",
    );
    assert.equal(new TextDecoder().decode(await artifacts.get("swa/mlp/run-1/state.json")), "{}");
    await artifacts.delete("swa/mlp/run-1/state.json");
    assert.equal(await store.stat("default/swa/mlp/run-1/state.json"), undefined);
  });
});

Deno.test("tenantArtifacts: no path reaches another tenant's folder", async () => {
  await withStore(async (root) => {
    const store = createLocalArtifactStore({ root });
    await store.put("other/secret.json", bytes("theirs"));
    const mine = tenantArtifacts(store, "mine");
    for (const bad of ["../other/secret.json", "/other/secret.json", "..\\other\\secret.json"]) {
      await assert.rejects(
        mine.get(bad),
        (e: unknown) => e instanceof DomainError && e.code === "invalid_artifact_path",
      );
    }
    assert.deepEqual(await Array.fromAsync(mine.list()), []);
    await assert.rejects(Array.fromAsync(mine.list("../")), DomainError);
    assert.throws(() => tenantArtifacts(store, "../other"), DomainError);
  });
});
