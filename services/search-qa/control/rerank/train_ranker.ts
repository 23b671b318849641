/**
 * Trains the re-ranker with tfjs: a one-hidden-layer MLP over standardised features,
 *
 *   x̂ = (x − μ) / σ        μ, σ over the training rows (σ = 1 where a feature is constant)
 *   z = relu(x̂ W1 + b1) W2 + b2,   score = sigmoid(z)
 *
 * with ListNet's top-one softmax loss (Cao et al., *Learning to Rank: From Pairwise Approach to
 * Listwise Approach*, ICML 2007) extended to several relevant candidates: per query q with
 * candidates C and relevant set P,
 *
 *   L_q = −log( Σ_{i∈P} exp z_i / Σ_{j∈C} exp z_j )
 *
 * averaged over queries (a weighted mean Σ w_q L_q / Σ w_q where groups carry a `weight`), plus
 * λ‖W‖² weight decay, minimised full-batch with Adam. Queries are padded to the longest
 * candidate list and padding masked out of both sums. Features constant
 * in training (the feedback prior at build time, a kind that is absent) have their W1 rows set
 * to zero afterwards, so unseen values cannot move the score. Seeded and deterministic.
 *
 * @example
 * ```ts
 * const { weights, predict } = await trainRanker(groups, { hidden: 16 });
 * predict(featureRows, rows); // Float32Array of sigmoid scores
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "@edgeml/shared/onnx";
import type { TrainingGroup } from "./training_data.ts";

tf.env().set("PROD", true); // silences the CPU backend's "use tfjs-node" banner under Deno

export interface RankerWeights {
  features: number;
  hidden: number;
  mean: Float32Array;
  std: Float32Array;
  /** [features, hidden] row-major. */
  w1: Float32Array;
  b1: Float32Array;
  /** [hidden]. */
  w2: Float32Array;
  b2: number;
}

export interface TrainedRanker {
  weights: RankerWeights;
  /** The tfjs model's sigmoid scores of raw (unstandardised) feature rows. */
  predict(features: Float32Array, rows: number): Float32Array;
  /** Frees the tfjs variables. */
  dispose(): void;
}

export interface TrainRankerOptions {
  hidden?: number;
  steps?: number;
  learningRate?: number;
  weightDecay?: number;
  seed?: number;
}

function standardisation(groups: readonly TrainingGroup[], width: number) {
  const mean = new Float64Array(width), sq = new Float64Array(width);
  let n = 0;
  for (const g of groups) {
    for (let r = 0; r < g.rows; r++, n++) {
      for (let f = 0; f < width; f++) {
        const x = g.features[r * width + f];
        mean[f] += x;
        sq[f] += x * x;
      }
    }
  }
  const m = Float32Array.from(mean, (s) => s / n);
  const std = Float32Array.from(sq, (s, f) => {
    const v = s / n - m[f] * m[f];
    return v > 1e-12 ? Math.sqrt(v) : 0;
  });
  return { mean: m, std };
}

export async function trainRanker(
  groups: readonly TrainingGroup[],
  width: number,
  { hidden = 8, steps = 150, learningRate = 0.03, weightDecay = 1e-4, seed = 7 }:
    TrainRankerOptions = {},
): Promise<TrainedRanker> {
  await tf.setBackend("cpu");
  const { mean, std } = standardisation(groups, width);
  const scale = Float32Array.from(std, (s) => (s > 0 ? s : 1));
  const constant = Float32Array.from(std, (s) => (s > 0 ? 1 : 0));
  const longest = Math.max(...groups.map((g) => g.rows));
  const x = new Float32Array(groups.length * longest * width);
  const valid = new Float32Array(groups.length * longest);
  const relevant = new Float32Array(groups.length * longest);
  groups.forEach((g, q) => {
    for (let r = 0; r < g.rows; r++) {
      const at = q * longest + r;
      for (let f = 0; f < width; f++) {
        x[at * width + f] = (g.features[r * width + f] - mean[f]) / scale[f];
      }
      valid[at] = 1;
      relevant[at] = g.labels[r];
    }
  });

  const random = mulberry32(seed);
  const init = (n: number, bound: number) =>
    Float32Array.from({ length: n }, () => (random() * 2 - 1) * bound);
  const w1 = tf.variable(tf.tensor2d(init(width * hidden, Math.sqrt(6 / width)), [width, hidden]));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.tensor2d(init(hidden, Math.sqrt(3 / hidden)), [hidden, 1]));
  const b2 = tf.variable(tf.zeros([1]));
  const logits = (input: tf.Tensor2D) =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(input, w1), b1)), w2), b2) as tf.Tensor2D;

  const xs = tf.tensor2d(x, [groups.length * longest, width]);
  const validMask = tf.tensor2d(valid, [groups.length, longest]);
  const relevantMask = tf.tensor2d(relevant, [groups.length, longest]);
  // Without weights the plain mean, as before weights existed.
  const queryWeights = groups.map((g) => g.weight ?? 1);
  const totalWeight = queryWeights.reduce((a, b) => a + b, 0);
  const weightsT = queryWeights.some((w) => w !== 1)
    ? tf.tensor1d(queryWeights.map((w) => w / totalWeight))
    : undefined;
  const optimizer = tf.train.adam(learningRate);
  const NEG = -1e9;
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      optimizer.minimize(() => {
        const z = logits(xs).reshape([groups.length, longest]);
        const all = tf.logSumExp(tf.add(z, tf.mul(tf.sub(1, validMask), NEG)), 1);
        const pos = tf.logSumExp(tf.add(z, tf.mul(tf.sub(1, relevantMask), NEG)), 1);
        const decay = tf.mul(weightDecay, tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))));
        const losses = tf.sub(all, pos);
        const loss = weightsT ? tf.sum(tf.mul(losses, weightsT)) : tf.mean(losses);
        return tf.add(loss, decay) as tf.Scalar;
      });
    });
  }
  // a feature constant in training carries no signal: it must not move the score later
  w1.assign(tf.mul(w1, tf.tensor2d(constant, [width, 1])));
  tf.dispose([xs, validMask, relevantMask, ...(weightsT ? [weightsT] : [])]);
  optimizer.dispose();

  const weights: RankerWeights = {
    features: width,
    hidden,
    mean,
    std: scale,
    w1: Float32Array.from(w1.dataSync()),
    b1: Float32Array.from(b1.dataSync()),
    w2: Float32Array.from(w2.dataSync()),
    b2: b2.dataSync()[0],
  };
  const meanT = tf.tensor1d(mean), scaleT = tf.tensor1d(scale);
  const predict = (features: Float32Array, rows: number) =>
    tf.tidy(() => {
      const input = tf.div(tf.sub(tf.tensor2d(features, [rows, width]), meanT), scaleT);
      return Float32Array.from(tf.sigmoid(logits(input as tf.Tensor2D)).dataSync());
    });
  const dispose = () => tf.dispose([w1, b1, w2, b2, meanT, scaleT]);
  return { weights, predict, dispose };
}
