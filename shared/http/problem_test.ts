import assert from "node:assert/strict";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod";
import {
  badRequest,
  conflict,
  createNotFoundHandler,
  createProblemHandler,
  notFound,
  notFoundHandler,
  payloadTooLarge,
  ProblemError,
  problemHandler,
  problemResponse,
  serviceUnavailable,
  tooManyRequests,
  unprocessable,
  unsupportedMediaType,
} from "./problem.ts";
import { requestId } from "./request_id.ts";
import { unavailable, unprocessable as unprocessableDomain } from "../errors/domain_error.ts";

const PROBLEM = "application/problem+json";

function appWith(onError = problemHandler) {
  const app = new Hono();
  app.use(requestId());
  app.onError(onError);
  app.notFound(notFoundHandler);
  return app;
}

Deno.test("helpers set status, code, title and detail", () => {
  const cases: [ProblemError, number, string][] = [
    [badRequest("a", "d"), 400, "Bad Request"],
    [notFound("a", "d"), 404, "Not Found"],
    [conflict("a", "d"), 409, "Conflict"],
    [payloadTooLarge("a", "d"), 413, "Content Too Large"],
    [unsupportedMediaType("a", "d"), 415, "Unsupported Media Type"],
    [unprocessable("a", "d"), 422, "Unprocessable Content"],
  ];
  for (const [p, status, title] of cases) {
    assert.ok(p instanceof ProblemError && p instanceof HTTPException && p instanceof Error);
    assert.deepEqual([p.status, p.code, p.title, p.detail, p.message], [
      status,
      "a",
      title,
      "d",
      "d",
    ]);
  }
});

Deno.test("tooManyRequests and serviceUnavailable set Retry-After (rounded up)", () => {
  const busy = tooManyRequests("rate_limited", "slow down", 1.2);
  assert.equal(busy.status, 429);
  assert.equal(problemResponse(busy).headers.get("retry-after"), "2");
  const down = serviceUnavailable("model_loading", "warming up", 30);
  assert.equal(down.status, 503);
  assert.equal(problemResponse(down).headers.get("retry-after"), "30");
});

Deno.test("problemResponse renders RFC 9457 fields; extra cannot override them", async () => {
  const res = problemResponse(conflict("model_busy", "busy", { status: 200, model: "m" }), "r1");
  assert.equal(res.status, 409);
  assert.equal(res.headers.get("content-type"), PROBLEM);
  assert.deepEqual(await res.json(), {
    type: "https://edgeml.dev/problems/model_busy",
    title: "Conflict",
    status: 409,
    code: "model_busy",
    detail: "busy",
    instance: "r1",
    model: "m",
  });
  assert.equal("instance" in await problemResponse(badRequest("x", "y")).json(), false);
});

Deno.test("problemHandler renders a ProblemError with the request id as instance", async () => {
  const app = appWith().get("/", () => {
    throw tooManyRequests("rate_limited", "slow down", 3, { limit: 10 });
  });
  const res = await app.request("/", { headers: { "X-Request-Id": "abc-123" } });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("content-type"), PROBLEM);
  assert.equal(res.headers.get("retry-after"), "3");
  assert.equal(res.headers.get("x-request-id"), "abc-123");
  const body = await res.json();
  assert.deepEqual([body.code, body.instance, body.limit], ["rate_limited", "abc-123", 10]);
});

Deno.test("problemHandler maps HTTPException to its status and keeps its headers", async () => {
  const app = appWith()
    .get("/auth", () => {
      const res = new Response("nope", { headers: { "WWW-Authenticate": 'Basic realm="x"' } });
      throw new HTTPException(401, { res, message: "Login required" });
    })
    .get("/teapot", () => {
      throw new HTTPException(418);
    });
  const res = await app.request("/auth");
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("content-type"), PROBLEM);
  assert.equal(res.headers.get("www-authenticate"), 'Basic realm="x"');
  const body = await res.json();
  assert.deepEqual([body.code, body.title, body.detail], [
    "unauthorized",
    "Unauthorized",
    "Login required",
  ]);
  const teapot = await app.request("/teapot");
  assert.equal(teapot.status, 418);
  assert.equal((await teapot.json()).code, "http_418");
});

