/**
 * SWA-Gaussian (Maddox et al. 2019), after the reference code `wjmaddox/swa_gaussian`,
 * `swag/posteriors/swag.py`. Over the trainable parameters θ (BatchNorm buffers excluded),
 * collected checkpoint by checkpoint with n already collected:
 *
 *   θ̄ ← θ̄·n/(n+1) + θ/(n+1),   θ²̄ ← θ²̄·n/(n+1) + θ²/(n+1),   D ← [D; θ − θ̄]  (last K rows)
 *
 * (the deviation is taken against the mean that already includes θ), and a sample is
 *
 *   θ̃ = θ̄ + √scale · ( √var ⊙ z₁ + Dᵀz₂ / √(K − 1) ),   var = max(θ²̄ − θ̄², 1e-30)
 *
 * with z₁ ~ N(0, I_P), z₂ ~ N(0, I_K). Moments use the reference's float32 operation order.
 */
import { invalid, unprocessable } from "../errors/domain_error.ts";
import type { onnx } from "../onnx/proto.ts";
import { withTensors } from "./averaging.ts";
import { assertSameArchitecture, type Checkpoint } from "./checkpoint.ts";
import { createGaussian } from "./gaussian.ts";

export interface SwagState {
  /** K: deviation rows kept (the reference's `max_num_models`). */
  maxRows: number;
  n: number;
  /** Parameter names and sizes in flattening order (the model's initializer order). */
  layout: { name: string; size: number; offset: number }[];
  mean: Float32Array;
  sqMean: Float32Array;
  /** Oldest first; at most maxRows. */
  deviations: Float32Array[];
  latest?: Checkpoint;
}

const f = Math.fround;
/** The reference implementation's `var_clamp`. */
export const VAR_CLAMP = 1e-30;

export function createSwag({ maxRows = 20 }: { maxRows?: number } = {}): SwagState {
  if (!Number.isInteger(maxRows) || maxRows < 0) {
    throw unprocessable("invalid_max_rows", `maxRows (K) must be an integer >= 0, got ${maxRows}`);
  }
  return {
    maxRows,
    n: 0,
    layout: [],
    mean: new Float32Array(0),
    sqMean: new Float32Array(0),
    deviations: [],
  };
}

function layoutOf(checkpoint: Checkpoint) {
  let offset = 0;
  return checkpoint.tensors.filter((t) => t.role === "parameter").map((t) => {
    const entry = { name: t.name, size: t.data.length, offset };
    offset += t.data.length;
    return entry;
  });
}

/** Collects one checkpoint; returns a new state, the input state is left untouched. */
export function collectSwag(
  state: SwagState,
  checkpoint: Checkpoint,
  source = "checkpoint",
): SwagState {
  if (state.latest) assertSameArchitecture(state.latest, checkpoint, source);
  const layout = state.n === 0 ? layoutOf(checkpoint) : state.layout;
  const size = layout.reduce((total, l) => total + l.size, 0);
  const mean = new Float32Array(size);
  const sqMean = new Float32Array(size);
  const deviation = new Float32Array(size);
  const n = state.n;
  for (const { name, offset } of layout) {
    const theta = checkpoint.byName.get(name)!.data;
    for (let i = 0; i < theta.length; i++) {
      const j = offset + i;
      const p = theta[i];
      const oldMean = n === 0 ? 0 : state.mean[j];
      const oldSq = n === 0 ? 0 : state.sqMean[j];
      mean[j] = f(f(f(oldMean * n) / (n + 1)) + f(p / (n + 1)));
      sqMean[j] = f(f(f(oldSq * n) / (n + 1)) + f(f(p * p) / (n + 1)));
      deviation[j] = f(p - mean[j]);
    }
  }
  const deviations = state.maxRows > 0
    ? [...state.deviations, deviation].slice(-state.maxRows)
    : [];
  return { maxRows: state.maxRows, n: n + 1, layout, mean, sqMean, deviations, latest: checkpoint };
}

