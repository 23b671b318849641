/**
 * Kendra's `AttributeFilter` (camelCase): logical `andAllFilters`, `orAllFilters`, `notFilter`
 * over leaves `equalsTo`, `containsAny`, `containsAll`, `greaterThan(OrEquals)`,
 * `lessThan(OrEquals)`, each holding a `DocumentAttribute` `{ key, value }` whose value sets
 * exactly one of `stringValue`, `stringListValue`, `longValue`, `dateValue` (ISO 8601).
 *
 * Semantics: a leaf over an attribute the item lacks is false (so `notFilter` of it is true);
 * `equalsTo` on a string list is set equality; `containsAny` / `containsAll` read a single string
 * as a one-element list; an empty `andAllFilters` is true, an empty `orAllFilters` false.
 *
 * @example
 * ```ts
 * const filter = { andAllFilters: [
 *   { equalsTo: { key: "city", value: { stringValue: "Springfield" } } },
 *   { notFilter: { containsAny: { key: "tags", value: { stringListValue: ["draft"] } } } },
 * ] };
 * validateFilter(filter, { city: "STRING", tags: "STRING_LIST" });
 * compileFilter(filter)({ city: "Springfield", tags: ["parks"] }); // true
 * ```
 */
import { invalid, unprocessable } from "@edgeml/shared/errors";

export type AttributeType = "STRING" | "STRING_LIST" | "LONG" | "DATE";
export type AttributeSchema = Record<string, AttributeType>;
/** An item's attribute: DATE attributes are ISO strings or epoch milliseconds. */
export type AttributeValue = string | string[] | number;
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

export interface DocumentAttributeValue {
  stringValue?: string;
  stringListValue?: string[];
  longValue?: number;
  dateValue?: string;
}

export interface DocumentAttribute {
  key: string;
  value: DocumentAttributeValue;
}

export interface AttributeFilter {
  andAllFilters?: AttributeFilter[];
  orAllFilters?: AttributeFilter[];
  notFilter?: AttributeFilter;
  equalsTo?: DocumentAttribute;
  containsAny?: DocumentAttribute;
  containsAll?: DocumentAttribute;
  greaterThan?: DocumentAttribute;
  greaterThanOrEquals?: DocumentAttribute;
  lessThan?: DocumentAttribute;
  lessThanOrEquals?: DocumentAttribute;
}

export type AttributePredicate = (attributes: Attributes) => boolean;

const LOGICAL = ["andAllFilters", "orAllFilters", "notFilter"] as const;
const LEAVES = [
  "equalsTo",
  "containsAny",
  "containsAll",
  "greaterThan",
  "greaterThanOrEquals",
  "lessThan",
  "lessThanOrEquals",
] as const;
type Operator = typeof LOGICAL[number] | typeof LEAVES[number];
type Leaf = typeof LEAVES[number];

/** Which value field each operator accepts, by attribute type. */
const ACCEPTS: Record<Leaf, Partial<Record<AttributeType, keyof DocumentAttributeValue>>> = {
  equalsTo: {
    STRING: "stringValue",
    STRING_LIST: "stringListValue",
    LONG: "longValue",
    DATE: "dateValue",
  },
  containsAny: { STRING: "stringListValue", STRING_LIST: "stringListValue" },
  containsAll: { STRING: "stringListValue", STRING_LIST: "stringListValue" },
  greaterThan: { LONG: "longValue", DATE: "dateValue" },
  greaterThanOrEquals: { LONG: "longValue", DATE: "dateValue" },
  lessThan: { LONG: "longValue", DATE: "dateValue" },
  lessThanOrEquals: { LONG: "longValue", DATE: "dateValue" },
};

export interface FilterLimits {
  /** Most nested logical operators on one path (a bare leaf is depth 0). Default 8. */
  maxDepth?: number;
  /** Most entries in `andAllFilters`, `orAllFilters` or a `stringListValue`. Default 100. */
  maxListLength?: number;
}

/**
 * Checks a filter against the index's attribute schema. Throws `unprocessable("unknown_attribute")`
 * naming the key, `invalid("filter_too_deep")`, `invalid("filter_list_too_long")`,
 * `invalid("filter_value_type")` and `invalid("invalid_filter")` (not exactly one operator).
 */
export function validateFilter(
  filter: AttributeFilter,
  schema: AttributeSchema,
  { maxDepth = 8, maxListLength = 100 }: FilterLimits = {},
): void {
  const walk = (node: AttributeFilter, depth: number): void => {
    const op = operatorOf(node);
    if (op === "andAllFilters" || op === "orAllFilters" || op === "notFilter") {
      if (depth + 1 > maxDepth) {
        throw invalid("filter_too_deep", `the filter nests deeper than ${maxDepth} levels`, {
          extra: { maxDepth },
        });
      }
      const children = op === "notFilter" ? [node.notFilter] : node[op];
      if (!Array.isArray(children)) throw invalid("invalid_filter", `${op} must be a list`);
      checkLength(op, children.length, maxListLength);
      for (const child of children) walk(child as AttributeFilter, depth + 1);
      return;
    }
    const attribute = node[op];
    if (typeof attribute?.key !== "string" || typeof attribute.value !== "object") {
      throw invalid("invalid_filter", `${op} needs a key and a value`);
    }
    const type = schema[attribute.key];
    if (type === undefined) {
      throw unprocessable("unknown_attribute", `unknown attribute "${attribute.key}"`, {
        extra: { attribute: attribute.key },
      });
    }
    checkValue(op, attribute, type, maxListLength);
  };
  walk(filter, 0);
}

