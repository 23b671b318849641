/**
 * The gateway in front of a real worker pool, in process and over HTTP: OIP passthrough (JSON and
 * binary, problems with KServe's `error` field), the admin credential on repository routes,
 * mounted edge services and an OpenAPI document generated from exactly what is served.
 */
import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { startPoolServer } from "@edgeml/gpu-workers";
import { createOipClient } from "@edgeml/gpu-workers/client";
import { createFixtureRepository, inputRows, SMALL } from "@edgeml/gpu-workers/testing";
import { createApiApp, createLogger, type EdgeService, routeDrift } from "@edgeml/shared/http";
import { createGatewayApp, type GatewayOptions } from "./app.ts";
import { httpUpstream, inProcessUpstream } from "./upstream.ts";

const ADMIN = "test-admin-token";
const quiet = createLogger({ service: "gateway-test", level: "error" });

/** A real pool on a fixture repository, and a gateway served on a free loopback port. */
async function withGateway(
  options: Partial<GatewayOptions> & { transport?: "in-process" | "http" },
  body: (ctx: { url: string; poolUrl: string }) => Promise<void>,
) {
  const repo = await createFixtureRepository([{
    name: "small",
    config: { max_batch_size: 4 },
    versions: [SMALL],
  }]);
  const pool = await startPoolServer({ repository: repo, gpus: [] });
  const upstream = options.transport === "http"
    ? httpUpstream(pool.url)
    : inProcessUpstream(pool.app);
  const app = createGatewayApp({ upstream, adminToken: ADMIN, logger: quiet, ...options });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  try {
    await body({ url: `http://127.0.0.1:${server.addr.port}`, poolUrl: pool.url });
  } finally {
    await server.shutdown();
    await pool.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
}

for (const transport of ["in-process", "http"] as const) {
  Deno.test(`gateway (${transport}): OIP v2 passes through, JSON and binary, problems with KServe's error`, async () => {
    await withGateway({ transport }, async ({ url, poolUrl }) => {
      const viaGateway = createOipClient(url);
      const direct = createOipClient(poolUrl);
      const x = inputRows(2, 16);
      const input = [{ name: "input", datatype: "FP32" as const, shape: [2, 16], data: x }];
      const a = await viaGateway.inferBinary("small", input);
      const b = await direct.inferBinary("small", input);
      assert.deepEqual(
        Array.from(a.outputs.probabilities.data as Float32Array),
        Array.from(b.outputs.probabilities.data as Float32Array),
      );
      const json = await fetch(`${url}/v2/models/small/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          inputs: [{ name: "input", datatype: "FP32", shape: [1, 16], data: Array(16).fill(0.5) }],
        }),
      });
      assert.equal(json.status, 200);
      const text = await json.text();
      assert.equal(
        json.headers.get("content-length"),
        String(new TextEncoder().encode(text).length),
      );
      assert.deepEqual(JSON.parse(text).outputs[0].shape, [1, 3]);
      assert.equal((await viaGateway.modelMetadata("small")).parameters?.execution_provider, "cpu");

      const missing = await fetch(`${url}/v2/models/nope/infer`, { method: "POST", body: "{}" });
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get("content-type"), "application/problem+json");
      const problem = await missing.json();
      assert.equal(problem.code, "model_not_found");
      assert.equal(typeof problem.error, "string");
      assert.equal(problem.error, problem.detail);
      assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: "ok" });
    });
  });
}

Deno.test("gateway: repository routes need the admin credential; inference does not", async () => {
  await withGateway({}, async ({ url }) => {
    const index = (authorization?: string) =>
      fetch(`${url}/v2/repository/index`, {
        method: "POST",
        headers: authorization ? { authorization } : {},
      });
    const anonymous = await index();
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get("content-type"), "application/problem+json");
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal((await anonymous.json()).code, "unauthorized");
    const wrong = await index("Bearer not-the-token");
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    for (const path of ["/v2/repository/models/small/unload", "/v2/repository/models/small/load"]) {
      const res = await fetch(url + path, { method: "POST" });
      assert.equal(res.status, 401, path);
      await res.body?.cancel();
    }
    assert.equal(await createOipClient(url).modelReady("small"), true); // still loaded

    const admitted = await index(`Bearer ${ADMIN}`);
    assert.equal(admitted.status, 200);
    assert.deepEqual((await admitted.json()).map((m: { name: string }) => m.name), ["small"]);
  });
});

Deno.test("gateway: without a configured admin credential the repository routes are refused", async () => {
  await withGateway({ adminToken: undefined }, async ({ url }) => {
    const res = await fetch(`${url}/v2/repository/models/small/unload`, {
      method: "POST",
      headers: { authorization: "Bearer anything" },
    });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).code, "admin_disabled");
  });
});

Deno.test("gateway: a body over the infer limit is a 413 problem, declared or chunked", async () => {
  await withGateway({ maxInferBytes: 1024 }, async ({ url }) => {
    const declared = await fetch(`${url}/v2/models/small/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(2048),
    });
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).limitBytes, 1024);
    const chunked = await fetch(`${url}/v2/models/small/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: ReadableStream.from([new Uint8Array(800), new Uint8Array(800)]),
    });
    assert.equal(chunked.status, 413);
    assert.equal((await chunked.json()).code, "body_too_large");
  });
});

/** A service as small as one can be: one typed route. */
const stubService: EdgeService = {
  name: "stub",
  description: "A stub service mounted by the test",
  create: ({ config }) => {
    const app = createApiApp();
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/stub/greetings/{name}",
        tags: ["stub"],
        request: { params: z.object({ name: z.string().min(2) }) },
        responses: {
          200: {
            description: "A greeting",
            content: { "application/json": { schema: z.object({ greeting: z.string() }) } },
          },
        },
      }),
      (c) => c.json({ greeting: `${config.GREETING} ${c.req.valid("param").name}` }, 200),
    );
    return app;
  },
};

Deno.test("gateway: a mounted edge service serves its routes and appears in /openapi.json", async () => {
  const deps = {
    workers: undefined,
    store: undefined,
    config: { GREETING: "hello" },
    logger: quiet,
  };
  await withGateway({ services: [stubService], deps }, async ({ url }) => {
    const res = await fetch(`${url}/v1/stub/greetings/ada`);
    assert.deepEqual(await res.json(), { greeting: "hello ada" });
    const invalid = await fetch(`${url}/v1/stub/greetings/a`);
    assert.equal(invalid.status, 400);
    assert.equal((await invalid.json()).code, "invalid_request");
    const doc = await (await fetch(`${url}/openapi.json`)).json();
    assert.ok(doc.paths["/v1/stub/greetings/{name}"].get);
    assert.deepEqual(doc.tags, [{
      name: "stub",
      description: "A stub service mounted by the test",
    }]);
  });
});

Deno.test("gateway: /openapi.json lists exactly the served routes, with the contracts' schemas", async () => {
  const repo = await createFixtureRepository([]);
  const pool = await startPoolServer({ repository: repo, gpus: [] });
  try {
    const deps = { workers: undefined, store: undefined, config: {}, logger: quiet };
    const app = createGatewayApp({
      upstream: inProcessUpstream(pool.app),
      services: [stubService],
      deps,
      logger: quiet,
    });
    const doc = await (await app.request("/openapi.json")).json();
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(routeDrift(app as never, doc), { undocumented: [], unserved: [] });
    for (const path of ["/v2/models/{model}/versions/{version}/ready", "/healthz", "/metrics"]) {
      assert.ok(doc.paths[path]?.get, path);
    }
    assert.deepEqual(doc.paths["/v2/repository/index"].post.security, [{ adminToken: [] }]);
    assert.deepEqual(doc.components.schemas.InferRequest.required, ["inputs"]);
    assert.ok(doc.components.schemas.ModelConfig.properties.dynamic_batching);

    const poolDoc = await (await pool.app.fetch(new Request("http://pool/openapi.json"))).json();
    assert.deepEqual(routeDrift(pool.app as never, poolDoc), { undocumented: [], unserved: [] });
  } finally {
    await pool.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("gateway: an unreachable pool is a 503 problem with Retry-After, not a crash", async () => {
  // Port 9 (discard) on loopback: nothing listens there.
  const app = createGatewayApp({ upstream: httpUpstream("http://127.0.0.1:9"), logger: quiet });
  const res = await app.request("/v2/models/small");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  assert.equal((await res.json()).code, "pool_unreachable");
  const health = await app.request("/healthz");
  assert.equal(health.status, 503);
  await health.body?.cancel();
});
