import assert from "node:assert/strict";
import { SWALR } from "./swalr.ts";

Deno.test("SWALR cos, 4 annealing steps, by hand from the formula", () => {
  const optimizer = { learningRate: 0.1 };
  const scheduler = new SWALR(optimizer, { swaLr: 0.02, annealEpochs: 4, annealStrategy: "cos" });
  // Step 0 (in the constructor): α = 0, the rate is untouched.
  assert.equal(optimizer.learningRate, 0.1);
  // Steps 1..4 move along α(t) = (1 − cos πt)/2 from 0.1 to 0.02, then hold.
  const alpha = (t: number) => (1 - Math.cos(Math.PI * t)) / 2;
  for (let s = 1; s <= 6; s++) {
    const lr = scheduler.step();
    const a = alpha(Math.min(1, s / 4));
    assert.ok(Math.abs(lr - (0.02 * a + 0.1 * (1 - a))) < 1e-15, `step ${s}: ${lr}`);
  }
  assert.equal(scheduler.lastLr, 0.02);
});

Deno.test("SWALR with annealEpochs 0 jumps to swaLr at construction; linear anneals linearly", () => {
  const jump = { learningRate: 0.3 };
  new SWALR(jump, { swaLr: 0.05, annealEpochs: 0 });
  assert.equal(jump.learningRate, 0.05);
  const optimizer = { learningRate: 0.1 };
  const linear = new SWALR(optimizer, { swaLr: 0.0, annealEpochs: 2, annealStrategy: "linear" });
  assert.ok(Math.abs(linear.step() - 0.05) < 1e-15);
  assert.equal(linear.step(), 0);
  assert.throws(() => new SWALR(optimizer, { swaLr: 0.1, annealEpochs: -1 }), RangeError);
  assert.throws(() => new SWALR(optimizer, { swaLr: -0.1 }), RangeError);
});
