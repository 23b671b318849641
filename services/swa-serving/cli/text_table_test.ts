import assert from "node:assert/strict";
import { formatTable } from "./text_table.ts";

Deno.test("pads every column to its widest cell, no trailing spaces", () => {
  assert.equal(
    formatTable(["mode", "nll"], [["swa", "0.1234"], ["multiswag", "0.1"]]),
    "mode       nll\n" +
      "swa        0.1234\n" +
      "multiswag  0.1\n",
  );
});

Deno.test("a table without rows is its header", () => {
  assert.equal(formatTable(["name", "task"], []), "name  task\n");
});
