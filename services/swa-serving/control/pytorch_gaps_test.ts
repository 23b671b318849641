/**
 * Four gaps between the engine and PyTorch, each pinned on fixtures torch produced
 * (tools/swa_fixtures/generate_gaps.py → testdata/gaps/): BN recalibration with Dropout, exports
 * with BatchNorm folded into Conv, checkpoints of another graph, non-finite calibration data.
 */
import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { getInitializer, type onnx } from "@edgeml/shared/onnx";
import {
  averageToModel,
  type Checkpoint,
  collectSwag,
  createAverage,
  createSwag,
  readCheckpoint,
  updateAverage,
} from "@edgeml/shared/swa";
import { swagModels } from "./swag_models.ts";
import { updateBn } from "./update_bn.ts";
import { digitsRows, fixtureCheckpoints, manifest } from "./testing/fixtures.ts";
import { gaps, gapsCheckpoint, readGapsFixture } from "./testing/gaps_fixtures.ts";

const { dropout } = gaps;
const torch = dropout.update_bn;
const calibration = digitsRows(manifest.data.calibration_indices);
const batchSize = torch.batch_size;
const BN2 = ["bn2.running_mean", "bn2.running_var"];

const averageOf = (checkpoints: Checkpoint[]) =>
  checkpoints.reduce((s, c) => updateAverage(s, c), createAverage({ strategy: "equal" }));
const swaOf = (files: string[]) => averageToModel(averageOf(files.map(gapsCheckpoint)));
const floats = (model: onnx.IModelProto, name: string) =>
  getInitializer(model, name).data as Float32Array;
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce(
    (m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))),
    0,
  );
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

function domainError(code: string) {
  return (e: unknown) => e instanceof DomainError && e.kind === "unprocessable" && e.code === code;
}

// ---- 1. Dropout during BN recalibration ---------------------------------------------------

Deno.test('gaps dropout: "inference" matches torch update_bn with Dropout off to 1e-5, both exports', async () => {
  for (const files of [dropout.files.eval, dropout.files.dropout_kept]) {
    const ours = await updateBn(swaOf(files), calibration, [64], { batchSize });
    for (const [name, expected] of Object.entries(torch.reference_dropout_off)) {
      // Measured: ≤ 2.4e-7 absolute on every tensor (magnitudes up to 2.3).
      const err = maxRel(floats(ours, name), expected);
      assert.ok(err <= 1e-5, `${files[0]} ${name}: ${err}`);
    }
  }
});

Deno.test("gaps dropout: \"training\" matches torch's train-mode update_bn within torch's own seed-to-seed spread", async () => {
  const swa = swaOf(dropout.files.dropout_kept);
  const runs = [];
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    runs.push(await updateBn(swa, calibration, [64], { batchSize, dropout: "training", seed }));
  }
  // bn1 sits before the Dropout: as deterministic as without it.
  for (const name of ["bn1.running_mean", "bn1.running_var"]) {
    assert.ok(maxRel(floats(runs[0], name), torch.reference_dropout_off[name]) <= 1e-5, name);
  }
  for (const name of BN2) {
    const spread = torch.spread[name];
    // Torch's 10 seeds differ pairwise by up to 0.177 (running_mean) / 0.540 (running_var),
    // max-abs over channels. Ours (seeds 1–8) lie 0.053–0.111 / 0.188–0.492 from torch's
    // seed mean, like torch's own seeds (leave-one-out 0.112 / 0.411 at most).
    for (const [k, run] of runs.entries()) {
      const distance = maxAbs(floats(run, name), torch.dropout_on_seed_mean[name]);
      assert.ok(
        distance <= spread.max_pairwise_max_abs,
        `seed ${k + 1} ${name}: ${distance} > torch's spread ${spread.max_pairwise_max_abs}`,
      );
    }
  }
  // Dropout inflates bn2's variance (activations scaled by 1/(1 − 0.3) where kept): torch's
  // seeds give mean(running_var) 1.196–1.286× the Dropout-off value (mean 1.224); ours
  // 1.158–1.257× (mean 1.207). The means agree within half torch's range.
  const reference = mean(torch.reference_dropout_off["bn2.running_var"]);
  const torchRatios = torch.dropout_on_per_seed.map((s) => mean(s["bn2.running_var"]) / reference);
  const ourRatio = mean(runs.map((r) => mean(floats(r, "bn2.running_var")) / reference));
  const halfRange = (Math.max(...torchRatios) - Math.min(...torchRatios)) / 2;
  assert.ok(
    Math.abs(ourRatio - mean(torchRatios)) <= halfRange,
    `variance inflation ${ourRatio} vs torch ${mean(torchRatios)} ± ${halfRange}`,
  );
  assert.ok(ourRatio > 1.1);
});

