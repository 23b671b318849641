/**
 * Dataset groups and their datasets as KV records. A dataset group is a named container of up to
 * one dataset per type (INTERACTIONS, ITEMS, USERS), as in Personalize; a dataset holds its
 * schema (Personalize's Avro JSON, or none yet: the first import's header then gives it, see
 * `infer_schema.ts`) and how many rows it holds. The rows themselves live in the artifact store
 * (`control/import/`).
 *
 *   KV ["recommendations", "dataset-groups", <group>]            DatasetGroupRecord
 *   KV ["recommendations", "datasets", <group>, <datasetType>]   DatasetRecord
 *
 * @example
 * ```ts
 * await createDatasetGroup(kv, "movies");
 * await createDataset(kv, "movies", "ITEMS", itemsSchemaJson); // 422 when the schema is bad
 * const schema = datasetSchema(await getDataset(kv, "movies", "ITEMS"));
 * ```
 * @module
 */
import { conflict, invalid, notFound } from "@edgeml/shared/errors";
import { insertRecord, type KvKey, type TenantKvStore, updateRecord } from "@edgeml/shared/store";
import { type AvroSchema, type DatasetSchema, type DatasetType, parseSchema } from "./schema.ts";

export interface DatasetGroupRecord {
  name: string;
  createdAt: string;
}

export interface DatasetRecord {
  datasetGroup: string;
  datasetType: DatasetType;
  /** The Avro JSON as given (or inferred); null until the first import when none was given. */
  schema: AvroSchema | null;
  /** Rows held: interactions accumulate, items and users are counted once per id. */
  rows: number;
  createdAt: string;
  updatedAt: string;
}

/** Personalize's name rule: 1–63 of `[A-Za-z0-9_-]`, starting with a letter or digit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export const groupKey = (name: string): KvKey => ["recommendations", "dataset-groups", name];
export const datasetKey = (group: string, type: DatasetType): KvKey => [
  "recommendations",
  "datasets",
  group,
  type,
];

/** Returns `name` if it is a valid dataset group name; `invalid` / `invalid_name` otherwise. */
export function checkGroupName(name: string): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw invalid(
      "invalid_name",
      `a dataset group name is 1-63 characters of A-Z a-z 0-9 _ -, starting with a letter or digit, got ${
        JSON.stringify(String(name).slice(0, 80))
      }`,
    );
  }
  return name;
}

export async function createDatasetGroup(
  kv: TenantKvStore,
  name: string,
  now = new Date(),
): Promise<DatasetGroupRecord> {
  const record = { name: checkGroupName(name), createdAt: now.toISOString() };
  await insertRecord(
    kv,
    groupKey(name),
    record,
    () => conflict("dataset_group_exists", `dataset group '${name}' exists`),
  );
  return record;
}

export async function getDatasetGroup(
  kv: TenantKvStore,
  name: string,
): Promise<DatasetGroupRecord> {
  const { value } = await kv.get<DatasetGroupRecord>(groupKey(checkGroupName(name)));
  if (!value) throw notFound("dataset_group_not_found", `there is no dataset group '${name}'`);
  return value;
}

export async function listDatasets(kv: TenantKvStore, group: string): Promise<DatasetRecord[]> {
  await getDatasetGroup(kv, group);
  const out: DatasetRecord[] = [];
  for await (const entry of kv.list<DatasetRecord>(["recommendations", "datasets", group])) {
    out.push(entry.value);
  }
  return out;
}

export async function getDataset(
  kv: TenantKvStore,
  group: string,
  type: DatasetType,
): Promise<DatasetRecord> {
  await getDatasetGroup(kv, group);
  const { value } = await kv.get<DatasetRecord>(datasetKey(group, type));
  if (!value) {
    throw notFound("dataset_not_found", `dataset group '${group}' has no ${type} dataset`);
  }
  return value;
}

/**
 * Creates the group's dataset of `type` with `schema` (checked: 422 when it breaks a rule), or
 * with none, to be inferred from the first import. Repeating it is allowed while the dataset
 * holds no rows (the schema is replaced) or with the same schema; otherwise 409
 * `dataset_has_rows`.
 */
export async function createDataset(
  kv: TenantKvStore,
  group: string,
  type: DatasetType,
  schema?: unknown,
  now = new Date(),
): Promise<DatasetRecord> {
  await getDatasetGroup(kv, group);
  const avro = schema === undefined ? null : parseSchema(type, schema).avro;
  const record: DatasetRecord = {
    datasetGroup: group,
    datasetType: type,
    schema: avro,
    rows: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const key = datasetKey(group, type);
  const inserted = await kv.atomic([{ key, versionstamp: null }], [{
    type: "set",
    key,
    value: record,
  }]);
  if (inserted.ok) return record;
  return await updateDataset(kv, group, type, (current) => {
    if (JSON.stringify(current.schema) === JSON.stringify(avro)) return current;
    if (current.rows > 0) {
      throw conflict(
        "dataset_has_rows",
        `the ${type} dataset of '${group}' holds ${current.rows} rows; its schema cannot change`,
      );
    }
    return { ...current, schema: avro, updatedAt: now.toISOString() };
  });
}

/** The dataset's checked schema, or undefined when it has none yet. */
export function datasetSchema(record: DatasetRecord): DatasetSchema | undefined {
  return record.schema ? parseSchema(record.datasetType, record.schema) : undefined;
}

/** Read-modify-write of a dataset record (`change` may throw to refuse). */
export function updateDataset(
  kv: TenantKvStore,
  group: string,
  type: DatasetType,
  change: (record: DatasetRecord) => DatasetRecord,
): Promise<DatasetRecord> {
  return updateRecord(kv, datasetKey(group, type), change, {
    missing: () => notFound("dataset_not_found", `dataset group '${group}' has no ${type} dataset`),
    busy: () => conflict("dataset_busy", `the ${type} dataset of '${group}' kept changing; retry`),
  });
}

/**
 * Gives a schema-less dataset `schema` (the one inferred from an import's header) and returns
 * the schema in force: an earlier one wins over it.
 */
export async function adoptSchema(
  kv: TenantKvStore,
  group: string,
  schema: DatasetSchema,
): Promise<DatasetSchema> {
  const record = await updateDataset(
    kv,
    group,
    schema.datasetType,
    (current) => current.schema ? current : { ...current, schema: schema.avro },
  );
  return datasetSchema(record) ?? schema;
}
