/**
 * The client's two transports answer alike: the same calls against one pool, once over HTTP and
 * once as function calls, give the same results and the same errors (status and problem code).
 */
import assert from "node:assert/strict";
import { startPoolServer } from "../server/pool_server.ts";
import { createFixtureRepository, inputRows, SMALL } from "../testing/fixture_repository.ts";
import { createInProcessClient } from "./in_process_client.ts";
import { createOipClient, type OipClient, OipError } from "./oip_client.ts";

async function failure(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await call.then(() => undefined, (e) => e);
  assert.ok(error instanceof OipError, `expected an OipError, got ${error}`);
  return { status: error.status, code: error.problem.code };
}

/** Every call an edge handler makes, with what came back (or how it failed). */
async function exercise(client: OipClient) {
  const x = inputRows(2, 16, 5);
  const json = await client.infer("small", {
    id: "r1",
    inputs: [{ name: "input", datatype: "FP32", shape: [2, 16], data: Array.from(x) }],
  });
  const binary = await client.inferBinary("small", [{
    name: "input",
    datatype: "FP32",
    shape: [2, 16],
    data: x,
  }], { id: "r2" });
  return {
    live: await client.live(),
    ready: await client.ready(),
    server: await client.serverMetadata(),
    metadata: await client.modelMetadata("small"),
    modelReady: await client.modelReady("small"),
    missingReady: await client.modelReady("missing"),
    json,
    binary: {
      response: binary.response,
      probabilities: Array.from(binary.outputs.probabilities.data as Float32Array),
    },
    index: await client.repositoryIndex(),
    unknownModel: await failure(client.infer("missing", { inputs: [] })),
    badShape: await failure(client.inferBinary("small", [{
      name: "input",
      datatype: "FP32",
      shape: [1, 15],
      data: new Float32Array(15),
    }])),
    unknownVersion: await failure(client.modelMetadata("small", "7")),
    badLoad: await failure(client.load("missing")),
  };
}

Deno.test("in-process and HTTP transports give the same answers and the same errors", async () => {
  const repo = await createFixtureRepository([{
    name: "small",
    config: { max_batch_size: 8 },
    versions: [SMALL],
  }]);
  const server = await startPoolServer({ repository: repo, gpus: [] });
  try {
    const overHttp = await exercise(createOipClient(server.url));
    const inProcess = await exercise(createInProcessClient(server.pool));
    assert.deepEqual(inProcess, overHttp);
    assert.equal(inProcess.json.id, "r1");
    assert.equal(inProcess.unknownModel.status, 404);
    // The caller's arrays are its own after the call: the pool copied, it did not take them.
    const x = inputRows(1, 16, 9);
    await createInProcessClient(server.pool).inferBinary("small", [{
      name: "input",
      datatype: "FP32",
      shape: [1, 16],
      data: x,
    }]);
    assert.equal(x.length, 16);
    assert.deepEqual(Array.from(x), Array.from(inputRows(1, 16, 9)));
    assert.equal(inProcess.badShape.status, 400);
  } finally {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
});
