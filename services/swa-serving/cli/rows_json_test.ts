import assert from "node:assert/strict";
import { parseRowsDocument } from "./rows_json.ts";

Deno.test("an array of rows", () => {
  assert.deepEqual(parseRowsDocument("[[1, 2], [3, 4]]", "f"), {
    inputs: [[1, 2], [3, 4]],
    fields: {},
  });
});

Deno.test("an object with inputs keeps its other fields", () => {
  assert.deepEqual(parseRowsDocument('{"inputs": [[0.5]], "labels": ["a"], "mode": "swag"}', "f"), {
    inputs: [[0.5]],
    fields: { labels: ["a"], mode: "swag" },
  });
});

Deno.test("nested rows are flattened row-major", () => {
  const image = [[[1, 2], [3, 4]]]; // one 1×2×2 row
  assert.deepEqual(parseRowsDocument(JSON.stringify([image]), "f").inputs, [[1, 2, 3, 4]]);
});

Deno.test("errors name the source and the row", () => {
  assert.throws(() => parseRowsDocument("{", "in.json"), /in\.json: not JSON/);
  assert.throws(() => parseRowsDocument("[]", "in.json"), /in\.json: expected a non-empty array/);
  assert.throws(() => parseRowsDocument('{"rows": []}', "in.json"), /expected/);
  assert.throws(() => parseRowsDocument("[1, 2]", "in.json"), /in\.json: row 0 is not an array/);
  assert.throws(
    () => parseRowsDocument('[[1], ["x"]]', "stdin"),
    /stdin: row 1 holds a non-number/,
  );
  assert.throws(() => parseRowsDocument("[[1], []]", "f"), /row 1 is empty/);
});
