import assert from "node:assert/strict";
import { calibrationSetName, readFloat32Rows } from "./calibration_file.ts";

Deno.test("reads little-endian float32 values", () => {
  // 1.0 = 0x3f800000, -2.5 = 0xc0200000, least significant byte first.
  const bytes = new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0]);
  assert.deepEqual([...readFloat32Rows(bytes, "cal.f32")], [1, -2.5]);
});

Deno.test("reads from a view that does not start its buffer", () => {
  const bytes = new Uint8Array([9, 0, 0, 0x80, 0x3f]).subarray(1);
  assert.deepEqual([...readFloat32Rows(bytes, "cal.f32")], [1]);
});

Deno.test("a size that is not whole float32 values is an error naming the file", () => {
  assert.throws(() => readFloat32Rows(new Uint8Array(6), "cal.f32"), /cal\.f32: 6 bytes/);
  assert.throws(() => readFloat32Rows(new Uint8Array(0), "cal.f32"), /cal\.f32: 0 bytes/);
});

Deno.test("the set name is the file's name, made valid", () => {
  assert.equal(calibrationSetName("data/train_bn.f32"), "train_bn");
  assert.equal(calibrationSetName("/tmp/my calib.v2.f32"), "my-calib-v2");
  assert.equal(calibrationSetName("_x.f32"), "x");
  assert.equal(calibrationSetName("....f32"), "calibration");
  assert.equal(calibrationSetName(`${"a".repeat(80)}.f32`), "a".repeat(64));
});
