import assert from "node:assert/strict";
import { Hono } from "hono";
import * as z from "zod";
import { readJson } from "./json_body.ts";
import { problemHandler } from "./problem.ts";

const Infer = z.object({
  model: z.string().min(1),
  input: z.array(z.number()).max(3),
  topK: z.number().int().positive().default(5),
});

const app = new Hono().post("/infer", async (c) => {
  const body = await readJson(c, Infer);
  const typed: { model: string; input: number[]; topK: number } = body;
  return c.json(typed);
});
app.onError(problemHandler);

const post = (body: string, contentType?: string) =>
  app.request("/infer", {
    method: "POST",
    body,
    headers: contentType ? { "content-type": contentType } : {},
  });

async function problem(res: Response, status: number, code: string) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const body = await res.json();
  assert.equal(body.code, code);
  return body;
}

Deno.test("readJson returns the parsed, defaulted value", async () => {
  const res = await post('{"model":"resnet","input":[1,2]}', "application/json");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { model: "resnet", input: [1, 2], topK: 5 });
});

Deno.test("readJson accepts charset parameters and +json media types", async () => {
  for (const type of ["application/json; charset=utf-8", "application/merge-patch+json"]) {
    const res = await post('{"model":"m","input":[]}', type);
    assert.equal(res.status, 200, type);
  }
});

Deno.test("readJson answers 415 for a missing or non-JSON content type", async () => {
  for (const type of [undefined, "text/plain", "application/jsonx", "multipart/form-data"]) {
    await problem(await post('{"model":"m","input":[]}', type), 415, "unsupported_media_type");
  }
});

Deno.test("readJson answers 400 malformed_json for a syntax error or empty body", async () => {
  await problem(await post('{"model":', "application/json"), 400, "malformed_json");
  await problem(await post("", "application/json"), 400, "malformed_json");
});

Deno.test("readJson answers 400 invalid_request listing issue paths and messages", async () => {
  const res = await post('{"model":"","input":[1,"x"]}', "application/json");
  const body = await problem(res, 400, "invalid_request");
  const paths = body.issues.map((i: { path: string }) => i.path).sort();
  assert.deepEqual(paths, ["input.1", "model"]);
  for (const issue of body.issues) assert.equal(typeof issue.message, "string");
});

const Load = z.object({ parameters: z.record(z.string(), z.string()).optional() });
const lenient = new Hono().post("/load", async (c) => {
  return c.json(await readJson(c, Load, { allowMissingContentType: true, emptyAsObject: true }));
});
lenient.onError(problemHandler);
/** Bytes, not a string: a string body would get `text/plain` from the Request constructor. */
const postBytes = (body: string, headers: Record<string, string> = {}) =>
  lenient.request("/load", { method: "POST", body: new TextEncoder().encode(body), headers });

Deno.test("readJson with allowMissingContentType reads a body sent without a content type", async () => {
  const res = await postBytes('{"parameters":{"config":"{}"}}');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { parameters: { config: "{}" } });
  // A foreign type is still refused.
  await problem(
    await postBytes("{}", { "content-type": "text/csv" }),
    415,
    "unsupported_media_type",
  );
});

Deno.test("readJson with emptyAsObject reads an empty or blank body as {}", async () => {
  for (const body of ["", "  \n"]) {
    const res = await postBytes(body, { "content-type": "application/json" });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
  }
  await problem(await postBytes("{", {}), 400, "malformed_json");
});