export interface SampleOptions {
  /** Multiplies the covariance (0.5 in the SWAG paper's experiments); must be >= 0. */
  scale: number;
  /** Use the low-rank part DᵀD/(K − 1) as well as the diagonal. */
  cov: boolean;
  seed: number;
}

/** The diagonal variance θ²̄ − θ̄², clamped as the reference does. */
export function swagVariance(state: SwagState): Float32Array {
  const variance = new Float32Array(state.mean.length);
  for (let j = 0; j < variance.length; j++) {
    variance[j] = Math.max(f(state.sqMean[j] - f(state.mean[j] * state.mean[j])), VAR_CLAMP);
  }
  return variance;
}

/** Draws one flattened parameter vector θ̃ from the SWAG posterior. */
export function sampleSwag(state: SwagState, { scale, cov, seed }: SampleOptions): Float64Array {
  if (!(scale >= 0) || !Number.isFinite(scale)) {
    throw invalid("invalid_scale", `scale must be a finite number >= 0, got ${scale}`);
  }
  if (state.n === 0) throw unprocessable("empty_swag", "no checkpoint has been collected yet");
  if (cov && state.maxRows < 2) {
    throw unprocessable(
      "covariance_needs_k",
      `a low-rank covariance needs K >= 2 deviation rows; this posterior keeps K = ${state.maxRows}`,
    );
  }
  if (cov && state.deviations.length < 2) {
    throw unprocessable(
      "covariance_needs_k",
      `a low-rank covariance needs at least 2 collected checkpoints, have ${state.deviations.length}`,
    );
  }
  const normal = createGaussian(seed);
  const variance = swagVariance(state);
  const sample = new Float64Array(state.mean.length);
  for (let j = 0; j < sample.length; j++) sample[j] = Math.sqrt(variance[j]) * normal();
  if (cov) {
    // The reference divides by √(K − 1) with K the configured maximum, not the rows held.
    const norm = 1 / Math.sqrt(state.maxRows - 1);
    for (const row of state.deviations) {
      const z = normal() * norm;
      for (let j = 0; j < sample.length; j++) sample[j] += row[j] * z;
    }
  }
  const root = Math.sqrt(scale);
  for (let j = 0; j < sample.length; j++) sample[j] = state.mean[j] + root * sample[j];
  return sample;
}

/** Writes a flattened parameter vector (a sample, or the mean) into the latest checkpoint's graph. */
export function swagParametersToModel(state: SwagState, flat: ArrayLike<number>): onnx.ModelProto {
  if (!state.latest) throw unprocessable("empty_swag", "no checkpoint has been collected yet");
  const tensors = new Map<string, Float32Array>();
  for (const { name, size, offset } of state.layout) {
    tensors.set(name, Float32Array.from({ length: size }, (_, i) => flat[offset + i]));
  }
  return withTensors(state.latest.model, tensors);
}

/**
 * MultiSWAG (Wilson & Izmailov 2020): an equal mixture of independent SWAG posteriors (one per
 * training run). Yields `samplesPerPosterior` draws from each, posterior by posterior; averaging
 * the predictions of all draws gives the mixture's Bayesian model average.
 */
export function* sampleMultiSwag(
  posteriors: readonly SwagState[],
  { samplesPerPosterior, ...options }: SampleOptions & { samplesPerPosterior: number },
): Generator<{ posterior: number; parameters: Float64Array }> {
  if (posteriors.length === 0) {
    throw unprocessable("empty_mixture", "MultiSWAG needs at least one posterior");
  }
  for (const [posterior, state] of posteriors.entries()) {
    for (let s = 0; s < samplesPerPosterior; s++) {
      // Distinct, reproducible streams per (posterior, sample).
      const seed = (options.seed + posterior * 1_000_003 + s) >>> 0;
      yield { posterior, parameters: sampleSwag(state, { ...options, seed }) };
    }
  }
}
