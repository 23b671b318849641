/**
 * Streams a dataset group's stored rows back, for training: interactions in import order (each
 * committed import's parts, oldest first; rows of one import in file order), items and users
 * once per id (their latest row). Typed views rename Personalize's reserved fields and put the
 * rest under `metadata`; `datasetSchema(await getDataset(…))` says which metadata fields are
 * categorical or textual. Nothing is held in memory but one chunk of one file, except for
 * {@link readCreationTimes} (one number per item).
 *
 * @example
 * ```ts
 * for await (const { userId, itemId, timestamp } of readInteractions(stores, "movies")) { … }
 * const created = await readCreationTimes(stores, "movies"); // Map itemId → epoch seconds
 * ```
 * @module
 */
import type { TenantStores } from "@edgeml/shared/store";
import {
  creationTimeTracker,
  type DatasetRow,
  type DatasetType,
  getDatasetGroup,
  type Interaction,
  type Item,
  toInteraction,
  toItem,
  toUser,
  type User,
} from "../../domain/dataset/mod.ts";
import { entitiesPath, readRows } from "./dataset_files.ts";
import { committedParts } from "./interaction_parts.ts";

/** The stored rows of the group's dataset of `type` (none when it has no dataset or rows). */
export async function* readDatasetRows(
  stores: TenantStores,
  group: string,
  type: DatasetType,
): AsyncGenerator<DatasetRow> {
  await getDatasetGroup(stores.kv, group);
  if (type !== "INTERACTIONS") {
    yield* readRows(stores.artifacts, entitiesPath(group, type));
    return;
  }
  for await (const path of committedParts(stores.kv, group)) {
    yield* readRows(stores.artifacts, path);
  }
}

export async function* readInteractions(
  stores: TenantStores,
  group: string,
): AsyncGenerator<Interaction> {
  for await (const row of readDatasetRows(stores, group, "INTERACTIONS")) yield toInteraction(row);
}

export async function* readItems(stores: TenantStores, group: string): AsyncGenerator<Item> {
  for await (const row of readDatasetRows(stores, group, "ITEMS")) yield toItem(row);
}

export async function* readUsers(stores: TenantStores, group: string): AsyncGenerator<User> {
  for await (const row of readDatasetRows(stores, group, "USERS")) yield toUser(row);
}

/**
 * Every item's creation time in epoch seconds (items of the items dataset and items seen only
 * in interactions), by the rule of `creation_times.ts`: CREATION_TIMESTAMP, else the first
 * interaction, else the latest timestamp in the data.
 */
export async function readCreationTimes(
  stores: TenantStores,
  group: string,
): Promise<Map<string, number>> {
  const tracker = creationTimeTracker();
  for await (const row of readDatasetRows(stores, group, "ITEMS")) {
    tracker.addItem(row.ITEM_ID as string, (row.CREATION_TIMESTAMP ?? null) as number | null);
  }
  for await (const row of readDatasetRows(stores, group, "INTERACTIONS")) {
    tracker.addInteraction(row.ITEM_ID as string, row.TIMESTAMP as number);
  }
  return tracker.resolve();
}
