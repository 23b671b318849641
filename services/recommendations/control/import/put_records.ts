/**
 * Personalize's PutItems and PutUsers: a list of records (an id and `properties` by schema field
 * name) checked against the dataset's schema and merged into it by id, a later record for an id
 * replacing the earlier. All or nothing: one bad record refuses the call (400
 * `invalid_item_properties` / `invalid_user_properties`, naming the record's index and field),
 * and nothing is stored. A dataset that has no schema yet (created without one and never
 * imported) refuses with 409 `dataset_has_no_schema`.
 *
 * @example
 * ```ts
 * await putItems(stores, "movies", [{ itemId: "i9", properties: { GENRES: "Drama|War" } }]);
 * // { rows: <items held> }
 * ```
 * @module
 */
import { conflict, invalid } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import {
  type DatasetRow,
  datasetSchema,
  getDataset,
  type PropertyValue,
  rowFromProperties,
} from "../../domain/dataset/mod.ts";
import { upsertEntities } from "./entity_upsert.ts";

export type Properties = Readonly<Record<string, PropertyValue>>;

async function put(
  stores: TenantStores,
  group: string,
  type: "ITEMS" | "USERS",
  records: readonly { id: string; properties?: Properties }[],
): Promise<{ rows: number }> {
  const schema = datasetSchema(await getDataset(stores.kv, group, type));
  if (!schema) {
    throw conflict(
      "dataset_has_no_schema",
      `the ${type} dataset of '${group}' has no schema yet: give one or import a file first`,
    );
  }
  const what = type === "ITEMS" ? "item" : "user";
  const latest = new Map<string, DatasetRow>();
  records.forEach(({ id, properties }, index) => {
    const result = rowFromProperties(schema, id, properties);
    if ("error" in result) {
      throw invalid(
        `invalid_${what}_properties`,
        `${what} ${index} (${JSON.stringify(id.slice(0, 80))}): ${result.error.message}`,
        { extra: { index, field: result.error.column } },
      );
    }
    latest.delete(id);
    latest.set(id, result.row);
  });
  return await upsertEntities(stores, group, type, latest);
}

/** PutItems: adds or replaces items. */
export function putItems(
  stores: TenantStores,
  group: string,
  items: readonly { itemId: string; properties?: Properties }[],
): Promise<{ rows: number }> {
  return put(
    stores,
    group,
    "ITEMS",
    items.map((i) => ({ id: i.itemId, properties: i.properties })),
  );
}

/** PutUsers: adds or replaces users. */
export function putUsers(
  stores: TenantStores,
  group: string,
  users: readonly { userId: string; properties?: Properties }[],
): Promise<{ rows: number }> {
  return put(
    stores,
    group,
    "USERS",
    users.map((u) => ({ id: u.userId, properties: u.properties })),
  );
}