Deno.test('gaps dropout: "training" is reproducible per seed, and refused without Dropout nodes', async () => {
  const swa = swaOf(dropout.files.dropout_kept);
  const run = (seed: number) =>
    updateBn(swa, calibration, [64], { batchSize, dropout: "training", seed });
  const [a, b, c] = [await run(11), await run(11), await run(12)];
  assert.deepEqual(floats(a, "bn2.running_var"), floats(b, "bn2.running_var"));
  assert.notDeepEqual(floats(a, "bn2.running_var"), floats(c, "bn2.running_var"));

  // The eval-mode export has no Dropout node (torch 1.13 leaves it out).
  await assert.rejects(
    updateBn(swaOf(dropout.files.eval), calibration, [64], { dropout: "training", seed: 1 }),
    (e: unknown) =>
      domainError("no_dropout_nodes")(e) &&
      /TrainingMode\.PRESERVE/.test((e as DomainError).detail),
  );
  await assert.rejects(
    updateBn(swa, calibration, [64], { dropout: "sometimes" as "training" }),
    (e: unknown) => e instanceof DomainError && e.code === "invalid_dropout_mode",
  );
});

Deno.test("gaps dropout: swagModels passes dropout and dropoutSeed through to updateBn", async () => {
  const posterior = (files: string[]) =>
    files.map(gapsCheckpoint).reduce((s, c) => collectSwag(s, c), createSwag({ maxRows: 4 }));
  const options = { samplesPerPosterior: 2, scale: 0.5, cov: true, seed: 3, calibration };
  const draw = async (files: string[], extra: Record<string, unknown>) => {
    const out = [];
    for await (
      const { model } of swagModels([posterior(files)], {
        ...options,
        rowShape: [64],
        ...extra,
      })
    ) out.push(floats(model, "bn2.running_var"));
    return out;
  };
  const kept = dropout.files.dropout_kept;
  const off = await draw(kept, {});
  const on = await draw(kept, { dropout: "training", dropoutSeed: 5 });
  assert.deepEqual(await draw(kept, { dropout: "training", dropoutSeed: 5 }), on);
  assert.ok(on.every((v, i) => mean(v) > mean(off[i])), "Dropout inflates bn2's variance");
  await assert.rejects(
    draw(dropout.files.eval, { dropout: "training", dropoutSeed: 5 }),
    domainError("no_dropout_nodes"),
  );
});

// ---- 2. Folded BatchNorm ------------------------------------------------------------------

Deno.test("gaps folded BN: a TrainingMode.EVAL export of the cnn is refused; PRESERVE exports pass", () => {
  const { file, first_conv } = gaps.folded_batch_norm;
  assert.throws(
    () => readCheckpoint(readGapsFixture(file), { source: file }),
    (e: unknown) => {
      assert.ok(domainError("folded_batch_norm")(e), String(e));
      const { detail, extra } = e as DomainError;
      assert.deepEqual(extra, { node: first_conv.name, initializer: first_conv.weight });
      assert.match(detail, /\/conv1\/Conv.*onnx::Conv_26/);
      assert.match(detail, /TrainingMode\.PRESERVE, do_constant_folding=False/);
      return true;
    },
  );
  assert.equal(fixtureCheckpoints(manifest.models.cnn).length, 6);
});

// ---- 3. Architecture by graph, not only by parameter shapes -------------------------------

for (const [key, fixture] of Object.entries(gaps.architecture)) {
  Deno.test(`gaps architecture: ${key} (same parameters, other graph) is refused, naming the node`, () => {
    const mlp = averageOf(fixtureCheckpoints(manifest.models.mlp));
    const other = gapsCheckpoint(fixture.file);
    assert.deepEqual(other.signature, mlp.latest!.signature); // shapes alone cannot tell
    const { index, name, op_type, reference_op_type } = fixture.first_differing_node;
    assert.throws(
      () => updateAverage(mlp, other, fixture.file),
      (e: unknown) => {
        assert.ok(domainError("architecture_mismatch")(e), String(e));
        const { detail, extra } = e as DomainError;
        assert.deepEqual(extra?.node, { index, name, opType: op_type });
        assert.equal((extra?.reference as { opType: string }).opType, reference_op_type);
        assert.deepEqual(
          extra?.differences,
          key === "bn2_eps" ? ["attribute epsilon 0.00001 → 0.001"] : ["op type Relu → Sigmoid"],
        );
        assert.ok(detail.includes(`node ${index} (${op_type} '${name}')`), detail);
        return true;
      },
    );
  });
}

// ---- 4. Non-finite calibration data -------------------------------------------------------

Deno.test("gaps calibration: a NaN or Infinity is refused naming batch, row and index", async () => {
  const swa = averageToModel(averageOf(fixtureCheckpoints(manifest.models.mlp)));
  for (const [bad, row, index] of [[NaN, 100, 17], [-Infinity, 255, 63], [Infinity, 0, 0]]) {
    const rows = calibration.slice();
    rows[row * 64 + index] = bad;
    await assert.rejects(updateBn(swa, rows, [64], { batchSize }), (e: unknown) => {
      assert.ok(domainError("non_finite_calibration")(e), String(e));
      const batch = Math.floor(row / batchSize);
      assert.deepEqual((e as DomainError).extra, { batch, row, index });
      assert.match((e as DomainError).detail, new RegExp(`${bad} in batch ${batch} `));
      return true;
    });
  }
});
