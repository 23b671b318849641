import assert from "node:assert/strict";
import { adamRows, createAdamSlot } from "./row_adam.ts";
import { addRow, createRowSet } from "./row_set.ts";

Deno.test("adamRows: Kingma & Ba's steps on touched rows only, gradients cleared", () => {
  const param = Float32Array.from([1, 2, 3, 4, 5, 6]); // 3 rows of width 2
  const grad = Float32Array.from([0.5, -2, 9, 9, 0, 4]);
  const slot = createAdamSlot(6);
  const rows = createRowSet(3);
  addRow(rows, 0);
  addRow(rows, 2);
  addRow(rows, 0);
  assert.equal(rows.size, 2);
  const lr = 0.1;
  adamRows(param, grad, slot, 2, rows, 1, { learningRate: lr });
  // Step 1: m̂ = g, v̂ = g², so θ moves by −α·g/(|g| + ε).
  const expected = [1 - lr, 2 + lr, 3, 4, 5, 6 - lr];
  expected.forEach((e, i) => assert.ok(Math.abs(param[i] - e) < 1e-6, `θ${i}`));
  assert.deepEqual([...grad], [0, 0, 9, 9, 0, 0]);
  // Step 2 on row 0 with g = 0.5 again: m = 0.9·0.05 + 0.05, v = 0.999·0.00025 + 0.00025.
  grad[0] = 0.5;
  const before = param[0];
  adamRows(param, grad, slot, 2, rows, 2, { learningRate: lr });
  const m = 0.9 * 0.05 + 0.1 * 0.5;
  const v = 0.999 * 0.001 * 0.25 + 0.001 * 0.25;
  const step = lr * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
  assert.ok(Math.abs(param[0] - (before - step)) < 1e-6);
});
