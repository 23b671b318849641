/**
 * A dataset group's data as the model trains on it: every interaction (imported, then recorded
 * events other than bare impressions) with users and items numbered densely, and each item's and user's metadata hashed to
 * token lists (the schema's `categorical` fields' values and `textual` fields' words; other
 * metadata columns are not model inputs). Items of the items dataset come first, so an item with
 * no interaction yet (a cold item) still has an index and a vector from its metadata. Given the
 * ids of a previous version, they keep their indices and new ones follow, as UPDATE folds in.
 *
 * @example
 * ```ts
 * const assembled = await assembleTrainingData(stores, "shop");
 * trainFull(assembled.data);
 * ```
 */
import type { TenantStores } from "@edgeml/shared/store";
import { datasetSchema, getDataset, listDatasets } from "../../domain/dataset/catalog.ts";
import type { FieldValue } from "../../domain/dataset/cells.ts";
import { creationTimeTracker } from "../../domain/dataset/creation_times.ts";
import type { DatasetType } from "../../domain/dataset/schema.ts";
import { eventsSince, isInteraction } from "../../domain/events/event_log.ts";
import { hashMetadataTokens, type MetadataRow } from "../../domain/model/tokens.ts";
import type { TrainedOn } from "../../domain/serving/version_artifacts.ts";
import { readInteractions, readItems, readUsers } from "../import/dataset_reader.ts";

export interface AssembleOptions {
  /** Hash buckets of item metadata tokens (default 2^14). */
  itemBuckets?: number;
  /** Hash buckets of user metadata tokens (default 2^12). */
  userBuckets?: number;
  /** Ids of the version being updated: they keep their indices. */
  previous?: { userIds: readonly string[]; itemIds: readonly string[] };
}

/** The assembled data: what a version is trained on and saved with (`version_artifacts.ts`). */
export type AssembledData = TrainedOn;

function indexer(previous: readonly string[] = []) {
  const ids = [...previous];
  const index = new Map(ids.map((id, i) => [id, i]));
  return {
    ids,
    of(id: string): number {
      let i = index.get(id);
      if (i === undefined) index.set(id, i = ids.push(id) - 1);
      return i;
    },
  };
}

async function fieldsOf(stores: TenantStores, group: string, type: DatasetType) {
  const present = (await listDatasets(stores.kv, group)).some((d) => d.datasetType === type);
  const schema = present ? datasetSchema(await getDataset(stores.kv, group, type)) : undefined;
  return {
    categorical: schema?.fields.filter((f) => f.categorical).map((f) => f.name) ?? [],
    textual: schema?.fields.filter((f) => f.textual).map((f) => f.name) ?? [],
  };
}

function metadataRow(
  metadata: Record<string, FieldValue>,
  fields: { categorical: string[]; textual: string[] },
): MetadataRow {
  const categorical: Record<string, string[]> = {};
  const textual: Record<string, string> = {};
  for (const name of fields.categorical) {
    const value = metadata[name];
    if (Array.isArray(value)) categorical[name] = value;
    else if (typeof value === "string") categorical[name] = [value];
  }
  for (const name of fields.textual) {
    if (typeof metadata[name] === "string") textual[name] = metadata[name] as string;
  }
  return { categorical, textual };
}

export async function assembleTrainingData(
  stores: TenantStores,
  group: string,
  { itemBuckets = 1 << 14, userBuckets = 1 << 12, previous }: AssembleOptions = {},
): Promise<AssembledData> {
  const users = indexer(previous?.userIds);
  const items = indexer(previous?.itemIds);
  const itemRows = new Map<number, MetadataRow>();
  const userRows = new Map<number, MetadataRow>();
  const created = creationTimeTracker();

  const itemFields = await fieldsOf(stores, group, "ITEMS");
  for await (const item of readItems(stores, group)) {
    itemRows.set(items.of(item.itemId), metadataRow(item.metadata, itemFields));
    created.addItem(item.itemId, item.creationTimestamp);
  }
  const userFields = await fieldsOf(stores, group, "USERS");
  for await (const user of readUsers(stores, group)) {
    userRows.set(users.of(user.userId), metadataRow(user.metadata, userFields));
  }

  const user: number[] = [], item: number[] = [], time: number[] = [];
  const add = (userId: string, itemId: string, seconds: number) => {
    user.push(users.of(userId));
    item.push(items.of(itemId));
    time.push(seconds);
    created.addInteraction(itemId, seconds);
  };
  for await (const i of readInteractions(stores, group)) add(i.userId, i.itemId, i.timestamp);
  // Events of anonymous sessions train no user; their items still count as seen. Bare
  // impressions are not interactions.
  for await (const e of eventsSince(stores.kv, group)) {
    if (!isInteraction(e)) continue;
    if (e.userId) add(e.userId, e.itemId, e.sentAt);
    else created.addInteraction(e.itemId, e.sentAt);
  }

  const creation = created.resolve();
  const creationTimes = Float64Array.from(items.ids, (id) => creation.get(id) ?? 0);
  const latestTimestamp = time.reduce((a, b) => (b > a ? b : a), 0);
  return {
    data: {
      interactions: {
        user: Int32Array.from(user),
        item: Int32Array.from(item),
        time: Float64Array.from(time),
      },
      numUsers: users.ids.length,
      numItems: items.ids.length,
      itemTokens: hashMetadataTokens(items.ids.map((_, i) => itemRows.get(i) ?? {}), itemBuckets),
      numItemTokens: itemBuckets,
      userTokens: hashMetadataTokens(users.ids.map((_, i) => userRows.get(i) ?? {}), userBuckets),
      numUserTokens: userBuckets,
    },
    userIds: users.ids,
    itemIds: items.ids,
    creationTimes,
    latestTimestamp,
    itemCategorical: items.ids.map((_, i) =>
      Object.fromEntries(
        Object.entries(itemRows.get(i)?.categorical ?? {}).map(([f, v]) => [f, [...v]]),
      )
    ),
    categoricalFields: itemFields.categorical,
  };
}
