import assert from "node:assert/strict";
import { batchLines } from "./batch_lines.ts";

Deno.test("batch lines: one answer per line, in order; bad lines answer their own error", async () => {
  const text = [
    '{"userId":"u1","numResults":2}',
    "",
    "not json",
    '{"userId":""}',
    '{"userId":"u2"}',
    '{"userId":"boom"}',
  ].join("\n");
  const out = await batchLines(text, (r) => {
    if (r.userId === "boom") return Promise.reject(new Error("campaign gone"));
    return Promise.resolve({ itemList: [r.userId, r.numResults] });
  });
  const lines = out.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.deepEqual(lines[0].output, { itemList: ["u1", 2] });
  assert.match(lines[1].error, /line 2 is not JSON/);
  assert.match(lines[2].error, /userId/);
  assert.deepEqual(lines[3].output, { itemList: ["u2", 25] });
  assert.deepEqual(lines[4], { input: { userId: "boom" }, error: "campaign gone" });
});
