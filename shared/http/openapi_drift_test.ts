import assert from "node:assert/strict";
import { Hono } from "hono";
import { routeDrift } from "./openapi_drift.ts";

Deno.test("routeDrift names served routes missing from the document and documented ones not served", () => {
  const app = new Hono();
  app.use(async (_c, next) => await next());
  app.get("/v2/models/:model", (c) => c.text("m"));
  app.post("/v2/models/:model/infer", (c) => c.text("i"));
  app.get("/openapi.json", (c) => c.text("{}"));
  const doc = {
    paths: {
      "/v2/models/{model}": { get: {}, parameters: [] },
      "/v2/models/{model}/ready": { get: {} },
    },
  };
  assert.deepEqual(routeDrift(app as never, doc, { ignore: ["/openapi.json"] }), {
    undocumented: ["POST /v2/models/{model}/infer"],
    unserved: ["GET /v2/models/{model}/ready"],
  });
});
