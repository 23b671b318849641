import assert from "node:assert/strict";
import { formatBytes } from "./format_bytes.ts";

Deno.test("bytes below 1 KiB are whole; above, one decimal in binary units", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1023), "1023 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(5 * 1024 * 1024), "5.0 MiB");
  assert.equal(formatBytes(3 * 1024 ** 3 + 1024 ** 3 / 4), "3.3 GiB");
});
