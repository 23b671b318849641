/**
 * Order-independent seeded randomness for the simulator: a uniform source per (seed, key…)
 * tuple, so the item arriving at hour 7 or user 12's click on item 40 at hour 3 is the same in
 * every run with the seed, whatever the policy did before. Keys are mixed with the 32-bit
 * finaliser of MurmurHash3 (fmix32, Appleby) and the result seeds `mulberry32`.
 */
import { mulberry32 } from "@edgeml/shared/onnx";

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of integer keys. */
export function hashKeys(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) h = fmix32((h ^ (key >>> 0)) + 0x7f4a7c15);
  return h;
}

/** A uniform [0, 1) source seeded by the keys. */
export function randomFor(...keys: number[]): () => number {
  return mulberry32(hashKeys(...keys));
}

/** One standard normal from a uniform source (Box–Muller). */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
