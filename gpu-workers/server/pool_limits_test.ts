/**
 * Limits a careless or hostile caller of the repository API cannot pass (found by fuzzing): a
 * load of a name that could not be a model leaves nothing behind in the index, and a config
 * override cannot ask for more instances than a device is allowed to hold.
 */
import assert from "node:assert/strict";
import { createOipClient, OipError } from "../client/oip_client.ts";
import { createFixtureRepository, SMALL } from "../testing/fixture_repository.ts";
import { startPoolServer } from "./pool_server.ts";

/** The device cap is lowered to 4 so that crowding a device takes few threads. */
async function withPool(fn: (client: ReturnType<typeof createOipClient>) => Promise<void>) {
  const repo = await createFixtureRepository(["small", "other"].map((name) => ({
    name,
    config: { max_batch_size: 8 },
    versions: [SMALL],
  })));
  const server = await startPoolServer({ repository: repo, gpus: [], maxInstancesPerDevice: 4 });
  try {
    await fn(createOipClient(server.url));
  } finally {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
}

async function problem(call: Promise<unknown>) {
  const error = await call.then(() => undefined, (e) => e);
  assert.ok(error instanceof OipError, `expected an OipError, got ${error}`);
  return { status: error.status, code: error.problem.code, detail: error.problem.detail };
}

Deno.test("limits: loads of invalid or missing model names leave the index as it was", async () => {
  await withPool(async (client) => {
    const before = await client.repositoryIndex();
    for (let i = 0; i < 200; i++) {
      const bad = await problem(client.load(`bad name ${i}`));
      assert.equal(bad.status, 400);
      assert.equal(bad.code, "invalid_model_name");
      const missing = await problem(client.load(`missing_${i}`));
      assert.equal(missing.status, 404);
    }
    assert.deepEqual(await client.repositoryIndex(), before);
  });
});

Deno.test("limits: instance counts past the per-model and per-device caps are refused with 422", async () => {
  await withPool(async (client) => {
    const tooMany = await problem(client.load("small", {
      max_batch_size: 8,
      instance_group: [{ kind: "KIND_CPU", count: 64 }],
    }));
    assert.equal(tooMany.status, 422);
    // Within the per-model caps, but with the other model's instance the device would hold 5.
    const crowded = await problem(client.load("small", {
      max_batch_size: 8,
      instance_group: [{ kind: "KIND_CPU", count: 4 }],
    }));
    assert.equal(crowded.status, 422);
    assert.equal(crowded.code, "too_many_instances");
    assert.match(crowded.detail, /on cpu0, which holds 1; a device takes at most 4/);
    // A reload replaces the model's own instances: 3 more fit beside the other model's one.
    await client.load("small", {
      max_batch_size: 8,
      instance_group: [{ kind: "KIND_CPU", count: 3 }],
    });
    assert.equal((await client.modelMetadata("small")).parameters?.instance_count, 3);
    await client.load("small", { max_batch_size: 8 });
    // The version that was serving still serves.
    assert.equal(await client.modelReady("small"), true);
    assert.equal((await client.modelMetadata("small")).parameters?.instance_count, 1);
  });
});
