/**
 * Where a dataset group's rows live in the artifact store, and the one plain format they are
 * kept in: JSON lines, one object per row keyed by the schema's field names (categorical values
 * and impressions as lists, empty cells as null). `ls` and `jq` explain it:
 *
 * ```
 * recommendations/<group>/datasets/<TYPE>/schema.json          the Avro schema (a copy of KV's)
 * recommendations/<group>/datasets/INTERACTIONS/imports/<jobId>/part-000001.jsonl
 * recommendations/<group>/datasets/ITEMS/items.jsonl            one row per ITEM_ID, the latest
 * recommendations/<group>/datasets/USERS/users.jsonl            one row per USER_ID, the latest
 * recommendations/<group>/import-jobs/<jobId>/errors.jsonl      the kept row errors of a job
 * ```
 *
 * Interactions accumulate: each import adds its own parts (of up to 100,000 rows), counted in
 * only once the import commits (`interaction_parts.ts`). Items and users are kept by id.
 * @module
 */
import type { DatasetRow, DatasetType } from "../../domain/dataset/mod.ts";
import type { TenantArtifactStore } from "@edgeml/shared/store";

const root = (group: string) => `recommendations/${group}`;

export const datasetFolder = (group: string, type: DatasetType) =>
  `${root(group)}/datasets/${type}`;
export const schemaPath = (group: string, type: DatasetType) =>
  `${datasetFolder(group, type)}/schema.json`;
export const importFolder = (group: string, jobId: string) =>
  `${datasetFolder(group, "INTERACTIONS")}/imports/${jobId}`;
export const partPath = (group: string, jobId: string, part: number) =>
  `${importFolder(group, jobId)}/part-${String(part).padStart(6, "0")}.jsonl`;
export const entitiesPath = (group: string, type: "ITEMS" | "USERS") =>
  `${datasetFolder(group, type)}/${type.toLowerCase()}.jsonl`;
export const errorReportPath = (group: string, jobId: string) =>
  `${root(group)}/import-jobs/${jobId}/errors.jsonl`;

const encoder = new TextEncoder();

/** JSON lines of `lines` (already serialised), each ending in `\n`. */
export function jsonLinesBytes(lines: readonly string[]): Uint8Array {
  return encoder.encode(lines.length === 0 ? "" : `${lines.join("\n")}\n`);
}

/** Each line of a stored JSON lines artifact, as text (none when it is absent). */
export async function* readLines(
  artifacts: TenantArtifactStore,
  path: string,
): AsyncGenerator<string> {
  const stream = await artifacts.getStream(path);
  if (!stream) return;
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line !== "") yield line;
  }
  rest += decoder.decode();
  if (rest !== "") yield rest;
}

/** The rows of a stored JSON lines artifact. */
export async function* readRows(
  artifacts: TenantArtifactStore,
  path: string,
): AsyncGenerator<DatasetRow> {
  for await (const line of readLines(artifacts, path)) yield JSON.parse(line) as DatasetRow;
}
