import assert from "node:assert/strict";
import { Hono } from "hono";
import { getRequestId, requestId } from "./request_id.ts";

function app() {
  return new Hono().use(requestId()).get("/", (c) => c.text(getRequestId(c) ?? "none"));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("requestId generates a UUID when none is sent and exposes it", async () => {
  const res = await app().request("/");
  const id = res.headers.get("x-request-id");
  assert.match(id ?? "", UUID);
  assert.equal(await res.text(), id);
});

Deno.test("requestId echoes a valid incoming X-Request-Id", async () => {
  const res = await app().request("/", { headers: { "X-Request-Id": "client-42_a=" } });
  assert.equal(res.headers.get("x-request-id"), "client-42_a=");
  assert.equal(await res.text(), "client-42_a=");
});

Deno.test("requestId replaces invalid or over-long incoming ids", async () => {
  for (const bad of ["has space", "<script>", "x".repeat(256)]) {
    const res = await app().request("/", { headers: { "X-Request-Id": bad } });
    assert.match(res.headers.get("x-request-id") ?? "", UUID);
  }
});

Deno.test("requestId honours headerName and generator options", async () => {
  const custom = new Hono()
    .use(requestId({ headerName: "X-Trace", generator: () => "fixed" }))
    .get("/", (c) => c.text(getRequestId(c) ?? "none"));
  const res = await custom.request("/");
  assert.equal(res.headers.get("x-trace"), "fixed");
  assert.equal(await res.text(), "fixed");
});

Deno.test("getRequestId is undefined without the middleware", async () => {
  const res = await new Hono().get("/", (c) => c.text(String(getRequestId(c)))).request("/");
  assert.equal(await res.text(), "undefined");
});
