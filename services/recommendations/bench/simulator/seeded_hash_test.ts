import assert from "node:assert/strict";
import { hashKeys, normal, randomFor } from "./seeded_hash.ts";

Deno.test("hashKeys depends on every key and their order", () => {
  const hashes = new Set([hashKeys(1, 2, 3), hashKeys(1, 2, 4), hashKeys(2, 1, 3), hashKeys(1, 2)]);
  assert.equal(hashes.size, 4);
  assert.equal(hashKeys(5, 6), hashKeys(5, 6));
});

Deno.test("randomFor streams are reproducible and roughly uniform; normal has mean 0, sd 1", () => {
  assert.equal(randomFor(9, 9)(), randomFor(9, 9)());
  const random = randomFor(1);
  const n = 20_000;
  const zs = Array.from({ length: n }, () => normal(random));
  const mean = zs.reduce((s, z) => s + z, 0) / n;
  const variance = zs.reduce((s, z) => s + (z - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(variance - 1) < 0.05);
});
