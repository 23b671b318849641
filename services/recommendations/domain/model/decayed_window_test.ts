import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { decayedWindowMeans, decayedWindowMeansBackward } from "./decayed_window.ts";

const [n, d, gamma, window] = [9, 3, 0.8, 4];
const random = mulberry32(21);
const x = Float32Array.from({ length: n * d }, () => random() * 2 - 1);

/** u_k straight from the definition: weights γ^{k−1−j} over j ∈ [max(0, k−L), k). */
function direct(xs: Float32Array, k: number): number[] {
  const out = new Array(d).fill(0);
  let z = 0;
  for (let j = Math.max(0, k - window); j < k; j++) {
    const w = gamma ** (k - 1 - j);
    z += w;
    for (let c = 0; c < d; c++) out[c] += w * xs[j * d + c];
  }
  return z > 0 ? out.map((v) => v / z) : out;
}

Deno.test("decayedWindowMeans equals the windowed decayed mean at every position", () => {
  const out = new Float32Array(n * d);
  decayedWindowMeans(x, n, d, gamma, window, out);
  for (let k = 0; k < n; k++) {
    direct(x, k).forEach((e, c) => assert.ok(Math.abs(out[k * d + c] - e) < 1e-6, `u${k}[${c}]`));
  }
});

Deno.test("decayedWindowMeansBackward matches finite differences of Σ_k a_k · u_k", () => {
  const a = Float32Array.from({ length: n * d }, () => random() * 2 - 1);
  const objective = (xs: Float32Array) => {
    let s = 0;
    for (let k = 0; k < n; k++) direct(xs, k).forEach((v, c) => s += a[k * d + c] * v);
    return s;
  };
  const grad = new Float32Array(n * d);
  decayedWindowMeansBackward(a, n, d, gamma, window, grad);
  const h = 1e-3;
  for (let i = 0; i < n * d; i++) {
    const plus = x.slice();
    plus[i] += h;
    const minus = x.slice();
    minus[i] -= h;
    const fd = (objective(plus) - objective(minus)) / (2 * h);
    assert.ok(Math.abs(fd - grad[i]) < 1e-4, `∂/∂x[${i}]: ${grad[i]} vs ${fd}`);
  }
});
