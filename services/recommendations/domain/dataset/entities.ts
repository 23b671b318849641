/**
 * Typed views of stored rows for training and serving: an interaction, an item, a user, with
 * Personalize's reserved fields in camelCase and every other field under `metadata` (by its
 * schema name; categorical values are lists). Rows come from the import's checked output, so the
 * views trust the types and only rename.
 *
 * @example
 * ```ts
 * toInteraction({ USER_ID: "u1", ITEM_ID: "i2", TIMESTAMP: 1700000000, EVENT_TYPE: "click",
 *   DEVICE: ["phone"] });
 * // { userId: "u1", itemId: "i2", timestamp: 1700000000, eventType: "click", eventValue: null,
 * //   impression: null, recommendationId: null, metadata: { DEVICE: ["phone"] } }
 * ```
 * @module
 */
import type { FieldValue } from "./cells.ts";
import type { DatasetRow } from "./rows.ts";

export interface Interaction {
  userId: string;
  itemId: string;
  /** Epoch seconds. */
  timestamp: number;
  eventType: string | null;
  eventValue: number | null;
  /** The items shown with it (including `itemId` when it was one of them). */
  impression: string[] | null;
  recommendationId: string | null;
  metadata: Record<string, FieldValue>;
}

export interface Item {
  itemId: string;
  /** Epoch seconds, when the dataset has it; see `creation_times.ts` for the rest. */
  creationTimestamp: number | null;
  metadata: Record<string, FieldValue>;
}

export interface User {
  userId: string;
  metadata: Record<string, FieldValue>;
}

const INTERACTION_FIELDS = new Set([
  "USER_ID",
  "ITEM_ID",
  "TIMESTAMP",
  "EVENT_TYPE",
  "EVENT_VALUE",
  "IMPRESSION",
  "RECOMMENDATION_ID",
]);

function metadataOf(row: DatasetRow, reserved: ReadonlySet<string>): Record<string, FieldValue> {
  const metadata: Record<string, FieldValue> = {};
  for (const key in row) if (!reserved.has(key)) metadata[key] = row[key];
  return metadata;
}

export function toInteraction(row: DatasetRow): Interaction {
  return {
    userId: row.USER_ID as string,
    itemId: row.ITEM_ID as string,
    timestamp: row.TIMESTAMP as number,
    eventType: (row.EVENT_TYPE ?? null) as string | null,
    eventValue: (row.EVENT_VALUE ?? null) as number | null,
    impression: (row.IMPRESSION ?? null) as string[] | null,
    recommendationId: (row.RECOMMENDATION_ID ?? null) as string | null,
    metadata: metadataOf(row, INTERACTION_FIELDS),
  };
}

const ITEM_FIELDS = new Set(["ITEM_ID", "CREATION_TIMESTAMP"]);

export function toItem(row: DatasetRow): Item {
  return {
    itemId: row.ITEM_ID as string,
    creationTimestamp: (row.CREATION_TIMESTAMP ?? null) as number | null,
    metadata: metadataOf(row, ITEM_FIELDS),
  };
}

const USER_FIELDS = new Set(["USER_ID"]);

export function toUser(row: DatasetRow): User {
  return { userId: row.USER_ID as string, metadata: metadataOf(row, USER_FIELDS) };
}
