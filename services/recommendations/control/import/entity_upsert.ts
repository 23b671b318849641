/**
 * Items and users are kept by id: {@link upsertEntities} merges new rows into the dataset's one
 * JSON lines file (`items.jsonl` / `users.jsonl`), a later row for an id replacing the earlier,
 * and sets the dataset's row count to the ids held. The file is streamed through (old rows are
 * copied line by line, only the new rows are held) and replaced atomically, so readers see the
 * old file or the new one. Writers of one dataset take turns in this process; writes from other
 * processes are not coordinated (the embedded default has one).
 *
 * @example
 * ```ts
 * const latest = new Map([["i1", { ITEM_ID: "i1", GENRES: ["Drama"] }]]);
 * await upsertEntities(stores, "movies", "ITEMS", latest); // { rows: <ids held> }
 * ```
 * @module
 */
import { createKeyedQueue, type TenantStores } from "@edgeml/shared/store";
import { type DatasetRow, ID_FIELD, updateDataset } from "../../domain/dataset/mod.ts";
import { entitiesPath, readLines } from "./dataset_files.ts";

const writers = createKeyedQueue();
const encoder = new TextEncoder();
const BATCH_LINES = 2048;

/** Writes of one dataset (imports, PutItems) take turns through this. */
export function serialiseWrites<T>(
  stores: TenantStores,
  group: string,
  type: string,
  task: () => Promise<T>,
): Promise<T> {
  return writers.run(JSON.stringify([stores.kv.tenant, group, type]), task);
}

/** Merges `rows` (id → the id's latest row) into the dataset; returns the ids now held. */
export function upsertEntities(
  stores: TenantStores,
  group: string,
  type: "ITEMS" | "USERS",
  rows: ReadonlyMap<string, DatasetRow>,
  now = new Date(),
): Promise<{ rows: number }> {
  return serialiseWrites(stores, group, type, async () => {
    const path = entitiesPath(group, type);
    const idField = ID_FIELD[type];
    let held = 0;
    async function* merged(): AsyncGenerator<string> {
      for await (const line of readLines(stores.artifacts, path)) {
        const id = (JSON.parse(line) as DatasetRow)[idField] as string;
        if (rows.has(id)) continue;
        held++;
        yield line;
      }
      for (const row of rows.values()) {
        held++;
        yield JSON.stringify(row);
      }
    }
    const lines = merged();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const batch: string[] = [];
        for (let i = 0; i < BATCH_LINES; i++) {
          const next = await lines.next();
          if (next.done) break;
          batch.push(next.value);
        }
        if (batch.length === 0) controller.close();
        else controller.enqueue(encoder.encode(`${batch.join("\n")}\n`));
      },
    });
    await stores.artifacts.put(path, body);
    await updateDataset(
      stores.kv,
      group,
      type,
      (record) => ({ ...record, rows: held, updatedAt: now.toISOString() }),
    );
    return { rows: held };
  });
}
