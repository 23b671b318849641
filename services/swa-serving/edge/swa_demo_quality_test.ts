/**
 * The embedded default's demo model, `digits`, evaluated over HTTP on the fixtures' 360-row test
 * split reproduces the engine's quality table (`deno task bench:swa`): the last checkpoint and
 * the SWA model give PyTorch's own accuracy and NLL, and SWAG / MultiSWAG the metrics of the
 * engine's offline Bayesian model average over the same draws (S = 30, scale 0.5, seed 1000).
 */
import assert from "node:assert/strict";
import type { ModeMetrics } from "@edgeml/shared/contracts/swa";
import { classificationMetrics } from "@edgeml/shared/eval";
import { collectSwag, createSwag, type SwagState } from "@edgeml/shared/swa";
import { createSwaClient } from "@edgeml/swa-serving/client";
import { predictProbabilities } from "../control/bench/predict.ts";
import { DEMO_FINALIZE } from "../control/demo_model.ts";
import { swagModels } from "../control/swag_models.ts";
import {
  digitsLabels,
  digitsRows,
  fixtureCheckpoints,
  manifest,
} from "../control/testing/fixtures.ts";
import { startEmbedded } from "@edgeml/gateway/testing";

const mlp = manifest.models.mlp;
const testRows = digitsRows(manifest.data.test_indices);
const testLabels = digitsLabels(manifest.data.test_indices);
const calibration = digitsRows(manifest.data.calibration_indices);

/** The engine's offline SWAG / MultiSWAG average, exactly as the quality table computes it. */
async function offlineMetrics(posteriors: SwagState[]) {
  let sum: Float64Array | undefined;
  let count = 0;
  for await (
    const { model } of swagModels(posteriors, {
      samplesPerPosterior: DEMO_FINALIZE.samples,
      scale: DEMO_FINALIZE.scale,
      cov: DEMO_FINALIZE.covariance,
      seed: DEMO_FINALIZE.seed,
      calibration,
      rowShape: [64],
      batchSize: DEMO_FINALIZE.batchSize,
    })
  ) {
    const p = await predictProbabilities(model, testRows, [64]);
    sum = sum ? sum.map((v, i) => v + p[i]) : p;
    count++;
  }
  return classificationMetrics(sum!.map((v) => v / count), testLabels, 10, 15);
}

Deno.test("swa-serving: evaluate on the demo model reproduces the engine's quality table", async () => {
  const server = await startEmbedded({ demo: true });
  try {
    const api = createSwaClient({ baseUrl: server.url });
    const model = await api.getModel("digits");
    assert.equal(model.liveVersion, 1);
    const inputs = Array.from(
      { length: testLabels.length },
      (_, r) => Array.from(testRows.subarray(r * 64, (r + 1) * 64)),
    );
    const { results, rows } = await api.evaluate("digits", 1, {
      inputs,
      labels: Array.from(testLabels, String),
    });
    assert.equal(rows, 360);
    const byMode = new Map<string, ModeMetrics>(results.map((r) => [r.mode, r]));

    const torchLast = (mlp.runs[0].checkpoints.at(-1) as unknown as {
      test: { accuracy: number; nll: number };
    }).test;
    const torchSwa = mlp.expected.test_metrics.swa_update_bn;
    for (const [mode, torch] of [["checkpoint", torchLast], ["swa", torchSwa]] as const) {
      const ours = byMode.get(mode)!;
      assert.equal(ours.accuracy, torch.accuracy, mode);
      assert.ok(Math.abs(ours.nll - torch.nll) < 1e-5, `${mode}: NLL ${ours.nll} vs ${torch.nll}`);
    }

    const posteriors = mlp.runs.map((_, run) =>
      fixtureCheckpoints(mlp, run).reduce((s, c) => collectSwag(s, c), createSwag({ maxRows: 10 }))
    );
    for (
      const [mode, use, samples] of [
        ["swag", posteriors.slice(0, 1), 30],
        ["multiswag", posteriors, 90],
      ] as const
    ) {
      const ours = byMode.get(mode)!;
      const engine = await offlineMetrics([...use]);
      assert.equal(ours.samples, samples);
      assert.equal(ours.accuracy, engine.accuracy, mode);
      for (const metric of ["nll", "ece", "brier"] as const) {
        assert.ok(
          Math.abs(ours[metric]! - engine[metric]) < 1e-6,
          `${mode} ${metric}: ${ours[metric]} vs ${engine[metric]}`,
        );
      }
    }
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
