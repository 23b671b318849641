/**
 * Personalize dataset schemas in their Avro JSON form, checked with Personalize's rules, so a
 * user's existing schema files work unchanged.
 *
 * A schema is `{"type": "record", "name": …, "fields": [{"name", "type", "categorical"?,
 * "textual"?}, …]}` (`namespace`, `version`, `doc` and a field's `default` are read and kept,
 * not used); it may come as the parsed object or as the JSON text Personalize's CreateSchema
 * takes. The rules:
 *
 * - types: `string`, `int`, `long`, `float`, `double`, `boolean`, or a nullable union of one
 *   (`["null", T]` or `[T, "null"]`);
 * - required fields, never nullable: INTERACTIONS `USER_ID` string, `ITEM_ID` string,
 *   `TIMESTAMP` long; ITEMS `ITEM_ID` string; USERS `USER_ID` string;
 * - reserved optional fields with fixed types: INTERACTIONS `EVENT_TYPE` string, `EVENT_VALUE`
 *   float, `IMPRESSION` string (`|`-separated item ids), `RECOMMENDATION_ID` string; ITEMS
 *   `CREATION_TIMESTAMP` long;
 * - `categorical: true` only on strings (values may be `|`-separated lists); `textual: true`
 *   only on strings of ITEMS, and not both on one field;
 * - field names are Avro names (`[A-Za-z_][A-Za-z0-9_]*`, at most 150 characters), unique even
 *   ignoring case (CSV headers match them ignoring case); reserved names are upper case, as
 *   Personalize spells them; at most {@link MAX_FIELDS} fields.
 *
 * A schema that breaks a rule is an `unprocessable` DomainError (422) whose detail and
 * `extra.field` name the field.
 *
 * @example
 * ```ts
 * const schema = parseSchema("ITEMS", {
 *   type: "record", name: "Items", namespace: "com.amazonaws.personalize.schema",
 *   fields: [
 *     { name: "ITEM_ID", type: "string" },
 *     { name: "GENRES", type: ["null", "string"], categorical: true },
 *   ],
 *   version: "1.0",
 * });
 * schema.fields[1]; // { name: "GENRES", type: "string", nullable: true, categorical: true, textual: false }
 * ```
 * @module
 */
import { unprocessable } from "@edgeml/shared/errors";

export type DatasetType = "INTERACTIONS" | "ITEMS" | "USERS";
export const DATASET_TYPES: readonly DatasetType[] = ["INTERACTIONS", "ITEMS", "USERS"];

export type FieldType = "string" | "int" | "long" | "float" | "double" | "boolean";
const FIELD_TYPES: readonly string[] = ["string", "int", "long", "float", "double", "boolean"];

/** One field as the rest of the service reads it. */
export interface SchemaField {
  name: string;
  type: FieldType;
  /** Declared as `["null", T]`: an empty cell is `null`. */
  nullable: boolean;
  categorical: boolean;
  textual: boolean;
}

/** A field in Personalize's Avro JSON. */
export interface AvroField {
  name: string;
  type: FieldType | [FieldType | "null", FieldType | "null"];
  categorical?: boolean;
  textual?: boolean;
  [extra: string]: unknown;
}

/** A schema in Personalize's Avro JSON. */
export interface AvroSchema {
  type: "record";
  name: string;
  namespace?: string;
  fields: AvroField[];
  version?: string;
  [extra: string]: unknown;
}

/** A checked schema: the fields as read, and the Avro JSON it came from (to store and show). */
export interface DatasetSchema {
  datasetType: DatasetType;
  fields: SchemaField[];
  avro: AvroSchema;
}

/** Personalize's reserved fields per dataset type: their type and whether they are required. */
export const RESERVED_FIELDS: Record<
  DatasetType,
  Record<string, { type: FieldType; required: boolean }>
> = {
  INTERACTIONS: {
    USER_ID: { type: "string", required: true },
    ITEM_ID: { type: "string", required: true },
    TIMESTAMP: { type: "long", required: true },
    EVENT_TYPE: { type: "string", required: false },
    EVENT_VALUE: { type: "float", required: false },
    IMPRESSION: { type: "string", required: false },
    RECOMMENDATION_ID: { type: "string", required: false },
  },
  ITEMS: {
    ITEM_ID: { type: "string", required: true },
    CREATION_TIMESTAMP: { type: "long", required: false },
  },
  USERS: { USER_ID: { type: "string", required: true } },
};

export const MAX_FIELDS = 100;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,149}$/;

