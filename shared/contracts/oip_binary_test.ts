import assert from "node:assert/strict";
import { domainErrorFrom } from "../testing/mod.ts";
import { joinBinaryBody, sliceBinary, splitBinaryBody, splitBytes } from "./oip_binary.ts";

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

Deno.test("a bad Inference-Header-Content-Length is invalid: malformed_binary_header", () => {
  const b = body('{"a":1}', [1, 2, 3]); // 10 bytes
  for (const length of ["abc", "11", "100", "-1", "2.5"]) {
    const err = domainErrorFrom(
      () => splitBinaryBody(b, length),
      "invalid",
      "malformed_binary_header",
    );
    assert.match(err.detail, /10 bytes/, `length '${length}'`);
  }
});

Deno.test("an inference header that is not JSON is invalid: malformed_binary_header", () => {
  domainErrorFrom(
    () => splitBinaryBody(body('{"a":1}', [1]), "3"),
    "invalid",
    "malformed_binary_header",
  );
  domainErrorFrom(
    () => splitBinaryBody(body("not json", []), "8"),
    "invalid",
    "malformed_binary_header",
  );
});

Deno.test("sliceBinary cuts consecutive pieces of the given sizes", () => {
  const binary = new Uint8Array([10, 11, 12, 13, 14]);
  const pieces = sliceBinary(binary, [2, 0, 3]);
  assert.deepEqual(pieces.map((p) => [...p]), [[10, 11], [], [12, 13, 14]]);
  assert.deepEqual(sliceBinary(new Uint8Array(0), []), []);
});

Deno.test("sliceBinary with sizes not adding up is invalid: binary_size_mismatch", () => {
  const binary = new Uint8Array(5);
  const short = domainErrorFrom(
    () => sliceBinary(binary, [2, 2]),
    "invalid",
    "binary_size_mismatch",
  );
  assert.deepEqual(short.extra, { expected: 4, given: 5 });
  const long = domainErrorFrom(
    () => sliceBinary(binary, [4, 4]),
    "invalid",
    "binary_size_mismatch",
  );
  assert.deepEqual(long.extra, { expected: 8, given: 5 });
});

Deno.test("splitBytes gives views over the same memory, not copies", () => {
  const bytes = new Uint8Array([1, 2, 3, 4]);
  const [a, b] = splitBytes(bytes, [1, 3]);
  assert.equal(a.buffer, bytes.buffer);
  assert.equal(b.byteOffset, 1);
  bytes[1] = 9;
  assert.deepEqual([...b], [9, 3, 4]);
});
