import assert from "node:assert/strict";
import { Hono } from "hono";
import { problemHandler } from "./problem.ts";
import { timeout, type TimeoutOptions } from "./timeout.ts";

/** A route that waits on a gate the test opens, so no timer outlives the test. */
function app(options: TimeoutOptions) {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const app = new Hono()
    .use(timeout(options))
    .get("/slow", async (c) => {
      await gate;
      return c.text("late");
    })
    .get("/fast", (c) => c.text("ok"));
  app.onError(problemHandler);
  return { app, open };
}

Deno.test("timeout answers 503 request_timeout with Retry-After", async () => {
  const { app: a, open } = app({ ms: 5, retryAfterSeconds: 7 });
  const res = await a.request("/slow");
  open();
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  assert.equal(res.headers.get("retry-after"), "7");
  const body = await res.json();
  assert.deepEqual([body.code, body.timeoutMs], ["request_timeout", 5]);
  assert.equal(body.title, "Service Unavailable");
});

Deno.test("timeout can answer 504 instead (no Retry-After)", async () => {
  const { app: a, open } = app({ ms: 5, status: 504 });
  const res = await a.request("/slow");
  open();
  assert.equal(res.status, 504);
  assert.equal(res.headers.get("retry-after"), null);
  assert.equal((await res.json()).code, "request_timeout");
});

Deno.test("timeout lets a fast handler through", async () => {
  const { app: a, open } = app({ ms: 1000 });
  const res = await a.request("/fast");
  open();
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "ok");
});
