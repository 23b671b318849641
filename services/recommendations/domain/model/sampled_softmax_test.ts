import assert from "node:assert/strict";
import { sampledSoftmax } from "./sampled_softmax.ts";

Deno.test("sampledSoftmax: loss is −log softmax(s)₀ and its gradient matches finite differences", () => {
  const logits = Float64Array.from([0.3, -1.2, 2.0, 0.7]);
  const grad = new Float64Array(4);
  const loss = sampledSoftmax(logits, 4, grad);
  const z = [...logits].reduce((a, s) => a + Math.exp(s), 0);
  assert.ok(Math.abs(loss - -Math.log(Math.exp(0.3) / z)) < 1e-12);
  const h = 1e-6;
  for (let c = 0; c < 4; c++) {
    const plus = logits.slice();
    plus[c] += h;
    const minus = logits.slice();
    minus[c] -= h;
    const scratch = new Float64Array(4);
    const fd = (sampledSoftmax(plus, 4, scratch) - sampledSoftmax(minus, 4, scratch)) / (2 * h);
    assert.ok(Math.abs(fd - grad[c]) < 1e-7, `∂ℓ/∂s${c}: ${grad[c]} vs ${fd}`);
  }
});

Deno.test("sampledSoftmax stays finite for large logits", () => {
  const grad = new Float64Array(2);
  const loss = sampledSoftmax(Float64Array.from([1000, 1001]), 2, grad);
  assert.ok(Math.abs(loss - Math.log(1 + Math.E)) < 1e-9);
  assert.ok(Number.isFinite(grad[0]) && Number.isFinite(grad[1]));
});
