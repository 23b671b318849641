/**
 * Dataset import job records, Personalize's DatasetImportJob in camelCase: status `PENDING →
 * IN_PROGRESS → ACTIVE | FAILED`, progress, rows imported and failed, and the first row errors
 * (each with its line). A KV value holds at most 64 KiB, so the record keeps the first
 * {@link ERRORS_IN_RECORD} errors and the job's error report artifact (`errorReport`) the first
 * {@link ERRORS_KEPT}; `rowsFailed` counts them all.
 *
 *   KV ["recommendations", "import-jobs", <group>, <jobId>]   ImportJobRecord
 * @module
 */
import { notFound } from "@edgeml/shared/errors";
import type { KvKey, TenantKvStore } from "@edgeml/shared/store";
import { type DatasetType, getDataset } from "../../domain/dataset/mod.ts";

export type ImportJobStatus = "PENDING" | "IN_PROGRESS" | "ACTIVE" | "FAILED";

export interface ImportRowError {
  /** 1-based line of the CSV file where the row starts. */
  line: number;
  column?: string;
  message: string;
}

export interface ImportJobRecord {
  jobId: string;
  datasetGroup: string;
  datasetType: DatasetType;
  status: ImportJobStatus;
  /** `fraction` of the bytes read when the size is known (else 0 until done); `stage`. */
  progress: { fraction: number; stage: string };
  rowsImported: number;
  rowsFailed: number;
  errors: ImportRowError[];
  /** Artifact path of every kept row error as JSON lines, once the job ended with some. */
  errorReport?: string;
  failureReason?: string;
  createdAt: string;
  endedAt?: string;
}

export const ERRORS_IN_RECORD = 100;
export const ERRORS_KEPT = 1000;

const jobKey = (group: string, jobId: string): KvKey => [
  "recommendations",
  "import-jobs",
  group,
  jobId,
];

/** Sortable by time: `20250102T030405678Z-1a2b3c`. */
function newJobId(now: Date): string {
  const random = crypto.getRandomValues(new Uint8Array(3));
  return `${now.toISOString().replace(/[-:.]/g, "")}-${
    [...random].map((b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

/** Writes a PENDING job for the group's dataset of `type` (404 when either is missing). */
export async function createImportJob(
  kv: TenantKvStore,
  group: string,
  type: DatasetType,
  now = new Date(),
): Promise<ImportJobRecord> {
  await getDataset(kv, group, type);
  const job: ImportJobRecord = {
    jobId: newJobId(now),
    datasetGroup: group,
    datasetType: type,
    status: "PENDING",
    progress: { fraction: 0, stage: "PENDING" },
    rowsImported: 0,
    rowsFailed: 0,
    errors: [],
    createdAt: now.toISOString(),
  };
  await saveImportJob(kv, job);
  return job;
}

export async function saveImportJob(kv: TenantKvStore, job: ImportJobRecord): Promise<void> {
  await kv.set(jobKey(job.datasetGroup, job.jobId), job);
}

export async function getImportJob(
  kv: TenantKvStore,
  group: string,
  jobId: string,
): Promise<ImportJobRecord> {
  const { value } = await kv.get<ImportJobRecord>(jobKey(group, jobId));
  if (!value) {
    throw notFound("import_job_not_found", `dataset group '${group}' has no import job '${jobId}'`);
  }
  return value;
}

/** The group's import jobs, newest first. */
export async function listImportJobs(
  kv: TenantKvStore,
  group: string,
): Promise<ImportJobRecord[]> {
  const out: ImportJobRecord[] = [];
  const prefix = ["recommendations", "import-jobs", group];
  for await (const entry of kv.list<ImportJobRecord>(prefix, { reverse: true })) {
    out.push(entry.value);
  }
  return out;
}
