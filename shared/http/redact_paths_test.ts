import assert from "node:assert/strict";
import { Hono } from "hono";
import { DomainError } from "../errors/domain_error.ts";
import { createProblemHandler } from "./problem.ts";
import { redactPaths } from "../errors/redact_paths.ts";

Deno.test("redactPaths keeps the file name of server paths and nothing above it", () => {
  const cases: Array<[string, string]> = [
    [
      "Load model from /tmp/edgeml-repo-abc/small/1/model.onnx failed:Protobuf parsing failed.",
      "Load model from …/model.onnx failed:Protobuf parsing failed.",
    ],
    [
      "Permission denied (os error 13): readfile '/srv/models/m/config.json'",
      "Permission denied (os error 13): readfile '…/config.json'",
    ],
    [
      "/onnxruntime_src/onnxruntime/core/graph/model.cc:180 onnxruntime::Model::Model",
      "…/model.cc:180 onnxruntime::Model::Model",
    ],
    ["cannot open file:///home/ci/x/libcuda.so.1 here", "cannot open …/libcuda.so.1 here"],
    ["at C:\\Users\\ci\\models\\m.onnx", "at …/m.onnx"],
  ];
  for (const [input, expected] of cases) assert.equal(redactPaths(input), expected, input);
});

Deno.test("redactPaths leaves API paths, URLs and relative paths alone", () => {
  for (
    const text of [
      "No route for GET /v2/models/x/infer",
      "model 'm' has no version '3'",
      "see https://example.com/tmp/docs",
      "copy the file into m/1/model.onnx",
      "ratio 3/4 of rows",
    ]
  ) {
    assert.equal(redactPaths(text), text);
  }
});

Deno.test("redactPaths covers the working directory of the process", () => {
  const inside = `${Deno.cwd()}/data/models/m/1/model.onnx`;
  assert.equal(redactPaths(`failed: ${inside}`), "failed: …/model.onnx");
});

Deno.test("problem responses carry no server path in detail or error", async () => {
  const app = new Hono();
  app.onError(createProblemHandler({ kserveErrorField: true, onUnexpected: () => {} }));
  app.get("/", () => {
    throw new DomainError(
      "unprocessable",
      "model_load_failed",
      "loading m on cpu0 failed: Load model from /var/lib/edgeml/m/1/model.onnx failed",
    );
  });
  const body = await (await app.request("/")).json();
  assert.equal(body.detail, "loading m on cpu0 failed: Load model from …/model.onnx failed");
  assert.equal(body.error, body.detail);
});
