/**
 * What one solution version's training computes, as a plain function of its data (run inside a
 * worker by `train_in_worker.ts`, so the gateway's event loop never waits on it):
 *
 * - FULL: the offline metrics first, Personalize's way (each held-out user's newest 10% of
 *   interactions are targets; a model trained on the rest is scored against them, beside the
 *   popularity baseline), then the served model, trained FULL on every interaction.
 * - UPDATE: the previous version's model folded forward on the interactions after the time it
 *   was trained through; no new metrics (its targets would be in its own training data).
 */
import { evaluateOffline, type OfflineMetrics } from "../../domain/model/evaluate.ts";
import { timeHoldout } from "../../domain/model/holdout.ts";
import { popularityCounts, popularityRecommender } from "../../domain/model/popularity.ts";
import { twoTowerRecommender } from "../../domain/model/recommend.ts";
import { trainFull, type TrainOptions, trainUpdate } from "../../domain/model/train.ts";
import type { TwoTowerModel } from "../../domain/model/two_tower.ts";
import type { TrainingData } from "../../domain/model/types.ts";

export interface TrainJobInput {
  mode: "FULL" | "UPDATE";
  data: TrainingData;
  /** UPDATE: the model to continue and the time it was trained through. */
  previous?: { model: TwoTowerModel; trainedThrough: number };
  options?: TrainOptions;
  /** Held-out users scored for the metrics (a seeded sample; default 2000). */
  evaluationUsers?: number;
}

export interface TrainJobOutput {
  model: TwoTowerModel;
  metrics?: OfflineMetrics;
  baselineMetrics?: OfflineMetrics;
  /** Seconds spent training the served model. */
  trainingSeconds: number;
}

export function runTrainJob(
  { mode, data, previous, options = {}, evaluationUsers = 2000 }: TrainJobInput,
  onProgress: (fraction: number, stage: string) => void = () => {},
): TrainJobOutput {
  if (mode === "UPDATE") {
    if (!previous) throw new Error("UPDATE needs the previous model");
    const updated = trainUpdate(previous.model, data, {
      ...options,
      since: previous.trainedThrough,
      onProgress: (f, stage) => onProgress(f, `UPDATE ${stage}`),
    });
    return { model: updated.model, trainingSeconds: updated.seconds };
  }
  const holdout = timeHoldout(data.interactions, data.numUsers);
  const heldOut = trainFull({ ...data, interactions: holdout.train }, {
    ...options,
    onProgress: (f, stage) => onProgress(0.5 * f, `EVALUATING ${stage}`),
  });
  const evaluation = { numItems: data.numItems, maxUsers: evaluationUsers };
  const metrics = evaluateOffline(
    twoTowerRecommender(heldOut.model, data.userTokens),
    holdout,
    evaluation,
  );
  const baselineMetrics = evaluateOffline(
    popularityRecommender(popularityCounts(holdout.train, data.numItems)),
    holdout,
    evaluation,
  );
  const served = trainFull(data, {
    ...options,
    onProgress: (f, stage) => onProgress(0.5 + 0.5 * f, `TRAINING ${stage}`),
  });
  return { model: served.model, metrics, baselineMetrics, trainingSeconds: served.seconds };
}
