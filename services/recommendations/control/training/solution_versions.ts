/**
 * Training a solution version, as Personalize's CreateSolutionVersion: the data is assembled and
 * checked against Personalize's minimums (1000 interactions, 25 users with interactions: a 422
 * naming them, before any version exists), a PENDING version is written, and the training runs
 * in workers (`train_in_worker.ts`) while the version reports its progress; its ONNX scorer is
 * put on the worker pool (`scorer_publisher.ts`), then it ends ACTIVE, with its metrics and its
 * artifacts (`domain/serving/version_artifacts.ts`), or FAILED with the reason.
 *
 * @example
 * ```ts
 * const { version, done } = await startSolutionVersion(stores, "shop-recs", "FULL");
 * await done; // the final record
 * ```
 */
import { unprocessable } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import {
  createSolutionVersion,
  getSolution,
  latestActiveVersion,
  saveSolutionVersion,
  type SolutionVersionRecord,
  type TrainingMode,
} from "../../domain/campaigns/solution_catalog.ts";
import type { OfflineMetrics } from "../../domain/model/evaluate.ts";
import type { TrainOptions } from "../../domain/model/train.ts";
import { loadTrainedVersion, saveTrainedVersion } from "../../domain/serving/version_artifacts.ts";
import { assembleTrainingData } from "./training_data.ts";
import { trainInWorker } from "./train_in_worker.ts";
import type { ScorerPublisher } from "./scorer_publisher.ts";

/** Personalize's minimums for training. */
export const MIN_INTERACTIONS = 1000;
export const MIN_USERS = 25;

export interface SolutionVersionOptions {
  /** Model and training settings (plain values: they travel to the worker). */
  train?: Omit<TrainOptions, "onProgress">;
  /** Held-out users scored for the metrics (default 2000). */
  evaluationUsers?: number;
  /** Items the ONNX scorer returns per user (default 500, the most a request asks). */
  scorerK?: number;
}

/** What runs around the training: the scorer's publication on the worker pool. */
export interface SolutionVersionHooks {
  /** Serves the version's scorer on the pool, before the version is marked ACTIVE. */
  publishScorer?: ScorerPublisher;
  /** Told when publishing failed (the version still ends ACTIVE; edges score in process). */
  onPublishError?: (error: unknown, version: SolutionVersionRecord) => void;
}

export async function startSolutionVersion(
  stores: TenantStores,
  solution: string,
  trainingMode: TrainingMode,
  { train, evaluationUsers, scorerK = 500 }: SolutionVersionOptions = {},
  { publishScorer, onPublishError }: SolutionVersionHooks = {},
): Promise<{ version: SolutionVersionRecord; done: Promise<SolutionVersionRecord> }> {
  const { datasetGroup } = await getSolution(stores.kv, solution);
  const previousRecord = trainingMode === "UPDATE"
    ? await latestActiveVersion(stores.kv, solution)
    : undefined;
  const previous = previousRecord &&
    await loadTrainedVersion(stores, solution, previousRecord.version);
  const assembled = await assembleTrainingData(stores, datasetGroup, {
    previous: previous && { userIds: previous.userIds, itemIds: previous.itemIds },
  });
  const interactions = assembled.data.interactions.user.length;
  const users = new Set(assembled.data.interactions.user).size;
  if (interactions < MIN_INTERACTIONS || users < MIN_USERS) {
    throw unprocessable(
      "too_little_data",
      `training needs at least ${MIN_INTERACTIONS} interactions from ${MIN_USERS} users; ` +
        `dataset group '${datasetGroup}' has ${interactions} from ${users}`,
      { extra: { minInteractions: MIN_INTERACTIONS, minUsers: MIN_USERS, interactions, users } },
    );
  }
  const pending = await createSolutionVersion(stores.kv, solution, trainingMode);
  const run = async (): Promise<SolutionVersionRecord> => {
    let record: SolutionVersionRecord = {
      ...pending,
      status: "IN_PROGRESS",
      progress: { fraction: 0, stage: "TRAINING" },
    };
    await saveSolutionVersion(stores.kv, record);
    let lastSave = 0;
    // Progress writes go one after another, all before the final one.
    let saving = Promise.resolve();
    try {
      const input = {
        mode: trainingMode,
        data: assembled.data,
        previous: previous && { model: previous.model, trainedThrough: previous.latestTimestamp },
        options: train,
        evaluationUsers,
      };
      // FULL's two halves (the served model, the held-out metrics) train in two workers at once;
      // progress is their mean, named by the served model's stage.
      const fractions = { served: 0, evaluation: trainingMode === "FULL" ? 0 : 1 };
      let stage = "TRAINING";
      const report = (part: keyof typeof fractions) => (fraction: number, named: string) => {
        fractions[part] = fraction;
        if (part === "served") stage = named;
        if (Date.now() - lastSave < 1000) return;
        lastSave = Date.now();
        record = {
          ...record,
          progress: { fraction: (fractions.served + fractions.evaluation) / 2, stage },
        };
        const snapshot = record;
        saving = saving.then(() => saveSolutionVersion(stores.kv, snapshot)).catch(() => {});
      };
      const [output, evaluation] = await Promise.all([
        trainInWorker("served", input, report("served")),
        trainingMode === "FULL"
          ? trainInWorker("evaluation", input, report("evaluation"))
          : undefined,
      ]);
      const artifacts = await saveTrainedVersion(stores, solution, pending.version, {
        model: output.model,
        assembled,
        k: scorerK,
        calibration: output.calibration.calibration,
      });
      await publishScorer?.(solution, pending.version).catch((err) =>
        onPublishError?.(err, record)
      );
      const withoutCount = ({ users: _users, ...metrics }: OfflineMetrics) => metrics;
      record = {
        ...record,
        status: "ACTIVE",
        progress: { fraction: 1, stage: "DONE" },
        ...(evaluation
          ? {
            metrics: withoutCount(evaluation.metrics),
            baselineMetrics: withoutCount(evaluation.baselineMetrics),
          }
          : {}),
        trainingSeconds: output.trainingSeconds,
        artifacts,
        trainedThrough: assembled.latestTimestamp,
      };
    } catch (err) {
      record = {
        ...record,
        status: "FAILED",
        failureReason: err instanceof Error ? err.message : String(err),
      };
    }
    await saving;
    await saveSolutionVersion(stores.kv, record);
    return record;
  };
  return { version: pending, done: run() };
}
