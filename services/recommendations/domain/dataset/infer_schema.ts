/**
 * The default schema of a dataset whose user gave none, inferred from the CSV header alone
 * (never from the values, so no row is ever guessed at):
 *
 * - a column named like one of Personalize's reserved fields (ignoring case) becomes that field,
 *   spelled in upper case, with its reserved type: required fields non-null (`USER_ID`,
 *   `ITEM_ID` strings, `TIMESTAMP` long), optional ones nullable (`EVENT_TYPE` string,
 *   `EVENT_VALUE` float, `IMPRESSION` and `RECOMMENDATION_ID` strings; `CREATION_TIMESTAMP`
 *   long in ITEMS);
 * - every other column becomes a nullable categorical string, `["null", "string"]` with
 *   `categorical: true` (a `|` in a cell separates values).
 *
 * Numeric or textual metadata need a schema from the user. The result passes through
 * {@link parseSchema}, so a header without a required column is refused like such a schema.
 *
 * @example
 * ```ts
 * inferSchema("INTERACTIONS", ["user_id", "ITEM_ID", "TIMESTAMP", "DEVICE"]).avro.fields;
 * // [{ name: "USER_ID", type: "string" }, { name: "ITEM_ID", type: "string" },
 * //  { name: "TIMESTAMP", type: "long" },
 * //  { name: "DEVICE", type: ["null", "string"], categorical: true }]
 * ```
 * @module
 */
import {
  type AvroField,
  type DatasetSchema,
  type DatasetType,
  parseSchema,
  RESERVED_FIELDS,
} from "./schema.ts";

const RECORD_NAMES: Record<DatasetType, string> = {
  INTERACTIONS: "Interactions",
  ITEMS: "Items",
  USERS: "Users",
};

/** The schema Personalize users would write for a file with this header. */
export function inferSchema(datasetType: DatasetType, header: readonly string[]): DatasetSchema {
  const reserved = RESERVED_FIELDS[datasetType];
  const fields: AvroField[] = header.map((column) => {
    const name = column.trim();
    const upper = name.toUpperCase();
    const known = reserved[upper];
    if (known) {
      return { name: upper, type: known.required ? known.type : ["null", known.type] };
    }
    return { name, type: ["null", "string"], categorical: true };
  });
  return parseSchema(datasetType, {
    type: "record",
    name: RECORD_NAMES[datasetType],
    namespace: "com.amazonaws.personalize.schema",
    fields,
    version: "1.0",
  });
}
