/**
 * CSV rows → typed dataset rows, per the dataset's schema. A header is bound to the schema once
 * ({@link bindHeader}); each row is then either a {@link DatasetRow} keyed by the schema's field
 * names, in schema order, or a {@link RowError} naming the column and why. Nothing is guessed:
 * a cell that is not a value of its field (see `cells.ts` for the rules) makes the row an error.
 *
 * Header rules: column names are trimmed and matched to field names ignoring case; a column the
 * schema does not have, a repeated column, or a missing non-nullable field refuses the whole
 * file (422); a missing nullable field is `null` in every row.
 *
 * @example
 * ```ts
 * const binding = bindHeader(schema, ["USER_ID", "ITEM_ID", "TIMESTAMP", "IMPRESSION"]);
 * parseRow(binding, ["u1", "i2", "1700000000", "i2|i7"]);
 * // { row: { USER_ID: "u1", ITEM_ID: "i2", TIMESTAMP: 1700000000, IMPRESSION: ["i2", "i7"] } }
 * parseRow(binding, ["u1", "i2", "yesterday", ""]);
 * // { error: { column: "TIMESTAMP", message: 'TIMESTAMP: "yesterday" is not an integer (epoch seconds)' } }
 * ```
 * @module
 */
import { unprocessable } from "@edgeml/shared/errors";
import { type CellParser, cellParser, CellProblem, type FieldValue } from "./cells.ts";
import type { DatasetSchema, SchemaField } from "./schema.ts";

/** One stored row: field name → typed value. */
export type DatasetRow = Record<string, FieldValue>;

/** Why a row was not imported. `column` is absent when the row as a whole is wrong. */
export interface RowError {
  column?: string;
  message: string;
}

/** A header bound to a schema: where each field's value comes from. */
export interface HeaderBinding {
  schema: DatasetSchema;
  /** The number of columns every row must have. */
  width: number;
  /** In schema order: the field, its CSV column (-1: absent, always null) and its parser. */
  slots: { field: SchemaField; column: number; parse: CellParser }[];
}

/**
 * Binds a CSV header to `schema`.
 *
 * @throws {DomainError} `unprocessable` with `csv_unknown_column`, `csv_duplicate_column` or
 * `csv_missing_column`; `extra.column` names it.
 */
export function bindHeader(schema: DatasetSchema, header: readonly string[]): HeaderBinding {
  const byName = new Map(schema.fields.map((field) => [field.name.toUpperCase(), field]));
  const columns = new Map<string, number>();
  header.forEach((raw, column) => {
    const name = raw.trim();
    const field = byName.get(name.toUpperCase());
    if (!field) {
      throw unprocessable(
        "csv_unknown_column",
        `column ${JSON.stringify(name)} is not a field of the ${schema.datasetType} schema (${
          schema.fields.map((f) => f.name).join(", ")
        })`,
        { extra: { column: name } },
      );
    }
    if (columns.has(field.name)) {
      throw unprocessable("csv_duplicate_column", `column ${field.name} appears twice`, {
        extra: { column: field.name },
      });
    }
    columns.set(field.name, column);
  });
  const slots = schema.fields.map((field) => {
    const column = columns.get(field.name) ?? -1;
    if (column === -1 && !field.nullable) {
      throw unprocessable(
        "csv_missing_column",
        `the header has no ${field.name} column, which the schema requires`,
        { extra: { column: field.name } },
      );
    }
    return { field, column, parse: cellParser(schema.datasetType, field) };
  });
  return { schema, width: header.length, slots };
}

/** One row's cells → a typed row, or the first problem found. */
export function parseRow(
  binding: HeaderBinding,
  cells: readonly string[],
): { row: DatasetRow } | { error: RowError } {
  if (cells.length !== binding.width) {
    return {
      error: {
        message: `expected ${binding.width} columns as in the header, found ${cells.length}`,
      },
    };
  }
  const row: DatasetRow = {};
  for (const { field, column, parse } of binding.slots) {
    if (column === -1) {
      row[field.name] = null;
      continue;
    }
    const value = parse(cells[column]);
    if (value instanceof CellProblem) {
      return { error: { column: field.name, message: `${field.name}: ${value.message}` } };
    }
    row[field.name] = value;
  }
  return { row };
}
