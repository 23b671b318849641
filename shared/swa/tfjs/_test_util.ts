/**
 * Test helpers: imports tfjs on the pure-JS CPU backend, silenced. The CPU backend prints a
 * "use tfjs-node" banner through tfjs's `warn` on its first tensor when `IS_NODE` (true
 * under Deno); `PROD` mode turns that `warn` (and only log/warn calls) off.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";

tf.env().set("PROD", true);
await tf.setBackend("cpu");

export { tf };

/** Deterministic uniform [0, 1) generator: the repository's mulberry32. */
export { mulberry32 as rng } from "../../onnx/prng.ts";

/** |actual − expected| ≤ tol·max(1, |expected|) elementwise. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what = "",
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(
      err <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (|err| ${err})`,
    );
  }
}

/** Sets each weight of `model` to `values(name, size)`. */
export function setWeights(
  model: tf.LayersModel,
  values: (name: string, size: number) => number[],
): void {
  for (const w of model.weights) {
    const size = w.shape.reduce((a: number, d) => a * (d as number), 1);
    tf.tidy(() => {
      w.write(tf.tensor(values(w.name, size), w.shape as number[], w.dtype));
    });
  }
}

/** The weights of `model` as plain arrays keyed by name. */
export function readWeights(model: tf.LayersModel): Record<string, number[]> {
  return Object.fromEntries(model.weights.map((w) => [w.name, [...w.read().dataSync()]]));
}