function operatorOf(node: AttributeFilter): Operator {
  if (node === null || typeof node !== "object") {
    throw invalid("invalid_filter", "a filter must be an object");
  }
  const ops = [...LOGICAL, ...LEAVES].filter((op) => node[op] !== undefined);
  if (ops.length !== 1) {
    throw invalid("invalid_filter", `a filter needs exactly one operator, got ${ops.length}`);
  }
  return ops[0];
}

function checkLength(what: string, length: number, max: number) {
  if (length > max) {
    throw invalid("filter_list_too_long", `${what} has ${length} entries, at most ${max}`, {
      extra: { maxListLength: max },
    });
  }
}

function checkValue(op: Leaf, { key, value }: DocumentAttribute, type: AttributeType, max: number) {
  const given = (Object.keys(value) as (keyof DocumentAttributeValue)[])
    .filter((k) => value[k] !== undefined);
  const expected = ACCEPTS[op][type];
  const wrong = (why: string) =>
    invalid("filter_value_type", `${op} on ${type} attribute "${key}" ${why}`, {
      extra: { attribute: key, operator: op, expected: expected ?? null },
    });
  if (expected === undefined) throw wrong("is not supported");
  if (given.length !== 1 || given[0] !== expected) throw wrong(`takes exactly one ${expected}`);
  const v = value[expected];
  const ok = expected === "stringValue"
    ? typeof v === "string"
    : expected === "stringListValue"
    ? Array.isArray(v) && v.every((s) => typeof s === "string")
    : expected === "longValue"
    ? Number.isSafeInteger(v)
    : typeof v === "string" && !Number.isNaN(parseDate(v));
  if (!ok) throw wrong(`has a malformed ${expected}`);
  if (expected === "stringListValue") checkLength(`${op} on "${key}"`, (v as string[]).length, max);
}

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch milliseconds of an ISO 8601 date or date-time; NaN when it is not one. */
export function parseDate(text: string): number {
  return ISO_DATE.test(text) ? Date.parse(text) : NaN;
}

/** A predicate over an item's attributes; validate the filter first. */
export function compileFilter(filter: AttributeFilter): AttributePredicate {
  if (filter.andAllFilters) {
    const all = filter.andAllFilters.map(compileFilter);
    return function andAll(a) {
      for (const p of all) if (!p(a)) return false;
      return true;
    };
  }
  if (filter.orAllFilters) {
    const any = filter.orAllFilters.map(compileFilter);
    return function orAll(a) {
      for (const p of any) if (p(a)) return true;
      return false;
    };
  }
  if (filter.notFilter) {
    const inner = compileFilter(filter.notFilter);
    return function not(a) {
      return !inner(a);
    };
  }
  for (const op of LEAVES) {
    const attribute = filter[op];
    if (attribute) return compileLeaf(op, attribute);
  }
  throw invalid("invalid_filter", "a filter needs exactly one operator, got 0");
}

function compileLeaf(op: Leaf, { key, value }: DocumentAttribute): AttributePredicate {
  const { stringValue, stringListValue, longValue, dateValue } = value;
  if (stringValue !== undefined) return (a) => a[key] === stringValue;
  if (stringListValue !== undefined) {
    const wanted = new Set(stringListValue);
    if (op === "containsAny") return (a) => asList(a[key]).some((s) => wanted.has(s));
    if (op === "containsAll") {
      return (a) => {
        const have = a[key];
        if (have === undefined) return false;
        const list = asList(have);
        return stringListValue.every((s) => list.includes(s));
      };
    }
    return (a) => {
      const have = a[key];
      if (have === undefined) return false;
      const set = new Set(asList(have));
      return set.size === wanted.size && [...set].every((s) => wanted.has(s));
    };
  }
  const target = longValue ?? parseDate(dateValue ?? "");
  const read = longValue !== undefined ? asNumber : asTime;
  switch (op) {
    case "greaterThan":
      return (a) => read(a[key]) > target;
    case "greaterThanOrEquals":
      return (a) => read(a[key]) >= target;
    case "lessThan":
      return (a) => read(a[key]) < target;
    case "lessThanOrEquals":
      return (a) => read(a[key]) <= target;
    default:
      return (a) => read(a[key]) === target;
  }
}

const EMPTY: string[] = [];
const asList = (v: AttributeValue | undefined): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v : EMPTY;
const asNumber = (v: AttributeValue | undefined) => typeof v === "number" ? v : NaN;
const asTime = (v: AttributeValue | undefined) =>
  typeof v === "number" ? v : typeof v === "string" ? parseDate(v) : NaN;
