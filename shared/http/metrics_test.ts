import assert from "node:assert/strict";
import { Hono } from "hono";
import { register as globalRegistry, Registry } from "prom-client";
import { createHttpMetrics, metricsHandler } from "./metrics.ts";
import { createProblemHandler, notFoundHandler } from "./problem.ts";

function setup(prefix?: string) {
  const { middleware, registry } = createHttpMetrics({ registry: new Registry(), prefix });
  const app = new Hono()
    .use(middleware)
    .get("/items/:id", (c) => c.text(c.req.param("id")))
    .get("/boom", () => {
      throw new Error("boom");
    })
    .get("/metrics", metricsHandler(registry));
  app.onError(createProblemHandler({ onUnexpected: () => {} }));
  app.notFound(notFoundHandler);
  return { app, registry };
}

/** `{ "GET /items/:id 200": 2, ... }` for a metric with method/route/status labels. */
async function byLabels(registry: Registry, name: string, suffix = "") {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric);
  const { values } = await metric.get();
  return Object.fromEntries(
    values
      .filter((v) => ("metricName" in v ? v.metricName : name) === name + suffix)
      .map((v) => [`${v.labels.method} ${v.labels.route} ${v.labels.status}`, v.value]),
  );
}

Deno.test("metrics count requests by method, route pattern and status", async () => {
  const { app, registry } = setup();
  await app.request("/items/1");
  await app.request("/items/2");
  await app.request("/boom");
  await app.request("/nope/123");
  await app.request("/items/3", { method: "PURGE" });
  assert.deepEqual(await byLabels(registry, "http_requests_total"), {
    "GET /items/:id 200": 2,
    "GET /boom 500": 1,
    "GET unmatched 404": 1,
    "OTHER unmatched 404": 1,
  });
  await app.request("/items/4");
  assert.equal((await byLabels(registry, "http_requests_total"))["GET /items/:id 200"], 3);
});

Deno.test("metrics observe durations in the histogram", async () => {
  const { app, registry } = setup();
  await app.request("/items/1");
  await app.request("/items/2");
  const counts = await byLabels(registry, "http_request_duration_seconds", "_count");
  assert.deepEqual(counts, { "GET /items/:id 200": 2 });
  const sums = await byLabels(registry, "http_request_duration_seconds", "_sum");
  assert.ok(sums["GET /items/:id 200"] >= 0);
});

Deno.test("metricsHandler serves the Prometheus text format", async () => {
  const { app, registry } = setup("edge_");
  await app.request("/items/1");
  const res = await app.request("/metrics");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), registry.contentType);
  const text = await res.text();
  assert.match(text, /^# TYPE edge_requests_total counter$/m);
  assert.match(text, /^edge_requests_total\{method="GET",route="\/items\/:id",status="200"\} 1$/m);
  assert.match(text, /^# TYPE edge_request_duration_seconds histogram$/m);
});

Deno.test("separate registries do not collide and the default one stays empty", async () => {
  const a = setup();
  const b = setup();
  await a.app.request("/items/1");
  assert.deepEqual(await byLabels(b.registry, "http_requests_total"), {});
  assert.equal(globalRegistry.getSingleMetric("http_requests_total"), undefined);
});
