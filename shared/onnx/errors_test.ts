import assert from "node:assert/strict";
import { DomainError } from "../errors/domain_error.ts";
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

Deno.test("OnnxFormatError is a domain error the edge maps to 422 invalid_onnx", () => {
  const error = new OnnxFormatError("missing graph", { source: "/srv/models/a.onnx" });
  assert.ok(error instanceof DomainError);
  assert.equal(error.kind, "unprocessable");
  assert.equal(error.code, "invalid_onnx");
  assert.ok(!error.detail.includes("/srv"), "detail shown to clients names no server path");
});
