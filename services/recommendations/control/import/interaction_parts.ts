/**
 * The commit log of the interactions dataset. An import writes its rows as parts under its own
 * folder (`imports/<jobId>/part-000001.jsonl`, …) and then commits them: one atomic KV commit
 * records the import's parts and adds its rows to the dataset's count. Readers follow the log,
 * so parts of an import that failed or is still running are never read (and a failed import's
 * leftovers are deleted). Job ids sort by time, so the log reads oldest import first.
 *
 *   KV ["recommendations", "dataset-imports", <group>, <jobId>]   CommittedImport
 * @module
 */
import { conflict } from "@edgeml/shared/errors";
import type { KvKey, TenantKvStore } from "@edgeml/shared/store";
import { datasetKey, type DatasetRecord } from "../../domain/dataset/mod.ts";
import { partPath } from "./dataset_files.ts";

export interface CommittedImport {
  jobId: string;
  parts: number;
  rows: number;
  committedAt: string;
}

const logKey = (group: string, jobId: string): KvKey => [
  "recommendations",
  "dataset-imports",
  group,
  jobId,
];

/** Records `parts` parts holding `rows` rows of job `jobId` and counts them in the dataset. */
export async function commitInteractions(
  kv: TenantKvStore,
  group: string,
  jobId: string,
  parts: number,
  rows: number,
  now = new Date(),
): Promise<DatasetRecord> {
  const key = datasetKey(group, "INTERACTIONS");
  for (let attempt = 0; attempt < 16; attempt++) {
    const entry = await kv.get<DatasetRecord>(key);
    if (!entry.value) throw conflict("dataset_deleted", `the INTERACTIONS dataset is gone`);
    const record = {
      ...entry.value,
      rows: entry.value.rows + rows,
      updatedAt: now.toISOString(),
    };
    const committed: CommittedImport = { jobId, parts, rows, committedAt: now.toISOString() };
    const result = await kv.atomic([{ key, versionstamp: entry.versionstamp }], [
      { type: "set", key, value: record },
      { type: "set", key: logKey(group, jobId), value: committed },
    ]);
    if (result.ok) return record;
  }
  throw conflict("dataset_busy", `the INTERACTIONS dataset of '${group}' kept changing; retry`);
}

/** The artifact paths of every committed part, oldest import first. */
export async function* committedParts(kv: TenantKvStore, group: string): AsyncGenerator<string> {
  const prefix = ["recommendations", "dataset-imports", group];
  for await (const { value } of kv.list<CommittedImport>(prefix)) {
    for (let part = 1; part <= value.parts; part++) yield partPath(group, value.jobId, part);
  }
}
