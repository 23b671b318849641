import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { decodeSnapshot, encodeSnapshot } from "./snapshot_codec.ts";

Deno.test("the layout, byte by byte, for a one-section snapshot", () => {
  const bytes = encodeSnapshot({}, { a: new Int32Array([1, -2]) });
  const json = '{"sections":[{"name":"a","type":"i32","offset":0,"length":2}]}';
  assert.equal(json.length, 62); // 12 + 62 = 74, padded to 80
  assert.deepEqual([...bytes.subarray(0, 12)], [0x45, 0x51, 0x53, 0x58, 1, 0, 0, 0, 62, 0, 0, 0]);
  assert.equal(new TextDecoder().decode(bytes.subarray(12, 74)), json);
  assert.deepEqual([...bytes.subarray(74, 80)], [0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...bytes.subarray(80)], [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
});

Deno.test("round trip, also from an unaligned copy; corrupt input is invalid_snapshot", () => {
  const sections = {
    u: new Uint8Array([1, 2, 3]),
    f: new Float32Array([0.1, -3.5]),
    i: new Int32Array([7]),
  };
  const bytes = encodeSnapshot({ n: 3, name: "x" }, sections);
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  for (const input of [bytes, shifted]) {
    const { header, sections: out } = decodeSnapshot(input);
    assert.deepEqual(header, { n: 3, name: "x" });
    assert.deepEqual(Object.fromEntries(out), sections);
  }
  for (const bad of [new Uint8Array(4), bytes.subarray(0, bytes.length - 4)]) {
    assert.throws(() => decodeSnapshot(bad), (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.equal(e.code, "invalid_snapshot");
      return true;
    });
  }
});
