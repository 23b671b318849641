import assert from "node:assert/strict";
import { DomainError, type DomainErrorKind } from "../errors/domain_error.ts";
import { createGraphBuilder } from "../onnx/graph_builder.ts";
import { encodeModel } from "../onnx/model_io.ts";
import { readCheckpoint } from "./checkpoint.ts";
import {
  collectSwag,
  createSwag,
  sampleMultiSwag,
  sampleSwag,
  swagParametersToModel,
  swagVariance,
} from "./swag.ts";
import { getInitializer } from "../onnx/initializers.ts";

/** input [-1, 2] → Gemm(w [2, 2], b [2]): six parameters θ = (w, b), set per checkpoint. */
function tiny(theta: number[]): Uint8Array {
  const b = createGraphBuilder("tiny");
  const x = b.input("input", "float32", [-1, 2]);
  const w = b.initializer("w", Float32Array.from(theta.slice(0, 4)), [2, 2]);
  const bias = b.initializer("b", Float32Array.from(theta.slice(4)), [2]);
  b.output(b.gemm(x, w, bias), "output", "float32", [-1, 2]);
  return encodeModel(b.build());
}

const THETAS = [
  [0.1, -0.2, 0.3, 0.5, 1.0, -1.0],
  [0.2, -0.1, 0.1, 0.6, 1.2, -0.7],
  [0.05, -0.3, 0.4, 0.2, 0.9, -1.1],
  [0.3, 0.0, 0.2, 0.4, 1.4, -0.9],
  [0.15, -0.25, 0.35, 0.55, 1.1, -0.8],
];

function collectAll(maxRows: number) {
  return THETAS.reduce((s, t) => collectSwag(s, readCheckpoint(tiny(t))), createSwag({ maxRows }));
}

Deno.test("SWAG moments are the running means of θ and θ², deviations against the updated mean", () => {
  const state = collectAll(3);
  const P = 6;
  for (let j = 0; j < P; j++) {
    const mean = THETAS.reduce((s, t) => s + t[j], 0) / THETAS.length;
    const sq = THETAS.reduce((s, t) => s + t[j] * t[j], 0) / THETAS.length;
    assert.ok(Math.abs(state.mean[j] - mean) < 1e-6);
    assert.ok(Math.abs(state.sqMean[j] - sq) < 1e-6);
  }
  // K = 3: rows for checkpoints 3, 4, 5, each θ_k − mean of θ_1..θ_k.
  assert.equal(state.deviations.length, 3);
  state.deviations.forEach((row, r) => {
    const k = r + 3;
    for (let j = 0; j < P; j++) {
      const runningMean = THETAS.slice(0, k).reduce((s, t) => s + t[j], 0) / k;
      assert.ok(Math.abs(row[j] - (THETAS[k - 1][j] - runningMean)) < 1e-6);
    }
  });
  assert.equal(state.n, 5);
});

Deno.test("SWAG samples: seeded and reproducible; covariance matches scale·(diag(var) + DᵀD/(K − 1))", () => {
  const state = collectAll(3);
  const scale = 0.5;
  const K = 3;
  const variance = swagVariance(state);
  const P = 6;
  const expected = Array.from({ length: P }, (_, i) =>
    Array.from({ length: P }, (_, j) => {
      const low = state.deviations.reduce((s, row) => s + row[i] * row[j], 0) / (K - 1);
      return scale * ((i === j ? variance[i] : 0) + low);
    }));
  const S = 20_000;
  const samples = Array.from(
    { length: S },
    (_, s) => sampleSwag(state, { scale, cov: true, seed: 1000 + s }),
  );
  assert.deepEqual(sampleSwag(state, { scale, cov: true, seed: 1000 }), samples[0]);
  const mean = Array.from({ length: P }, (_, j) => samples.reduce((a, x) => a + x[j], 0) / S);
  for (let i = 0; i < P; i++) {
    // Sample mean within 5 standard errors of θ̄.
    assert.ok(Math.abs(mean[i] - state.mean[i]) < 5 * Math.sqrt(expected[i][i] / S), `mean ${i}`);
    for (let j = 0; j < P; j++) {
      const cov = samples.reduce((a, x) => a + (x[i] - mean[i]) * (x[j] - mean[j]), 0) / (S - 1);
      // Standard error of a Gaussian sample covariance: √((Σᵢᵢ Σⱼⱼ + Σᵢⱼ²)/S).
      const se = Math.sqrt((expected[i][i] * expected[j][j] + expected[i][j] ** 2) / S);
      assert.ok(
        Math.abs(cov - expected[i][j]) < 5 * se,
        `cov[${i}][${j}] ${cov} vs ${expected[i][j]}`,
      );
    }
  }
});

Deno.test("SWAG refuses scale < 0 (invalid) and a covariance without K >= 2 (unprocessable)", () => {
  const state = collectAll(3);
  const problem = (fn: () => unknown, kind: DomainErrorKind, code: string) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof DomainError && e.kind === kind && e.code === code,
    );
  problem(() => sampleSwag(state, { scale: -1, cov: false, seed: 1 }), "invalid", "invalid_scale");
  problem(
    () => sampleSwag(collectAll(1), { scale: 1, cov: true, seed: 1 }),
    "unprocessable",
    "covariance_needs_k",
  );
  // Diagonal-only sampling is fine with K = 1.
  assert.equal(sampleSwag(collectAll(1), { scale: 1, cov: false, seed: 1 }).length, 6);
});

Deno.test("a SWAG sample becomes a model with the sampled weights", () => {
  const state = collectAll(3);
  const sample = sampleSwag(state, { scale: 0.5, cov: true, seed: 7 });
  const model = swagParametersToModel(state, sample);
  const w = getInitializer(model, "w").data as Float32Array;
  const b = getInitializer(model, "b").data as Float32Array;
  assert.deepEqual(Array.from(w), Array.from(sample.slice(0, 4), Math.fround));
  assert.deepEqual(Array.from(b), Array.from(sample.slice(4), Math.fround));
});

Deno.test("MultiSWAG draws the same number of samples from each posterior, reproducibly", () => {
  const a = collectAll(3);
  const b = THETAS.slice().reverse().reduce(
    (s, t) => collectSwag(s, readCheckpoint(tiny(t.map((v) => v + 1)))),
    createSwag({ maxRows: 3 }),
  );
  const draws = [
    ...sampleMultiSwag([a, b], { samplesPerPosterior: 4, scale: 0.5, cov: true, seed: 9 }),
  ];
  assert.deepEqual(draws.map((d) => d.posterior), [0, 0, 0, 0, 1, 1, 1, 1]);
  // Posterior 1 is centred about one unit higher (every θ shifted by 1).
  const meanOf = (p: number) =>
    draws.filter((d) => d.posterior === p).reduce((s, d) => s + d.parameters[0], 0) / 4;
  assert.ok(meanOf(1) - meanOf(0) > 0.5);
  const again = [
    ...sampleMultiSwag([a, b], { samplesPerPosterior: 4, scale: 0.5, cov: true, seed: 9 }),
  ];
  assert.deepEqual(again, draws);
  assert.throws(
    () => [...sampleMultiSwag([], { samplesPerPosterior: 1, scale: 1, cov: false, seed: 1 })],
  );
});