Deno.test("problemHandler maps JSON SyntaxError and ZodError to 400", async () => {
  const app = appWith()
    .post("/json", async (c) => c.json(await c.req.json()))
    .get("/zod", (c) => c.json(z.object({ n: z.number() }).parse({ n: "x" })));
  const bad = await app.request("/json", { method: "POST", body: "{oops" });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("content-type"), PROBLEM);
  assert.equal((await bad.json()).code, "malformed_json");
  const invalid = await app.request("/zod");
  assert.equal(invalid.status, 400);
  const body = await invalid.json();
  assert.equal(body.code, "invalid_request");
  assert.equal(body.issues.length, 1);
  assert.equal(body.issues[0].path, "n");
  assert.match(body.issues[0].message, /expected number/);
});

Deno.test("unexpected errors become 500 internal_error without leaking, and are reported", async () => {
  const seen: Error[] = [];
  const app = appWith(createProblemHandler({ onUnexpected: (err) => seen.push(err) }))
    .get("/", () => {
      throw new Error("db password is hunter2");
    });
  const res = await app.request("/");
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("content-type"), PROBLEM);
  const text = await res.text();
  assert.equal(JSON.parse(text).code, "internal_error");
  assert.doesNotMatch(text, /hunter2|at /);
  assert.equal(seen.length, 1);
});

Deno.test("notFoundHandler answers 404 route_not_found", async () => {
  const res = await appWith().request("/nope", { method: "DELETE" });
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("content-type"), PROBLEM);
  const body = await res.json();
  assert.equal(body.code, "route_not_found");
  assert.equal(body.detail, "No route for DELETE /nope");
  assert.equal(body.instance, res.headers.get("x-request-id"));
});

Deno.test("a ProblemError renders as a problem even with Hono's default error handler", async () => {
  const app = new Hono().get("/", () => {
    throw conflict("already_exists", "model exists");
  });
  const res = await app.request("/");
  assert.equal(res.status, 409);
  assert.equal(res.headers.get("content-type"), PROBLEM);
  assert.equal((await res.json()).code, "already_exists");
});

Deno.test("a domain error becomes its kind's status with its code, detail and Retry-After", async () => {
  const app = new Hono();
  app.onError(createProblemHandler());
  app.get("/full", () => {
    throw unavailable("queue_full", "the queue is full", { retryAfterSeconds: 0.3 });
  });
  app.get("/shape", () => {
    throw unprocessableDomain("shape_mismatch", "fc.weight is [3, 4]", { extra: { at: "fc" } });
  });
  const full = await app.request("/full");
  assert.equal(full.status, 503);
  assert.equal(full.headers.get("retry-after"), "1");
  assert.equal((await full.json()).code, "queue_full");
  const shape = await app.request("/shape");
  assert.equal(shape.status, 422);
  const body = await shape.json();
  assert.equal(body.detail, "fc.weight is [3, 4]");
  assert.equal(body.at, "fc");
  assert.equal("error" in body, false);
});

Deno.test("kserveErrorField adds the `error` string KServe clients read, 404s included", async () => {
  const app = new Hono();
  app.onError(createProblemHandler({ kserveErrorField: true }));
  app.notFound(createNotFoundHandler({ kserveErrorField: true }));
  app.get("/gone", () => {
    throw notFound("model_not_found", "no model 'x'");
  });
  const gone = await app.request("/gone");
  assert.equal((await gone.json()).error, "no model 'x'");
  const missing = await app.request("/nope");
  const body = await missing.json();
  assert.equal(body.status, 404);
  assert.equal(body.error, "No route for GET /nope");
});
