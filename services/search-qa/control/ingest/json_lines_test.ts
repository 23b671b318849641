import assert from "node:assert/strict";
import { scanJson } from "./json_lines.ts";

Deno.test("the line each element of a top-level array property starts on", () => {
  const text = '{\n "x": [[{}]],\n "FaqDocuments": [\n  {"a": [1, 2]},\n\n  {"b": "}"}\n ]\n}';
  assert.deepEqual(scanJson(text, "FaqDocuments"), { elementLines: [4, 6] });
});

Deno.test("the line and column of the first syntax error", () => {
  assert.deepEqual(scanJson('{\n "a": }').error, {
    line: 2,
    column: 7,
    problem: "expected a value",
  });
  assert.equal(scanJson('{"a": 1,}').error?.problem, "expected a property name in double quotes");
  assert.equal(scanJson('{"a": "x\ny"}').error?.column, 7);
  assert.equal(scanJson("[1] 2").error?.problem, "unexpected text after the end");
  assert.equal(scanJson("").error?.problem, "the text ends before the value");
  assert.equal(scanJson("[01]").error?.column, 3);
});

Deno.test("deep nesting is scanned without recursion", () => {
  assert.deepEqual(scanJson("[".repeat(200_000) + "]".repeat(200_000)), { elementLines: [] });
});
