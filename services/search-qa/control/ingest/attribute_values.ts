/**
 * Kendra's document attribute types (`STRING`, `STRING_LIST`, `LONG`, `DATE`) and the coercion
 * of a raw value into one: from a CSV cell (text) or from a JSON value. Dates are kept as
 * ISO 8601 strings normalised to UTC (`2024-05-01T00:00:00.000Z`), as Kendra's `DateValue`.
 * @module
 */

/** Kendra's `DocumentAttributeValue` types. */
export type AttributeType = "STRING" | "STRING_LIST" | "LONG" | "DATE";

/** An attribute's value: STRING and DATE as strings, STRING_LIST as an array, LONG a number. */
export type AttributeValue = string | string[] | number;

/** A coerced value, or what is wrong with the raw one (a phrase for an error detail). */
export type Coerced = { value: AttributeValue } | { problem: string };

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time, normalised to UTC, or undefined when it is not one. */
export function isoDate(raw: string): string | undefined {
  const text = raw.trim();
  if (!ISO_DATE.test(text)) return undefined;
  const millis = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text.replace(" ", "T"));
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

function long(value: number): Coerced {
  return Number.isSafeInteger(value)
    ? { value }
    : { problem: `${value} is not a whole number (LONG)` };
}

/**
 * A CSV cell as an attribute of `type`: STRING_LIST splits on commas (Kendra's quoted
 * `"a,b,c"`), LONG must be a whole number, DATE ISO 8601.
 */
export function coerceText(raw: string, type: AttributeType = "STRING"): Coerced {
  const text = raw.trim();
  switch (type) {
    case "STRING":
      return { value: text };
    case "STRING_LIST":
      return { value: text.split(",").map((item) => item.trim()).filter((item) => item !== "") };
    case "LONG":
      return /^[+-]?\d+$/.test(text)
        ? long(Number(text))
        : { problem: `"${text}" is not a whole number (LONG)` };
    case "DATE": {
      const date = isoDate(text);
      return date === undefined ? { problem: `"${text}" is not an ISO 8601 date (DATE)` } : {
        value: date,
      };
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/**
 * A JSON value as an attribute. Without a declared `type` the JSON shape decides (string,
 * array of strings, whole number); with one, the value must match it.
 */
export function coerceJson(value: unknown, type?: AttributeType): Coerced {
  const declared = type ??
    (Array.isArray(value) ? "STRING_LIST" : typeof value === "number" ? "LONG" : "STRING");
  switch (declared) {
    case "STRING":
      return typeof value === "string"
        ? { value }
        : { problem: `expected a string, got ${describe(value)}` };
    case "STRING_LIST":
      return Array.isArray(value) && value.every((item) => typeof item === "string")
        ? { value: value.map((item) => item.trim()).filter((item) => item !== "") }
        : { problem: `expected an array of strings, got ${describe(value)}` };
    case "LONG":
      return typeof value === "number"
        ? long(value)
        : { problem: `expected a whole number, got ${describe(value)}` };
    case "DATE":
      return typeof value === "string"
        ? coerceText(value, "DATE")
        : { problem: `expected an ISO 8601 date string, got ${describe(value)}` };
  }
}
