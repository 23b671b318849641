import assert from "node:assert/strict";
import { type CsvRecord, streamCsvRecords } from "./csv_stream.ts";
import { recordSplitter } from "./record_splitter.ts";

/** `text` as a byte stream cut into `size`-byte chunks (cuts fall inside characters too). */
function chunked(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function read(text: string, size = 7): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const batch of streamCsvRecords(chunked(text, size))) out.push(...batch);
  return out;
}

Deno.test("records carry the line they start on for LF, CRLF and CR files, in any chunking", async () => {
  for (const newline of ["\n", "\r\n", "\r"]) {
    const text = ["\ufeffa,b", "", '"multi', 'line",é', '"q ""x""",y', "last,1"].join(newline);
    for (const size of [1, 2, 5, 1000]) {
      assert.deepEqual(await read(text, size), [
        { line: 1, fields: ["a", "b"] },
        { line: 3, fields: ["multi\nline", "é"] },
        { line: 5, fields: ['q "x"', "y"] },
        { line: 6, fields: ["last", "1"] },
      ], JSON.stringify({ newline, size }));
    }
  }
});

Deno.test("a malformed record is reported on its line and the records after it still read", async () => {
  const text = 'a,b\n1,2\n"bad"x,6\n7,8\nc"d,9\n10,11\n"open,12\n13,14\n';
  const records = await read(text);
  assert.deepEqual(records.map((r) => [r.line, "fields" in r ? r.fields : "problem"]), [
    [1, ["a", "b"]],
    [2, ["1", "2"]],
    [3, "problem"],
    [4, ["7", "8"]],
    [5, "problem"],
    [6, ["10", "11"]],
    [7, "problem"],
  ]);
  const problems = records.filter((r) => "problem" in r).map((r) => "problem" in r && r.problem);
  assert.match(problems[0] as string, /closing quote/);
  assert.match(problems[1] as string, /quote inside an unquoted field/);
  assert.match(problems[2] as string, /never closed/);
});

Deno.test("the splitter keeps memory bounded when a quote swallows the file", () => {
  const split = recordSplitter();
  const big = "x".repeat(1024 * 1024);
  const out = [...split.push('a\n"'), ...Array.from({ length: 5 }, () => split.push(big)).flat()];
  out.push(...split.push('"\nnext\n'));
  assert.deepEqual(out, [
    { text: "a", line: 1 },
    { text: "", line: 2, tooLong: true },
    { text: "next", line: 3 },
  ]);
});
