/**
 * The repository publisher against a real worker pool: the pool serves exactly the versions
 * asked for, the repository holds only their folders, and asking for the served set again
 * loads nothing (counted from the pool's own "model loaded" log lines).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type PoolServer, startPoolServer } from "../server/pool_server.ts";
import { createInProcessClient } from "../client/in_process_client.ts";
import { createLogger } from "@edgeml/shared/http";
import { openStores, type TenantStores, tenantStores } from "@edgeml/shared/store";
import { rejectsDomainError } from "@edgeml/shared/testing";
import { buildMlpClassifier, encodeModel } from "@edgeml/shared/onnx";
import { type ModelPublisher, repositoryPublisher } from "./model_publisher.ts";

const V1 = { version: 1, artifact: "swa-serving/w/versions/1/swa.onnx" };
const V2 = { version: 2, artifact: "swa-serving/w/versions/2/swa.onnx" };
type Pool = PoolServer["pool"];
const model = (seed: number) =>
  encodeModel(
    buildMlpClassifier({ name: "m", inputSize: 64, hiddenSizes: [8], numClasses: 10, seed }),
  );
const BYTES = { 1: model(1), 2: model(2) };

interface Setup {
  repository: string;
  stores: TenantStores;
  pool: Pool;
  publisher: ModelPublisher;
  /** "model loaded" lines the pool has logged for `model` so far. */
  loads(model: string): number;
}

async function withPublisher(fn: (s: Setup) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "swa-publisher-" });
  const repository = join(dir, "repository");
  await Deno.mkdir(repository);
  const opened = await openStores({ kv: `${dir}/kv.sqlite3`, artifacts: `${dir}/artifacts` });
  const stores = tenantStores(opened, "default");
  const lines: { msg: string; model?: string }[] = [];
  const logger = createLogger({ service: "pool", sink: (line) => lines.push(JSON.parse(line)) });
  const server = await startPoolServer({ repository, gpus: [], logger });
  try {
    await stores.artifacts.put(V1.artifact, BYTES[1]);
    await stores.artifacts.put(V2.artifact, BYTES[2]);
    const workers = createInProcessClient(server.pool);
    await fn({
      repository,
      stores,
      pool: server.pool,
      publisher: repositoryPublisher({ repository, artifacts: stores.artifacts, workers }),
      loads: (model) => lines.filter((l) => l.msg === "model loaded" && l.model === model).length,
    });
  } finally {
    await server.shutdown();
    opened.kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The pool's index entries of `model`: served versions, or its state when none is. */
async function served(pool: Pool, model: string): Promise<string[]> {
  return (await pool.index()).filter((e) => e.name === model).map((e) =>
    e.version ? `${e.version} ${e.state}` : `${e.state}`
  );
}

async function folders(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

Deno.test("serve: [v1] loads it, [v1, v2] both, [v2] drops v1 and its folder, [] unloads the model and removes it", async () => {
  await withPublisher(async ({ repository, pool, publisher }) => {
    const dir = join(repository, "w");
    await publisher.serve("w", [V1]);
    assert.deepEqual(await served(pool, "w"), ["1 READY"]);
    assert.deepEqual(await folders(dir), ["1", "config.json"]);
    assert.deepEqual(await Deno.readFile(join(dir, "1", "model.onnx")), BYTES[1]);
    const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
    assert.deepEqual(config.version_policy, { specific: { versions: [1] } });
    assert.equal(config.name, "w");

    await publisher.serve("w", [V2, V1]);
    assert.deepEqual(await served(pool, "w"), ["1 READY", "2 READY"]);
    assert.deepEqual(await folders(dir), ["1", "2", "config.json"]);
    assert.deepEqual(await Deno.readFile(join(dir, "2", "model.onnx")), BYTES[2]);

    await publisher.serve("w", [V2]);
    assert.deepEqual(await served(pool, "w"), ["2 READY"]);
    assert.deepEqual(await folders(dir), ["2", "config.json"]);
    assert.deepEqual(
      JSON.parse(await Deno.readTextFile(join(dir, "config.json"))).version_policy,
      { specific: { versions: [2] } },
    );

    await publisher.serve("w", []);
    assert.deepEqual(await served(pool, "w"), ["UNAVAILABLE"]);
    assert.deepEqual(await folders(repository), []);

    // Served again after an unload: the folder comes back from the artifact store.
    await publisher.serve("w", [V1]);
    assert.deepEqual(await served(pool, "w"), ["1 READY"]);
    assert.deepEqual(await folders(dir), ["1", "config.json"]);
  });
});

Deno.test("serve: asking again for the served set (in any order) loads nothing", async () => {
  await withPublisher(async ({ repository, pool, publisher, loads }) => {
    await publisher.serve("w", [V1, V2]);
    assert.equal(loads("w"), 1);
    await publisher.serve("w", [V1, V2]);
    await publisher.serve("w", [V2, V1]);
    assert.equal(loads("w"), 1);
    assert.deepEqual(await served(pool, "w"), ["1 READY", "2 READY"]);
    await publisher.serve("w", [V2]);
    assert.equal(loads("w"), 2);
    await publisher.serve("w", [V2]);
    assert.equal(loads("w"), 2);
    await publisher.serve("w", []);
    await publisher.serve("w", []);
    assert.equal(loads("w"), 2);
    assert.deepEqual(await folders(repository), []);
    // An empty set for a model never served is nothing to do either.
    await publisher.serve("never", []);
    assert.deepEqual(await served(pool, "never"), []);
  });
});

Deno.test("serve: a version whose artifact is missing fails (artifact_missing) and a retry once it is there serves", async () => {
  await withPublisher(async ({ stores, pool, publisher, loads }) => {
    const V3 = { version: 3, artifact: "swa-serving/w/versions/3/swa.onnx" };
    await rejectsDomainError(publisher.serve("w", [V3]), "failed", "artifact_missing");
    assert.deepEqual(await served(pool, "w"), []);
    assert.equal(loads("w"), 0);
    await stores.artifacts.put(V3.artifact, BYTES[2]);
    await publisher.serve("w", [V3]);
    assert.deepEqual(await served(pool, "w"), ["3 READY"]);
  });
});
