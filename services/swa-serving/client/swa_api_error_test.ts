import assert from "node:assert/strict";
import { SwaApiError, swaApiErrorFrom } from "./swa_api_error.ts";

Deno.test("a problem+json body gives its code, detail and the whole problem", async () => {
  const problem = {
    type: "https://edgeml.dev/problems/model_exists",
    title: "Conflict",
    status: 409,
    code: "model_exists",
    detail: "a model named mlp exists",
    instance: "req-1",
  };
  const error = await swaApiErrorFrom(
    new Response(JSON.stringify(problem), {
      status: 409,
      headers: { "content-type": "application/problem+json" },
    }),
  );
  assert.ok(error instanceof SwaApiError);
  assert.equal(error.status, 409);
  assert.equal(error.code, "model_exists");
  assert.equal(error.detail, "a model named mlp exists");
  assert.deepEqual(error.problem, problem);
  assert.equal(error.message, "409 model_exists: a model named mlp exists");
});

Deno.test("a body that is not a problem still reads as one, with http_<status>", async () => {
  const error = await swaApiErrorFrom(
    new Response("<html>Bad gateway</html>\n", {
      status: 502,
      statusText: "Bad Gateway",
      headers: { "retry-after": "3" },
    }),
  );
  assert.equal(error.status, 502);
  assert.equal(error.code, "http_502");
  assert.equal(error.detail, "<html>Bad gateway</html>");
  assert.equal(error.retryAfter, "3");
});

Deno.test("an empty error body falls back to the status text", async () => {
  const error = await swaApiErrorFrom(new Response(null, { status: 503, statusText: "Busy" }));
  assert.equal(error.code, "http_503");
  assert.equal(error.detail, "Busy");
});
