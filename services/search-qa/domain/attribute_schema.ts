/**
 * Attribute types of an index: inferred from the items when no schema is given (numbers are LONG,
 * arrays STRING_LIST, strings that are all ISO 8601 dates DATE, other strings STRING), and each
 * item's attributes normalised for filtering (DATE as epoch milliseconds, STRING_LIST as a list).
 *
 * @example
 * ```ts
 * inferSchema([{ city: "Springfield", updated: "2024-03-01" }, { tags: ["parks"] }]);
 * // { city: "STRING", updated: "DATE", tags: "STRING_LIST" }
 * ```
 */
import { invalid } from "@edgeml/shared/errors";
import {
  type Attributes,
  type AttributeSchema,
  type AttributeType,
  type AttributeValue,
  parseDate,
} from "./attribute_filter.ts";

export function inferSchema(items: Iterable<Attributes>): AttributeSchema {
  const seen = new Map<string, Set<AttributeType>>();
  for (const attributes of items) {
    for (const [key, v] of Object.entries(attributes)) {
      if (v === undefined) continue;
      const type: AttributeType = Array.isArray(v)
        ? "STRING_LIST"
        : typeof v === "number"
        ? "LONG"
        : !Number.isNaN(parseDate(v))
        ? "DATE"
        : "STRING";
      seen.set(key, (seen.get(key) ?? new Set()).add(type));
    }
  }
  const schema: AttributeSchema = {};
  for (const [key, types] of seen) {
    if (types.size === 1) schema[key] = [...types][0];
    else if ([...types].every((t) => t !== "LONG")) {
      schema[key] = types.has("STRING_LIST") ? "STRING_LIST" : "STRING";
    } else throw conflict(key, [...types].join(" and "));
  }
  return schema;
}

/** The attributes as filters and facets read them; a value of the wrong type throws. */
export function normalizeAttributes(
  attributes: Attributes,
  schema: AttributeSchema,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, v] of Object.entries(attributes)) {
    if (v === undefined) continue;
    const type = schema[key];
    if (type === undefined) throw conflict(key, "no type in the schema");
    const normal = type === "STRING_LIST"
      ? (typeof v === "string" ? [v] : v)
      : type === "DATE"
      ? (typeof v === "string" ? parseDate(v) : v)
      : v;
    const ok = type === "STRING"
      ? typeof normal === "string"
      : type === "STRING_LIST"
      ? Array.isArray(normal) && normal.every((s) => typeof s === "string")
      : Number.isFinite(normal);
    if (!ok) throw conflict(key, `${JSON.stringify(v)} is not a ${type}`);
    out[key] = normal;
  }
  return out;
}

const conflict = (key: string, why: string) =>
  invalid("attribute_type_conflict", `attribute "${key}": ${why}`, { extra: { attribute: key } });
