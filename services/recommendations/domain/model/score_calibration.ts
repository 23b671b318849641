/**
 * The CTR calibration a version is served with (`exploration/ctr_calibration.ts`: Platt's
 * p(click | s) = σ(A·s + B)), fitted on the logged impressions of the training data: each shown
 * item scored by the trained model for the user as they were when it was shown (their vector
 * from the interactions before that time, so a click does not explain itself), clicked or not.
 *
 * With too few impressions to fit (fewer than `minImpressions`, or no clicks, or no misses) the
 * calibration only sets the scale: A = 1/σ and B = −3 − μ/σ for the mean μ and deviation σ of
 * the scores of random (user, item) pairs, so an average item is a 5% CTR for a user and each
 * standard deviation above it multiplies the odds by e. `source` says which was used.
 *
 * @example
 * ```ts
 * const { calibration, source } = calibrateScores(model, data); // source: "impressions"
 * ```
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import { type CtrCalibration, fitCtrCalibration } from "../exploration/ctr_calibration.ts";
import { groupByUser } from "./sequences.ts";
import { itemVectors, type TwoTowerModel } from "./two_tower.ts";
import type { TrainingData } from "./types.ts";
import { userVector } from "./user_tower.ts";

export interface ScoreCalibration {
  calibration: CtrCalibration;
  source: "impressions" | "score spread";
  /** Impressions it was fitted on (0 for the score spread). */
  impressions: number;
}

export function calibrateScores(
  model: TwoTowerModel,
  data: TrainingData,
  { minImpressions = 200, seed = 1 }: { minImpressions?: number; seed?: number } = {},
): ScoreCalibration {
  const width = model.dim + 1;
  const vectors = itemVectors(model);
  const sequences = groupByUser(data.interactions, data.numUsers);
  const tokensOf = (u: number) =>
    data.userTokens.tokens.subarray(data.userTokens.offsets[u], data.userTokens.offsets[u + 1]);
  /** u's vector from their interactions strictly before `time`. */
  const vectorAt = (u: number, time: number) => {
    let lo = sequences.offsets[u], hi = sequences.offsets[u + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sequences.times[mid] < time) lo = mid + 1;
      else hi = mid;
    }
    return userVector(model, sequences.items.subarray(sequences.offsets[u], lo), tokensOf(u));
  };
  const score = (user: Float32Array, item: number) => {
    let dot = 0;
    for (let c = 0; c < width; c++) dot += user[c] * vectors[item * width + c];
    return dot;
  };

  const shown = data.impressions;
  const rows = shown?.user.length ?? 0;
  let clicks = 0;
  for (let r = 0; r < rows; r++) clicks += shown!.clicked[r];
  if (shown && rows >= minImpressions && clicks > 0 && clicks < rows) {
    const cache = new Map<string, Float32Array>();
    const impressions = Array.from({ length: rows }, (_, r) => {
      const key = `${shown.user[r]}@${shown.time[r]}`;
      let user = cache.get(key);
      if (!user) cache.set(key, user = vectorAt(shown.user[r], shown.time[r]));
      return { score: score(user, shown.item[r]), clicked: shown.clicked[r] === 1 };
    });
    return {
      calibration: fitCtrCalibration(impressions),
      source: "impressions",
      impressions: rows,
    };
  }

  const random = mulberry32(seed);
  const scores: number[] = [];
  for (let s = 0; s < 2000 && data.numUsers > 0 && data.numItems > 0; s++) {
    const u = Math.floor(random() * data.numUsers);
    scores.push(score(vectorAt(u, Infinity), Math.floor(random() * data.numItems)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
  const variance = scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, scores.length);
  const deviation = Math.sqrt(variance) || 1;
  return {
    calibration: { slope: 1 / deviation, intercept: -3 - mean / deviation },
    source: "score spread",
    impressions: 0,
  };
}
