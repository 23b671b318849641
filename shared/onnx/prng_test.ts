import assert from "node:assert/strict";
import { mulberry32 } from "./prng.ts";

/** mulberry32 restated with BigInt arithmetic mod 2^32, independent of Math.imul tricks. */
function referenceMulberry32(seed: number): () => number {
  const M = 2n ** 32n;
  const u = (x: bigint) => ((x % M) + M) % M;
  let state = u(BigInt(seed));
  return () => {
    state = u(state + 0x6d2b79f5n);
    let t = state;
    t = u((t ^ (t >> 15n)) * (t | 1n));
    t = t ^ u(t + u((t ^ (t >> 7n)) * (t | 61n)));
    return Number(t ^ (t >> 14n)) / 2 ** 32;
  };
}

Deno.test("mulberry32 matches an independent BigInt implementation", () => {
  for (const seed of [0, 1, 42, 0x5eed0001, 0xffffffff, -7]) {
    const actual = mulberry32(seed);
    const expected = referenceMulberry32(seed >>> 0);
    for (let i = 0; i < 500; i++) assert.equal(actual(), expected(), `seed ${seed}, draw ${i}`);
  }
});

Deno.test("mulberry32 is deterministic per seed and differs across seeds", () => {
  const draw = (seed: number) => Array.from({ length: 8 }, mulberry32(seed));
  assert.deepEqual(draw(123), draw(123));
  assert.notDeepEqual(draw(123), draw(124));
});

Deno.test("mulberry32 yields roughly uniform values in [0, 1)", () => {
  const random = mulberry32(2024);
  const bins = new Array(10).fill(0);
  const n = 20_000;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = random();
    assert.ok(x >= 0 && x < 1, `out of range: ${x}`);
    sum += x;
    bins[Math.floor(x * 10)]++;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
  for (const count of bins) assert.ok(Math.abs(count - n / 10) < n / 50, `bins ${bins}`);
});