const refuse = (code: string, detail: string, field?: string) =>
  unprocessable(code, detail, field === undefined ? {} : { extra: { field } });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function fieldType(raw: unknown, name: string): { type: FieldType; nullable: boolean } {
  if (typeof raw === "string" && FIELD_TYPES.includes(raw)) {
    return { type: raw as FieldType, nullable: false };
  }
  if (Array.isArray(raw) && raw.length === 2 && raw.includes("null")) {
    const other = raw[0] === "null" ? raw[1] : raw[0];
    if (typeof other === "string" && FIELD_TYPES.includes(other)) {
      return { type: other as FieldType, nullable: true };
    }
  }
  throw refuse(
    "schema_unsupported_type",
    `field ${name}: type ${JSON.stringify(raw)} is not one of ${
      FIELD_TYPES.join(", ")
    } or a nullable union ["null", T]`,
    name,
  );
}

function checkField(datasetType: DatasetType, raw: unknown, position: number): SchemaField {
  if (!isObject(raw) || typeof raw.name !== "string") {
    throw refuse("invalid_schema", `fields[${position}] is not an object with a string "name"`);
  }
  const name = raw.name;
  if (!FIELD_NAME.test(name)) {
    throw refuse(
      "invalid_schema",
      `field ${
        JSON.stringify(name.slice(0, 160))
      }: a name is 1-150 characters of A-Z a-z 0-9 _, not starting with a digit`,
      name,
    );
  }
  const { type, nullable } = fieldType(raw.type, name);
  for (const flag of ["categorical", "textual"]) {
    if (raw[flag] !== undefined && typeof raw[flag] !== "boolean") {
      throw refuse("invalid_schema", `field ${name}: "${flag}" must be true or false`, name);
    }
  }
  const categorical = raw.categorical === true;
  const textual = raw.textual === true;
  if (categorical && type !== "string") {
    throw refuse(
      "schema_invalid_categorical",
      `field ${name}: only string fields can be categorical, not ${type}`,
      name,
    );
  }
  if (textual && (type !== "string" || datasetType !== "ITEMS")) {
    throw refuse(
      "schema_invalid_textual",
      `field ${name}: only string fields of an ITEMS dataset can be textual`,
      name,
    );
  }
  if (textual && categorical) {
    throw refuse(
      "schema_invalid_textual",
      `field ${name}: a field is categorical or textual, not both`,
      name,
    );
  }
  const reserved = RESERVED_FIELDS[datasetType][name];
  if (reserved && (reserved.type !== type || (reserved.required && nullable))) {
    const wanted = reserved.required ? `"${reserved.type}"` : `"${reserved.type}" or nullable`;
    throw refuse(
      "schema_reserved_field_type",
      `field ${name}: must be ${wanted} in a${
        datasetType === "INTERACTIONS" ? "n" : ""
      } ${datasetType} schema, not ${JSON.stringify(raw.type)}`,
      name,
    );
  }
  if (reserved && (categorical || textual)) {
    throw refuse(
      "schema_reserved_field_type",
      `field ${name}: a reserved field cannot be categorical or textual`,
      name,
    );
  }
  return { name, type, nullable, categorical, textual };
}

/**
 * Checks `input` (the Avro JSON, parsed or as text) against Personalize's rules for
 * `datasetType`.
 *
 * @throws {DomainError} `unprocessable` with `invalid_schema`, `schema_unsupported_type`,
 * `schema_missing_required_field`, `schema_reserved_field_type`, `schema_invalid_categorical`,
 * `schema_invalid_textual` or `schema_too_many_fields`.
 */
export function parseSchema(datasetType: DatasetType, input: unknown): DatasetSchema {
  let json = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch {
      throw refuse("invalid_schema", "the schema is not valid JSON");
    }
  }
  if (!isObject(json) || json.type !== "record") {
    throw refuse("invalid_schema", 'a schema is an Avro record: {"type": "record", ...}');
  }
  if (typeof json.name !== "string" || json.name === "") {
    throw refuse("invalid_schema", 'the schema has no "name" (Avro records are named)');
  }
  if (!Array.isArray(json.fields) || json.fields.length === 0) {
    throw refuse("invalid_schema", 'the schema has no "fields" array');
  }
  if (json.fields.length > MAX_FIELDS) {
    throw refuse(
      "schema_too_many_fields",
      `the schema has ${json.fields.length} fields; at most ${MAX_FIELDS} are accepted`,
    );
  }
  const fields = json.fields.map((raw, position) => checkField(datasetType, raw, position));
  const seen = new Map<string, string>();
  for (const { name } of fields) {
    const other = seen.get(name.toUpperCase());
    if (other !== undefined) {
      throw refuse(
        "invalid_schema",
        other === name
          ? `field ${name} appears twice`
          : `fields ${other} and ${name} differ only in case`,
        name,
      );
    }
    seen.set(name.toUpperCase(), name);
  }
  for (const [name, { required }] of Object.entries(RESERVED_FIELDS[datasetType])) {
    if (!required || fields.some((field) => field.name === name)) continue;
    const near = seen.get(name);
    throw refuse(
      "schema_missing_required_field",
      `a ${datasetType} schema needs the field ${name}${
        near ? ` (found ${near}: names are case-sensitive)` : ""
      }`,
      name,
    );
  }
  return { datasetType, fields, avro: json as AvroSchema };
}
