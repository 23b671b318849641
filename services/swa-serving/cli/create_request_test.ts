import assert from "node:assert/strict";
import { createModelRequest, parseLabelsFile, parseShape } from "./create_request.ts";
import { UsageError } from "./usage_error.ts";

Deno.test("a classification model: shape, labels, nothing else sent", () => {
  assert.deepEqual(
    createModelRequest("digits", {
      task: "classification",
      "input-shape": "1,8,8",
      labels: "zero, one,two",
    }),
    {
      name: "digits",
      task: "classification",
      input: { shape: [1, 8, 8] },
      labels: ["zero", "one", "two"],
    },
  );
});

Deno.test("averaging, rank, input name and regression variance when given", () => {
  assert.deepEqual(
    createModelRequest("prices", {
      task: "regression",
      "input-shape": "13",
      "input-name": "features",
      "regression-variance": "log_variance",
      strategy: "ema",
      decay: "0.99",
      "use-buffers": true,
      rank: "10",
    }),
    {
      name: "prices",
      task: "regression",
      input: { name: "features", shape: [13] },
      regressionVariance: "log_variance",
      averaging: { strategy: "ema", decay: 0.99, useBuffers: true },
      swagRank: 10,
    },
  );
});

Deno.test("labels from a file's text", () => {
  const request = createModelRequest("m", { task: "classification", "input-shape": "4" }, "a\nb\n");
  assert.deepEqual(request.labels, ["a", "b"]);
});

Deno.test("missing or malformed flags are usage errors", () => {
  const bad = [
    { "input-shape": "4", labels: "a,b" },
    { task: "clustering", "input-shape": "4" },
    { task: "regression" },
    { task: "regression", "input-shape": "0,4" },
    { task: "classification", "input-shape": "4" },
    { task: "regression", "input-shape": "4", rank: "2.5" },
    { task: "regression", "input-shape": "4", decay: "high" },
  ];
  for (const values of bad) {
    assert.throws(() => createModelRequest("m", values), UsageError, JSON.stringify(values));
  }
});

Deno.test("shapes: one number, commas or x", () => {
  assert.deepEqual(parseShape("64"), [64]);
  assert.deepEqual(parseShape("3, 32, 32"), [3, 32, 32]);
  assert.deepEqual(parseShape("1x28x28"), [1, 28, 28]);
  assert.throws(() => parseShape("8,,8"), UsageError);
});

Deno.test("labels files: lines or a JSON array", () => {
  assert.deepEqual(parseLabelsFile("cat\r\n\ndog\n"), ["cat", "dog"]);
  assert.deepEqual(parseLabelsFile('["a b", "c"]'), ["a b", "c"]);
  assert.throws(() => parseLabelsFile("[1, 2]"), UsageError);
});
