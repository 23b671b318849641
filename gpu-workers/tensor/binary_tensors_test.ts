import assert from "node:assert/strict";
import { problemFrom } from "../testing/assert_problem.ts";
import { joinBinaryBody, sliceBinary, splitBinaryBody } from "./binary_tensors.ts";

const encoder = new TextEncoder();

function body(headerText: string, binary: number[]): Uint8Array {
  const head = encoder.encode(headerText);
  const out = new Uint8Array(head.byteLength + binary.length);
  out.set(head);
  out.set(binary, head.byteLength);
  return out;
}

Deno.test("splitBinaryBody separates the JSON header from the raw bytes", () => {
  const { header, binary } = splitBinaryBody(body('{"a":1}', [1, 2, 3]), "7");
  assert.deepEqual(header, { a: 1 });
  assert.deepEqual([...binary], [1, 2, 3]);
});

Deno.test("splitBinaryBody with a header filling the whole body leaves no binary", () => {
  const { header, binary } = splitBinaryBody(body("[]", []), "2");
  assert.deepEqual(header, []);
  assert.equal(binary.byteLength, 0);
});

Deno.test("joinBinaryBody writes the header then the buffers; headerLength counts bytes", () => {
  const header = { model_name: "m", note: "héllo" }; // é is two bytes in UTF-8
  const { body: joined, headerLength } = joinBinaryBody(header, [
    new Uint8Array([1, 2]),
    new Uint8Array([]),
    new Uint8Array([3]),
  ]);
  const expectedHeader = '{"model_name":"m","note":"héllo"}';
  assert.equal(headerLength, expectedHeader.length + 1);
  assert.deepEqual(joined, body(expectedHeader, [1, 2, 3]));
  const split = splitBinaryBody(joined, String(headerLength));
  assert.deepEqual(split.header, header);
  assert.deepEqual([...split.binary], [1, 2, 3]);
});

Deno.test("a bad Inference-Header-Content-Length is 400 malformed_binary_header", () => {
  const b = body('{"a":1}', [1, 2, 3]); // 10 bytes
  for (const length of ["abc", "11", "100", "-1", "2.5"]) {
    const problem = problemFrom(() => splitBinaryBody(b, length), 400, "malformed_binary_header");
    assert.match(problem.detail, /10 bytes/, `length '${length}'`);
  }
});

Deno.test("an inference header that is not JSON is 400 malformed_binary_header", () => {
  problemFrom(() => splitBinaryBody(body('{"a":1}', [1]), "3"), 400, "malformed_binary_header");
  problemFrom(() => splitBinaryBody(body("not json", []), "8"), 400, "malformed_binary_header");
});

Deno.test("sliceBinary cuts consecutive pieces of the given sizes", () => {
  const binary = new Uint8Array([10, 11, 12, 13, 14]);
  const pieces = sliceBinary(binary, [2, 0, 3]);
  assert.deepEqual(pieces.map((p) => [...p]), [[10, 11], [], [12, 13, 14]]);
  assert.deepEqual(sliceBinary(new Uint8Array(0), []), []);
});

Deno.test("sliceBinary with sizes not adding up is 400 binary_size_mismatch", () => {
  const binary = new Uint8Array(5);
  const short = problemFrom(() => sliceBinary(binary, [2, 2]), 400, "binary_size_mismatch");
  assert.deepEqual(short.extra, { expected: 4, given: 5 });
  const long = problemFrom(() => sliceBinary(binary, [4, 4]), 400, "binary_size_mismatch");
  assert.deepEqual(long.extra, { expected: 8, given: 5 });
});
