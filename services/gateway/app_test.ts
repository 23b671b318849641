/** The gateway in front of a real worker pool: passthrough (JSON and binary), OpenAPI, health. */
import assert from "node:assert/strict";
import { createOipClient } from "../../gpu-workers/client/oip_client.ts";
import { startPoolServer } from "../../gpu-workers/server/pool_server.ts";
import {
  createFixtureRepository,
  inputRows,
  SMALL,
} from "../../gpu-workers/testing/fixture_repository.ts";
import { createGatewayApp } from "./app.ts";

function serve(app: ReturnType<typeof createGatewayApp>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return { server, url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}` };
}

Deno.test("gateway: OIP v2 passes through unchanged, JSON and binary, problems included", async () => {
  const repo = await createFixtureRepository([{
    name: "small",
    config: { max_batch_size: 4 },
    versions: [SMALL],
  }]);
  const pool = await startPoolServer({ repository: repo, gpus: [] });
  const { server, url } = serve(createGatewayApp({ poolUrl: pool.url }));
  try {
    const viaGateway = createOipClient(url);
    const direct = createOipClient(pool.url);
    const x = inputRows(2, 16);
    const a = await viaGateway.inferBinary("small", [{
      name: "input",
      datatype: "FP32",
      shape: [2, 16],
      data: x,
    }]);
    const b = await direct.inferBinary("small", [{
      name: "input",
      datatype: "FP32",
      shape: [2, 16],
      data: x,
    }]);
    assert.deepEqual(
      Array.from(a.outputs.probabilities.data as Float32Array),
      Array.from(b.outputs.probabilities.data as Float32Array),
    );
    const json = await viaGateway.infer("small", {
      inputs: [{
        name: "input",
        datatype: "FP32",
        shape: [1, 16],
        data: Array.from(x.subarray(0, 16)),
      }],
    });
    assert.deepEqual(json.outputs[0].shape, [1, 3]);
    assert.equal((await viaGateway.modelMetadata("small")).parameters?.execution_provider, "cpu");
    const missing = await fetch(`${url}/v2/models/nope/infer`, { method: "POST", body: "{}" });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("content-type"), "application/problem+json");
    assert.equal((await missing.json()).code, "model_not_found");
    const health = await fetch(`${url}/healthz`);
    assert.deepEqual(await health.json(), { status: "ok" });
  } finally {
    await server.shutdown();
    await pool.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("gateway: the OpenAPI document describes the OIP routes with schemas from the contracts", async () => {
  const { server, url } = serve(createGatewayApp({ poolUrl: "http://127.0.0.1:9" }));
  try {
    const doc = await (await fetch(`${url}/openapi.json`)).json();
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(doc.paths["/v2/models/{model}/infer"].post);
    assert.ok(doc.paths["/v2/repository/models/{model}/load"].post);
    const inferRequest = doc.components.schemas.InferRequest;
    assert.equal(inferRequest.type, "object");
    assert.deepEqual(inferRequest.required, ["inputs"]);
    assert.ok(doc.components.schemas.ModelConfig.properties.dynamic_batching);
  } finally {
    await server.shutdown();
  }
});

Deno.test("gateway: an unreachable pool is a 503 problem with Retry-After, not a crash", async () => {
  // Port 9 (discard) on loopback: nothing listens there.
  const { server, url } = serve(createGatewayApp({ poolUrl: "http://127.0.0.1:9" }));
  try {
    const res = await fetch(`${url}/v2/models/small`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal((await res.json()).code, "pool_unreachable");
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 503);
    await health.body?.cancel();
  } finally {
    await server.shutdown();
  }
});
