import assert from "node:assert/strict";
import { OnnxFormatError } from "./errors.ts";

Deno.test("OnnxFormatError carries detail, source and cause", () => {
  const cause = new Error("index out of range");
  const error = new OnnxFormatError("missing graph", { source: "/models/a.onnx", cause });
  assert.ok(error instanceof Error);
  assert.equal(error.name, "OnnxFormatError");
  assert.equal(error.detail, "missing graph");
  assert.equal(error.source, "/models/a.onnx");
  assert.equal(error.cause, cause);
  assert.equal(error.message, "invalid ONNX model (/models/a.onnx): missing graph");
});

Deno.test("OnnxFormatError without a source has no source in its message", () => {
  const error = new OnnxFormatError("empty input (0 bytes)");
  assert.equal(error.message, "invalid ONNX model: empty input (0 bytes)");
  assert.equal(error.source, undefined);
});
