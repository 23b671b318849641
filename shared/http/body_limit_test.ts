import assert from "node:assert/strict";
import { Hono } from "hono";
import { bodyLimit } from "./body_limit.ts";
import { problemHandler } from "./problem.ts";

function app(maxSize: number) {
  const app = new Hono().post("/", bodyLimit({ maxSize }), async (c) => c.text(await c.req.text()));
  app.onError(problemHandler);
  return app;
}

function stream(...chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = chunks.map((s) => new TextEncoder().encode(s));
  return new ReadableStream({
    pull(ctrl) {
      const next = bytes.shift();
      if (next) ctrl.enqueue(next);
      else ctrl.close();
    },
  });
}

async function assertTooLarge(res: Response, limit: number) {
  assert.equal(res.status, 413);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const body = await res.json();
  assert.equal(body.code, "body_too_large");
  assert.equal(body.limitBytes, limit);
  assert.match(body.detail, new RegExp(`${limit} bytes`));
}

Deno.test("bodyLimit passes a body within the limit", async () => {
  const res = await app(10).request("/", { method: "POST", body: "0123456789" });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "0123456789");
});

Deno.test("bodyLimit rejects by Content-Length with 413 body_too_large", async () => {
  const headers = { "content-length": "11" };
  await assertTooLarge(
    await app(10).request("/", { method: "POST", body: "01234567890", headers }),
    10,
  );
});

Deno.test("bodyLimit rejects a streamed body without Content-Length", async () => {
  const req = new Request("http://x/", { method: "POST", body: stream("012345", "67890") });
  assert.equal(req.headers.has("content-length"), false);
  await assertTooLarge(await app(10).request(req), 10);
});

Deno.test("bodyLimit passes a streamed body within the limit", async () => {
  const req = new Request("http://x/", { method: "POST", body: stream("01234", "56789") });
  const res = await app(10).request(req);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "0123456789");
});

Deno.test("bodyLimit rejects an invalid maxSize", () => {
  assert.throws(() => bodyLimit({ maxSize: -1 }), RangeError);
  assert.throws(() => bodyLimit({ maxSize: Number.NaN }), RangeError);
});
