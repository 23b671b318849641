import assert from "node:assert/strict";
import { readCsvRecords } from "./csv_records.ts";

const fail = (line: number, problem: string) => new Error(`line ${line}: ${problem}`);

Deno.test("records carry the line they start on, for LF, CRLF and CR files", () => {
  for (const newline of ["\n", "\r\n", "\r"]) {
    const text = ["\ufeffa,b", "", '"multi', 'line",c', "x,y"].join(newline);
    assert.deepEqual(readCsvRecords(text, fail), [
      { fields: ["a", "b"], line: 1 },
      { fields: [""], line: 2 },
      { fields: ["multi\nline", "c"], line: 3 },
      { fields: ["x", "y"], line: 5 },
    ]);
  }
});

Deno.test("a syntax error names the line its record starts on", () => {
  assert.throws(() => readCsvRecords('a\n\nb,"open\nc\n', fail), /^Error: line 3: a quoted field/);
  assert.throws(() => readCsvRecords('a\n"b"c\n', fail), /^Error: line 2: a closing quote/);
});
