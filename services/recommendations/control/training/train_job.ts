/**
 * What one solution version's training computes, as plain functions of its data (run inside
 * workers by `train_in_worker.ts`, so the gateway's event loop never waits on them):
 *
 * - FULL: the offline metrics, Personalize's way (each held-out user's newest 10% of
 *   interactions are targets; a model trained on the rest is scored against them, beside the
 *   popularity baseline), and the served model, trained FULL on every interaction: two
 *   independent parts, run in two workers at once.
 * - UPDATE: the previous version's model folded forward on the interactions after the time it
 *   was trained through; no new metrics (its targets would be in its own training data).
 *
 * Either way the served model's scores are then calibrated to click-through on the logged
 * impressions (`score_calibration.ts`).
 */
import { evaluateOffline, type OfflineMetrics } from "../../domain/model/evaluate.ts";
import { timeHoldout } from "../../domain/model/holdout.ts";
import { popularityCounts, popularityRecommender } from "../../domain/model/popularity.ts";
import { twoTowerRecommender } from "../../domain/model/recommend.ts";
import { trainFull, type TrainOptions, trainUpdate } from "../../domain/model/train.ts";
import type { TwoTowerModel } from "../../domain/model/two_tower.ts";
import type { TrainingData } from "../../domain/model/types.ts";
import { calibrateScores, type ScoreCalibration } from "../../domain/model/score_calibration.ts";

export interface TrainJobInput {
  mode: "FULL" | "UPDATE";
  data: TrainingData;
  /** UPDATE: the model to continue and the time it was trained through. */
  previous?: { model: TwoTowerModel; trainedThrough: number };
  options?: TrainOptions;
  /** Held-out users scored for the metrics (a seeded sample; default 2000). */
  evaluationUsers?: number;
}

/** The served model of a version, calibrated. */
export interface ServedModelOutput {
  model: TwoTowerModel;
  /** Relevance → CTR for the exploration priors, fitted on the logged impressions. */
  calibration: ScoreCalibration;
  /** Seconds spent training the served model. */
  trainingSeconds: number;
}

/** A FULL version's offline metrics and the popularity baseline's. */
export interface EvaluationOutput {
  metrics: OfflineMetrics;
  baselineMetrics: OfflineMetrics;
}

/**
 * The two independent halves of a version's training, so they can run in two workers at once
 * (a FULL version's wall time is then the longer of them, not their sum).
 */
export type TrainJobPart = "served" | "evaluation";

/** The served model: FULL on every interaction, or UPDATE of the previous one. */
export function trainServedModel(
  { mode, data, previous, options = {} }: TrainJobInput,
  onProgress: (fraction: number, stage: string) => void = () => {},
): ServedModelOutput {
  if (mode === "UPDATE") {
    if (!previous) throw new Error("UPDATE needs the previous model");
    const updated = trainUpdate(previous.model, data, {
      ...options,
      since: previous.trainedThrough,
      onProgress: (f, stage) => onProgress(f, `UPDATE ${stage}`),
    });
    return {
      model: updated.model,
      calibration: calibrateScores(updated.model, data),
      trainingSeconds: updated.seconds,
    };
  }
  const served = trainFull(data, {
    ...options,
    onProgress: (f, stage) => onProgress(f, `TRAINING ${stage}`),
  });
  return {
    model: served.model,
    calibration: calibrateScores(served.model, data),
    trainingSeconds: served.seconds,
  };
}

/** FULL's metrics: a model trained without the held-out targets, scored against them. */
export function evaluateHeldOut(
  { data, options = {}, evaluationUsers = 2000 }: TrainJobInput,
  onProgress: (fraction: number, stage: string) => void = () => {},
): EvaluationOutput {
  const holdout = timeHoldout(data.interactions, data.numUsers);
  const heldOut = trainFull({ ...data, interactions: holdout.train }, {
    ...options,
    onProgress: (f, stage) => onProgress(f, `EVALUATING ${stage}`),
  });
  const evaluation = { numItems: data.numItems, maxUsers: evaluationUsers };
  return {
    metrics: evaluateOffline(
      twoTowerRecommender(heldOut.model, data.userTokens),
      holdout,
      evaluation,
    ),
    baselineMetrics: evaluateOffline(
      popularityRecommender(popularityCounts(holdout.train, data.numItems)),
      holdout,
      evaluation,
    ),
  };
}

/** Runs one part (what a training worker is asked). */
export function runTrainJobPart(
  part: TrainJobPart,
  input: TrainJobInput,
  onProgress: (fraction: number, stage: string) => void = () => {},
): ServedModelOutput | EvaluationOutput {
  return part === "served"
    ? trainServedModel(input, onProgress)
    : evaluateHeldOut(input, onProgress);
}
