/**
 * Where an import's good rows go while the CSV streams in, one sink per dataset type:
 * interactions are written as parts of {@link PART_ROWS} rows as they come (memory stays at one
 * part) and committed at the end (`interaction_parts.ts`); items and users are held by id, a
 * later row replacing the earlier, and merged into the dataset at the end (`entity_upsert.ts`).
 * A sink that is aborted leaves the dataset as it was.
 * @module
 */
import type { TenantStores } from "@edgeml/shared/store";
import { type DatasetRow, type DatasetType, ID_FIELD } from "../../domain/dataset/mod.ts";
import { importFolder, jsonLinesBytes, partPath } from "./dataset_files.ts";
import { upsertEntities } from "./entity_upsert.ts";
import { commitInteractions } from "./interaction_parts.ts";

export const PART_ROWS = 100_000;

export interface RowSink {
  add(row: DatasetRow): void;
  /** Writes what is due (a full part); call between batches. */
  flush(): Promise<void>;
  /** Makes every added row part of the dataset; returns the dataset's rows. */
  commit(): Promise<number>;
  /** Removes what was written; the dataset is unchanged. */
  abort(): Promise<void>;
}

function interactionSink(
  stores: TenantStores,
  group: string,
  jobId: string,
  partRows: number,
): RowSink {
  let lines: string[] = [];
  let parts = 0;
  let rows = 0;
  const writePart = async () => {
    const bytes = jsonLinesBytes(lines);
    rows += lines.length;
    lines = [];
    await stores.artifacts.put(partPath(group, jobId, ++parts), bytes);
  };
  return {
    add(row) {
      lines.push(JSON.stringify(row));
    },
    async flush() {
      while (lines.length >= partRows) {
        const rest = lines.slice(partRows);
        lines = lines.slice(0, partRows);
        await writePart();
        lines = rest;
      }
    },
    async commit() {
      if (lines.length > 0) await writePart();
      return (await commitInteractions(stores.kv, group, jobId, parts, rows)).rows;
    },
    async abort() {
      const written = [];
      for await (const info of stores.artifacts.list(`${importFolder(group, jobId)}/`)) {
        written.push(info.path);
      }
      for (const path of written) await stores.artifacts.delete(path);
    },
  };
}

function entitySink(stores: TenantStores, group: string, type: "ITEMS" | "USERS"): RowSink {
  const latest = new Map<string, DatasetRow>();
  const idField = ID_FIELD[type];
  return {
    add(row) {
      const id = row[idField] as string;
      latest.delete(id); // a later row moves to the end, as it would in the file
      latest.set(id, row);
    },
    flush: () => Promise.resolve(),
    async commit() {
      return (await upsertEntities(stores, group, type, latest)).rows;
    },
    abort() {
      latest.clear();
      return Promise.resolve();
    },
  };
}

/** The sink for an import of job `jobId` into the group's dataset of `type`. */
export function datasetSink(
  stores: TenantStores,
  group: string,
  type: DatasetType,
  jobId: string,
  { partRows = PART_ROWS }: { partRows?: number } = {},
): RowSink {
  return type === "INTERACTIONS"
    ? interactionSink(stores, group, jobId, partRows)
    : entitySink(stores, group, type);
}
