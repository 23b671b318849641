/**
 * What the edge app needs of the recommendations control plane, in one object: dataset imports
 * (the CSV body streamed through the job as it arrives), PutItems / PutUsers, and training
 * solution versions (in a worker; the version record reports progress). The embedded
 * default runs it in the gateway's process; a deployment without one answers these routes 503.
 *
 * @example
 * ```ts
 * const control = createRecommendationsControl(tenant);
 * const job = await control.importCsv("shop", "INTERACTIONS", req.body!, { totalBytes });
 * ```
 */
import type { TenantStores } from "@edgeml/shared/store";
import type { DatasetType } from "../domain/dataset/schema.ts";
import { importCsv, type ImportOptions } from "./import/import_csv.ts";
import type { ImportJobRecord } from "./import/import_jobs.ts";
import { type Properties, putItems, putUsers } from "./import/put_records.ts";
import type { SolutionVersionRecord } from "../domain/campaigns/solution_catalog.ts";
import { type SolutionVersionOptions, startSolutionVersion } from "./training/solution_versions.ts";
import type { ScorerPublisher } from "./training/scorer_publisher.ts";

export interface RecommendationsControl {
  /** Runs an import job over `body` to its end; resolves with the job's final record. */
  importCsv(
    group: string,
    type: DatasetType,
    body: ReadableStream<Uint8Array>,
    options?: ImportOptions,
  ): Promise<ImportJobRecord>;
  putItems(
    group: string,
    items: readonly { itemId: string; properties?: Properties }[],
  ): Promise<{ rows: number }>;
  putUsers(
    group: string,
    users: readonly { userId: string; properties?: Properties }[],
  ): Promise<{ rows: number }>;
  /** Starts training; resolves with the PENDING version once the data passed the minimums. */
  trainSolutionVersion(
    solution: string,
    trainingMode: "FULL" | "UPDATE",
  ): Promise<SolutionVersionRecord>;
}

export interface RecommendationsControlOptions {
  /** Model and evaluation settings of every training. */
  training?: SolutionVersionOptions;
  /** Told when a training ended FAILED. */
  onTrainingFailed?: (version: SolutionVersionRecord) => void;
  /** Serves trained versions' scorers on the worker pool (`scorer_publisher.ts`). */
  publishScorer?: ScorerPublisher;
  /** Told when a scorer could not be published (its campaigns score in process). */
  onPublishError?: (error: unknown, version: SolutionVersionRecord) => void;
}

export function createRecommendationsControl(
  stores: TenantStores,
  { training, onTrainingFailed, publishScorer, onPublishError }: RecommendationsControlOptions = {},
): RecommendationsControl {
  return {
    async trainSolutionVersion(solution, trainingMode) {
      const { version, done } = await startSolutionVersion(
        stores,
        solution,
        trainingMode,
        training,
        { publishScorer, onPublishError },
      );
      done.then((ended) => ended.status === "FAILED" && onTrainingFailed?.(ended));
      return version;
    },
    importCsv: (group, type, body, options) => importCsv(stores, group, type, body, options),
    putItems: (group, items) => putItems(stores, group, items),
    putUsers: (group, users) => putUsers(stores, group, users),
  };
}
