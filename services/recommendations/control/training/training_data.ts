/**
 * A dataset group's data as the model trains on it: every interaction (imported, then recorded
 * events other than bare impressions) with users and items numbered densely, a sample of the
 * logged impressions (for the CTR calibration), and each item's and user's metadata hashed to
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
import type { LoggedImpressions } from "../../domain/model/types.ts";
import {
  createImpressionSample,
  type Showing,
} from "../../domain/exploration/logged_impressions.ts";
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
    /** The index of an id already numbered, or undefined (numbers nothing new). */
    find: (id: string) => index.get(id),
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

/** One list shown once: its recommendationId, else who saw which list when. */
const showingKey = (
  recommendationId: string | null | undefined,
  userId: string,
  time: number,
  shown: readonly string[],
) => recommendationId ?? `${userId}\u0000${time}\u0000${shown.join("|")}`;

/** The sampled showings as index rows (items or users the data does not have are skipped). */
function loggedImpressions(
  showings: readonly Showing[],
  userIndex: (id: string) => number | undefined,
  itemIndex: (id: string) => number | undefined,
): LoggedImpressions {
  const user: number[] = [], item: number[] = [], time: number[] = [], clicked: number[] = [];
  for (const showing of showings) {
    const u = userIndex(showing.userId);
    if (u === undefined) continue;
    for (const id of new Set(showing.shown)) {
      const i = itemIndex(id);
      if (i === undefined) continue;
      user.push(u);
      item.push(i);
      time.push(showing.time);
      clicked.push(showing.clicked.has(id) ? 1 : 0);
    }
  }
  return {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    time: Float64Array.from(time),
    clicked: Uint8Array.from(clicked),
  };
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
  const shown = createImpressionSample();
  for await (const i of readInteractions(stores, group)) {
    const interaction = i.eventType === null || isInteraction({ eventType: i.eventType });
    if (i.impression?.length) {
      const key = showingKey(i.recommendationId, i.userId, i.timestamp, i.impression);
      shown.add(key, i.userId, i.timestamp, i.impression, interaction ? i.itemId : undefined);
    }
    if (interaction) add(i.userId, i.itemId, i.timestamp);
  }
  // Events of anonymous sessions train no user; their items still count as seen. Bare
  // impressions are not interactions.
  for await (const e of eventsSince(stores.kv, group)) {
    const interaction = isInteraction(e);
    if (e.userId && e.impression.length > 0) {
      const key = showingKey(e.recommendationId, e.userId, e.sentAt, e.impression);
      shown.add(key, e.userId, e.sentAt, e.impression, interaction ? e.itemId : undefined);
    }
    if (!interaction) continue;
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
      impressions: loggedImpressions(shown.showings(), users.find, items.find),
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
