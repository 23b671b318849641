/**
 * Solutions and their versions, as Personalize keeps them: a solution names a dataset group and
 * the recipe; each training (FULL or UPDATE) is a numbered version with a status, progress and,
 * once ACTIVE, its offline metrics and the artifact folder of the trained model.
 *
 *   ["recommendations", "solutions", name]                       SolutionRecord
 *   ["recommendations", "solution-versions", name, version]      SolutionVersionRecord
 *
 * @example
 * ```ts
 * await createSolution(kv, { name: "shop-recs", datasetGroup: "shop" });
 * const v = await createSolutionVersion(kv, "shop-recs", "FULL"); // { version: 1, status: "PENDING" }
 * ```
 */
import { conflict, notFound, unprocessable } from "@edgeml/shared/errors";
import { insertRecord, type KvKey, type TenantKvStore, updateRecord } from "@edgeml/shared/store";
import { getDatasetGroup } from "../dataset/catalog.ts";
import type { OfflineMetrics } from "../model/evaluate.ts";

export type VersionMetrics = Omit<OfflineMetrics, "users">;

export type TrainingMode = "FULL" | "UPDATE";
export type VersionStatus = "PENDING" | "IN_PROGRESS" | "ACTIVE" | "FAILED";

export interface SolutionRecord {
  name: string;
  datasetGroup: string;
  recipe: "aws-user-personalization";
  createdAt: string;
  /** The highest version number given so far. */
  versions: number;
}

export interface SolutionVersionRecord {
  solution: string;
  version: number;
  trainingMode: TrainingMode;
  status: VersionStatus;
  progress?: { fraction: number; stage: string };
  /** Offline metrics on the time-based holdout (FULL versions), beside the popularity baseline's. */
  metrics?: VersionMetrics;
  baselineMetrics?: VersionMetrics;
  trainingSeconds?: number;
  /** Artifact folder of the trained model, once ACTIVE. */
  artifacts?: string;
  /** Epoch seconds of the latest interaction trained on (UPDATE trains on what came after). */
  trainedThrough?: number;
  failureReason?: string;
  createdAt: string;
}

const solutionKey = (name: string): KvKey => ["recommendations", "solutions", name];
const versionKey = (name: string, version: number): KvKey => [
  "recommendations",
  "solution-versions",
  name,
  version,
];

export async function createSolution(
  kv: TenantKvStore,
  { name, datasetGroup }: { name: string; datasetGroup: string },
  now = new Date(),
): Promise<SolutionRecord> {
  await getDatasetGroup(kv, datasetGroup);
  const record: SolutionRecord = {
    name,
    datasetGroup,
    recipe: "aws-user-personalization",
    createdAt: now.toISOString(),
    versions: 0,
  };
  await insertRecord(
    kv,
    solutionKey(name),
    record,
    () => conflict("solution_exists", `a solution named '${name}' exists`),
  );
  return record;
}

export async function getSolution(kv: TenantKvStore, name: string): Promise<SolutionRecord> {
  const { value } = await kv.get<SolutionRecord>(solutionKey(name));
  if (!value) throw notFound("solution_not_found", `there is no solution '${name}'`);
  return value;
}

/**
 * Numbers and writes a PENDING version. UPDATE needs an ACTIVE version to start from (422
 * `no_version_to_update` otherwise), as Personalize's does.
 */
export async function createSolutionVersion(
  kv: TenantKvStore,
  solution: string,
  trainingMode: TrainingMode,
  now = new Date(),
): Promise<SolutionVersionRecord> {
  if (trainingMode === "UPDATE" && !(await latestActiveVersion(kv, solution))) {
    throw unprocessable(
      "no_version_to_update",
      `solution '${solution}' has no ACTIVE version to update; train a FULL one first`,
    );
  }
  const { versions } = await updateRecord(
    kv,
    solutionKey(solution),
    (r: SolutionRecord) => ({ ...r, versions: r.versions + 1 }),
    {
      missing: () => notFound("solution_not_found", `there is no solution '${solution}'`),
      busy: () => conflict("solution_busy", `solution '${solution}' kept changing; retry`),
    },
  );
  const record: SolutionVersionRecord = {
    solution,
    version: versions,
    trainingMode,
    status: "PENDING",
    progress: { fraction: 0, stage: "PENDING" },
    createdAt: now.toISOString(),
  };
  await kv.set(versionKey(solution, versions), record);
  return record;
}

export async function getSolutionVersion(
  kv: TenantKvStore,
  solution: string,
  version: number,
): Promise<SolutionVersionRecord> {
  const { value } = await kv.get<SolutionVersionRecord>(versionKey(solution, version));
  if (!value) {
    throw notFound(
      "solution_version_not_found",
      `solution '${solution}' has no version ${version}`,
    );
  }
  return value;
}

/** Writes a version's new state (status, progress, metrics); the caller owns the job. */
export async function saveSolutionVersion(
  kv: TenantKvStore,
  record: SolutionVersionRecord,
): Promise<void> {
  await kv.set(versionKey(record.solution, record.version), record);
}

/** The newest `limit` ACTIVE versions, newest first. */
export async function activeVersions(
  kv: TenantKvStore,
  solution: string,
  limit = Infinity,
): Promise<SolutionVersionRecord[]> {
  const found: SolutionVersionRecord[] = [];
  for await (
    const { value } of kv.list<SolutionVersionRecord>(
      ["recommendations", "solution-versions", solution],
      { reverse: true },
    )
  ) {
    if (found.length >= limit) break;
    if (value.status === "ACTIVE") found.push(value);
  }
  return found;
}

/** The newest ACTIVE version, or undefined. */
export async function latestActiveVersion(
  kv: TenantKvStore,
  solution: string,
): Promise<SolutionVersionRecord | undefined> {
  return (await activeVersions(kv, solution, 1))[0];
}

/**
 * Versions a stopped process left PENDING or IN_PROGRESS (their worker went with it) become
 * FAILED, saying so, so no client waits on them for ever. Run once at start, before training.
 */
export async function failInterruptedVersions(kv: TenantKvStore): Promise<number> {
  let failed = 0;
  for await (
    const { value } of kv.list<SolutionVersionRecord>(["recommendations", "solution-versions"])
  ) {
    if (value.status !== "PENDING" && value.status !== "IN_PROGRESS") continue;
    await saveSolutionVersion(kv, {
      ...value,
      status: "FAILED",
      failureReason: "the process stopped while this version trained; train it again",
    });
    failed++;
  }
  return failed;
}
