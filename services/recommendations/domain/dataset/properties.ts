/**
 * PutItems / PutUsers records (an id plus JSON `properties` by schema field name) → typed
 * dataset rows, with the schema's rules. A string property is read as a CSV cell would be (so
 * `"Action|Comedy"` is a categorical list and `"12"` an int); a number fills an `int`/`long`
 * field when it is an integer in range and a `float`/`double` field when finite; a boolean fills
 * a boolean field; `null` or an absent property is null for a nullable field. Properties the
 * schema does not have, and the id field given as a property, are refused.
 *
 * @example
 * ```ts
 * rowFromProperties(itemsSchema, "i1", { GENRES: "Action|Comedy", PRICE: 9.5 });
 * // { row: { ITEM_ID: "i1", GENRES: ["Action", "Comedy"], PRICE: 9.5, CREATION_TIMESTAMP: null } }
 * ```
 * @module
 */
import { cellParser, CellProblem } from "./cells.ts";
import type { DatasetRow, RowError } from "./rows.ts";
import type { DatasetSchema, SchemaField } from "./schema.ts";

/** A property value as PutItems / PutUsers carry it. */
export type PropertyValue = string | number | boolean | null;

/** The id field of an ITEMS or USERS schema. */
export const ID_FIELD = { ITEMS: "ITEM_ID", USERS: "USER_ID", INTERACTIONS: undefined } as const;

function fromJson(
  schema: DatasetSchema,
  field: SchemaField,
  value: PropertyValue | undefined,
): DatasetRow[string] | CellProblem {
  const parse = cellParser(schema.datasetType, field);
  if (value === null || value === undefined) return parse("");
  if (typeof value === "string") return parse(value);
  if (typeof value === "boolean") {
    return field.type === "boolean" ? value : new CellProblem(`${value} is not a ${field.type}`);
  }
  if (typeof value !== "number" || field.type === "string" || field.type === "boolean") {
    return new CellProblem(`${JSON.stringify(value)} is not a ${field.type}`);
  }
  if ((field.type === "int" || field.type === "long") && !Number.isInteger(value)) {
    return new CellProblem(`${value} is not an integer`);
  }
  return parse(String(value));
}

/** `id` and `properties` → a typed row of an ITEMS or USERS schema, or the first problem. */
export function rowFromProperties(
  schema: DatasetSchema,
  id: string,
  properties: Readonly<Record<string, PropertyValue>> = {},
): { row: DatasetRow } | { error: RowError } {
  const idField = ID_FIELD[schema.datasetType];
  const byName = new Map(schema.fields.map((field) => [field.name, field]));
  for (const name of Object.keys(properties)) {
    if (!byName.has(name) || name === idField) {
      return {
        error: {
          column: name,
          message: name === idField
            ? `${name} is given as the record's id, not as a property`
            : `${name} is not a field of the ${schema.datasetType} schema`,
        },
      };
    }
  }
  const row: DatasetRow = {};
  for (const field of schema.fields) {
    const value = fromJson(
      schema,
      field,
      field.name === idField
        ? id
        : Object.hasOwn(properties, field.name)
        ? properties[field.name]
        : undefined,
    );
    if (value instanceof CellProblem) {
      return { error: { column: field.name, message: `${field.name}: ${value.message}` } };
    }
    row[field.name] = value;
  }
  return { row };
}
