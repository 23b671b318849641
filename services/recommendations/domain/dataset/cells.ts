/**
 * One cell's text → one typed value of a schema field, strictly, or the reason it is not one.
 * The same rules serve CSV imports and PutItems/PutUsers string properties:
 *
 * - empty cell: `null` when the field is nullable, an error otherwise;
 * - `USER_ID`, `ITEM_ID`: taken verbatim, 1–256 characters, not blank;
 * - `IMPRESSION`: item ids separated by `|` (empty pieces dropped), each 1–256 characters;
 * - categorical strings: the `|`-separated values as a list, empty pieces dropped, at most 1000
 *   characters in all; textual strings at most 20,000 characters; other strings 1000 (and the
 *   reserved `EVENT_TYPE`, `RECOMMENDATION_ID` 256);
 * - `int` and `long`: decimal integers (`int` 32-bit, `long` within ±(2^53 − 1), JavaScript's
 *   exact integers); `float` and `double`: decimal numbers, finite (`1`, `-0.5`, `2e-3`; no
 *   `NaN`, `Infinity`, hex or thousands separators); `boolean`: `true` or `false`, any case;
 *   spaces around numbers and booleans are ignored;
 * - `TIMESTAMP` and `CREATION_TIMESTAMP`: epoch seconds, a non-negative integer, as
 *   Personalize takes them. ISO-8601 times are refused (not converted: a file Personalize
 *   accepts has none), and so are values past year 5000, which are milliseconds or
 *   microseconds by mistake.
 *
 * @example
 * ```ts
 * const parse = cellParser("ITEMS", { name: "GENRES", type: "string", nullable: true,
 *   categorical: true, textual: false });
 * parse("Action|Comedy"); // ["Action", "Comedy"]
 * parse(""); // null
 * ```
 * @module
 */
import { type DatasetType, RESERVED_FIELDS, type SchemaField } from "./schema.ts";

/** A typed value: categorical strings and impressions are lists. */
export type FieldValue = string | number | boolean | string[] | null;

/** Why a cell is not a value of its field. */
export class CellProblem {
  constructor(readonly message: string) {}
}

/** Parses one cell of one field. */
export type CellParser = (cell: string) => FieldValue | CellProblem;

export const MAX_ID_LENGTH = 256;
export const MAX_STRING_LENGTH = 1000;
export const MAX_TEXTUAL_LENGTH = 20_000;
/** 5000-01-01 in epoch seconds: later timestamps are milliseconds by mistake. */
const MAX_EPOCH_SECONDS = 95_617_584_000;
const ID_FIELDS = new Set(["USER_ID", "ITEM_ID"]);
const TIMESTAMP_FIELDS = new Set(["TIMESTAMP", "CREATION_TIMESTAMP"]);
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}/;

const quoted = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

function splitList(cell: string): string[] {
  return cell.split("|").filter((piece) => piece !== "");
}

function idProblem(id: string, what: string): CellProblem | undefined {
  if (id.trim() === "") return new CellProblem(`${what} is blank`);
  if (id.length > MAX_ID_LENGTH) {
    return new CellProblem(`${what} has ${id.length} characters; at most ${MAX_ID_LENGTH}`);
  }
  return undefined;
}

function stringParser(datasetType: DatasetType, field: SchemaField): CellParser {
  const { name, categorical, textual } = field;
  const reserved = name in RESERVED_FIELDS[datasetType];
  if (reserved && ID_FIELDS.has(name)) return (cell) => idProblem(cell, "the id") ?? cell;
  if (reserved && name === "IMPRESSION") {
    return (cell) => {
      const ids = splitList(cell);
      for (const id of ids) {
        const problem = idProblem(id, `impression item ${quoted(id)}`);
        if (problem) return problem;
      }
      return ids;
    };
  }
  const limit = reserved ? MAX_ID_LENGTH : textual ? MAX_TEXTUAL_LENGTH : MAX_STRING_LENGTH;
  return (cell) => {
    if (cell.length > limit) {
      return new CellProblem(`${cell.length} characters; at most ${limit}`);
    }
    return categorical ? splitList(cell) : cell;
  };
}

function integerParser(field: SchemaField, timestamp: boolean): CellParser {
  const [min, max] = timestamp
    ? [0, MAX_EPOCH_SECONDS]
    : field.type === "int"
    ? [-(2 ** 31), 2 ** 31 - 1]
    : [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  return (raw) => {
    const cell = raw.trim();
    if (!INTEGER.test(cell)) {
      if (timestamp && ISO_LIKE.test(cell)) {
        return new CellProblem(
          `${quoted(cell)} is a date; timestamps are epoch seconds (e.g. 1700000000)`,
        );
      }
      return new CellProblem(
        `${quoted(cell)} is not an integer${timestamp ? " (epoch seconds)" : ""}`,
      );
    }
    const value = Number(cell);
    if (value < min || value > max) {
      return new CellProblem(
        timestamp && value > max
          ? `${quoted(cell)} is past year 5000: epoch seconds are expected, not milliseconds`
          : `${quoted(cell)} is outside the ${field.type} range [${min}, ${max}]`,
      );
    }
    return value === 0 ? 0 : value; // no -0
  };
}

/** The parser of `field`'s cells in a `datasetType` dataset. */
export function cellParser(datasetType: DatasetType, field: SchemaField): CellParser {
  const typed = ((): CellParser => {
    switch (field.type) {
      case "string":
        return stringParser(datasetType, field);
      case "int":
      case "long":
        return integerParser(
          field,
          TIMESTAMP_FIELDS.has(field.name) && field.name in RESERVED_FIELDS[datasetType],
        );
      case "float":
      case "double":
        return (raw) => {
          const cell = raw.trim();
          const value = Number(cell);
          if (!DECIMAL.test(cell) || !Number.isFinite(value)) {
            return new CellProblem(`${quoted(cell)} is not a finite decimal number`);
          }
          return value === 0 ? 0 : value;
        };
      case "boolean":
        return (raw) => {
          const cell = raw.trim().toLowerCase();
          if (cell === "true") return true;
          if (cell === "false") return false;
          return new CellProblem(`${quoted(raw)} is not true or false`);
        };
    }
  })();
  const blank = field.type === "string"
    ? (cell: string) => cell === ""
    : (cell: string) => cell.trim() === "";
  return (cell) => {
    if (blank(cell)) return field.nullable ? null : new CellProblem("empty, but not nullable");
    const value = typed(cell);
    if (Array.isArray(value) && value.length === 0) {
      return field.nullable ? null : new CellProblem("no values, but not nullable");
    }
    return value;
  };
}
