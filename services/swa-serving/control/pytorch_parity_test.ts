/**
 * Parity with PyTorch: our averaging, update_bn, SWAG and SWALR against the numbers torch
 * computed on the same checkpoints (fixtures from tools/swa_fixtures/generate.py, in testdata/).
 *
 * The whole test lives with the control plane, beside its fixtures: the update_bn half needs
 * ONNX Runtime, and all halves read the same checkpoints and data. The core math
 * (`@edgeml/shared/swa`: averaging, SWAG moments, SWALR) is exercised through its public exports.
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { softmax } from "@edgeml/shared/eval";
import { encodeModel } from "@edgeml/shared/onnx";
import {
  type AverageOptions,
  averageToModel,
  type Checkpoint,
  collectSwag,
  createAverage,
  createSwag,
  readCheckpoint,
  SWALR,
  updateAverage,
} from "@edgeml/shared/swa";
import { updateBn } from "./update_bn.ts";
import {
  digitsRows,
  fixtureCheckpoints,
  manifest,
  readFixture,
  readFloats,
  rowShape,
} from "./testing/fixtures.ts";

function within(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    worst = Math.max(worst, err);
  }
  assert.ok(worst <= rel, `${what}: worst relative error ${worst} > ${rel}`);
}

function average(checkpoints: Checkpoint[], options: AverageOptions) {
  return checkpoints.reduce((s, c) => updateAverage(s, c), createAverage(options));
}

function assertSameTensors(ours: Checkpoint, torch: Checkpoint, rel: number, label: string) {
  assert.deepEqual(ours.tensors.map((t) => t.name).sort(), torch.tensors.map((t) => t.name).sort());
  for (const t of torch.tensors) {
    within(ours.byName.get(t.name)!.data, t.data, rel, `${label} ${t.name}`);
  }
}

for (const [name, model] of Object.entries(manifest.models)) {
  const expected = (key: string) => model.expected.files[key].file;

  Deno.test(`parity ${name}: AveragedModel weights (equal, EMA, use_buffers) to 1e-6`, () => {
    const checkpoints = fixtureCheckpoints(model);
    const cases: [string, AverageOptions][] = [
      ["averaged_equal", { strategy: "equal" }],
      ["averaged_ema", { strategy: "ema", decay: model.ema_decay }],
      ["averaged_equal_buffers", { strategy: "equal", useBuffers: true }],
    ];
    for (const [key, options] of cases) {
      const ours = readCheckpoint(encodeModel(averageToModel(average(checkpoints, options))));
      assertSameTensors(ours, readCheckpoint(readFixture(expected(key))), 1e-6, key);
    }
  });

  Deno.test(`parity ${name}: update_bn statistics to 1e-5, SWA test predictions to 1e-4`, async () => {
    const swa = averageToModel(average(fixtureCheckpoints(model), { strategy: "equal" }));
    const calibration = digitsRows(manifest.data.calibration_indices);
    const ours = await updateBn(swa, calibration, rowShape(model), {
      batchSize: model.update_bn_batch_size,
    });
    const torch = readCheckpoint(readFixture(expected("swa_update_bn")));
    assertSameTensors(readCheckpoint(encodeModel(ours)), torch, 1e-5, "update_bn");

    const test = digitsRows(manifest.data.test_indices);
    const session = await ort.InferenceSession.create(encodeModel(ours));
    const rows = manifest.data.test_indices.length;
    const out = await session.run({
      input: new ort.Tensor("float32", test, [rows, ...rowShape(model)]),
    });
    await session.release();
    const logits = out.logits.data as Float32Array;
    const torchLogits = readFloats(expected("swa_test_logits"));
    within(logits, torchLogits, 1e-4, "test logits");
    within(softmax(logits, 10), softmax(torchLogits, 10), 1e-4, "test probabilities");
  });

  Deno.test(`parity ${name}: SWAG moments and deviation matrix`, () => {
    const state = fixtureCheckpoints(model).reduce(
      (s, c) => collectSwag(s, c),
      createSwag({ maxRows: model.swag_K }),
    );
    const order = model.expected.swag_parameter_order;
    // Re-lay our vectors in torch's parameters() order before comparing.
    const offsets = new Map(state.layout.map((l) => [l.name, l]));
    const relayout = (flat: Float32Array) => {
      const out = new Float32Array(flat.length);
      let at = 0;
      for (const p of order) {
        const l = offsets.get(p.name)!;
        assert.equal(l.size, p.numel, p.name);
        out.set(flat.subarray(l.offset, l.offset + l.size), at);
        at += l.size;
      }
      return out;
    };
    within(relayout(state.mean), readFloats(expected("swag_mean")), 1e-6, "SWAG mean");
    within(relayout(state.sqMean), readFloats(expected("swag_sq_mean")), 1e-6, "SWAG sq_mean");
    const deviations = readFloats(expected("swag_deviations"));
    const P = state.mean.length;
    assert.equal(state.deviations.length, deviations.length / P);
    state.deviations.forEach((row, r) =>
      within(
        relayout(row),
        deviations.subarray(r * P, (r + 1) * P),
        1e-6,
        `SWAG deviation row ${r}`,
      )
    );
  });
}

interface SwalrCase {
  swa_lr: number;
  anneal_epochs: number;
  anneal_strategy: "cos" | "linear";
  lr_before_swalr: number;
  during: { before_step: number; lr: number } | null;
  lrs: number[];
}

Deno.test("parity: SWALR learning-rate sequences to 1e-12", () => {
  const { cases } = JSON.parse(new TextDecoder().decode(readFixture(manifest.swalr))) as {
    cases: SwalrCase[];
  };
  assert.ok(cases.length >= 16);
  for (const c of cases) {
    const optimizer = { learningRate: c.lr_before_swalr };
    const scheduler = new SWALR(optimizer, {
      swaLr: c.swa_lr,
      annealEpochs: c.anneal_epochs,
      annealStrategy: c.anneal_strategy,
    });
    const ours = [optimizer.learningRate];
    for (let step = 1; step < c.lrs.length; step++) {
      if (c.during?.before_step === step) optimizer.learningRate = c.during.lr;
      ours.push(scheduler.step());
    }
    ours.forEach((lr, i) =>
      assert.ok(
        Math.abs(lr - c.lrs[i]) <= 1e-12,
        `${JSON.stringify(c).slice(0, 80)} step ${i}: ${lr} vs ${c.lrs[i]}`,
      )
    );
  }
});
