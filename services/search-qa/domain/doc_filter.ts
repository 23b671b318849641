/**
 * An attribute filter compiled against an index: `equalsTo` on a STRING attribute and
 * `containsAny` become lookups in per-document masks (built once per value set and cached),
 * every other leaf runs `compileFilter`'s predicate on the document's normalised attributes.
 * Semantics are exactly `compileFilter`'s.
 *
 * @example
 * ```ts
 * const matches = compileDocFilter(filter, { schema, attributes, column, masks: new Map() });
 * matches(42); // does document 42 pass?
 * ```
 */
import type { AttributeColumn } from "./attribute_columns.ts";
import { maskOf } from "./attribute_columns.ts";
import {
  type AttributeFilter,
  type AttributeSchema,
  type AttributeValue,
  compileFilter,
} from "./attribute_filter.ts";

export type DocPredicate = (doc: number) => boolean;

export interface DocFilterContext {
  schema: AttributeSchema;
  /** Normalised attributes by document number. */
  attributes: readonly Readonly<Record<string, AttributeValue>>[];
  column(key: string): AttributeColumn;
  /** Masks by leaf, shared across queries. */
  masks: Map<string, Uint8Array>;
}

const MASK_CACHE_LIMIT = 512;

export function compileDocFilter(filter: AttributeFilter, context: DocFilterContext): DocPredicate {
  if (filter.andAllFilters) {
    const all = filter.andAllFilters.map((f) => compileDocFilter(f, context));
    return (d) => {
      for (const p of all) if (!p(d)) return false;
      return true;
    };
  }
  if (filter.orAllFilters) {
    const any = filter.orAllFilters.map((f) => compileDocFilter(f, context));
    return (d) => {
      for (const p of any) if (p(d)) return true;
      return false;
    };
  }
  if (filter.notFilter) {
    const inner = compileDocFilter(filter.notFilter, context);
    return (d) => !inner(d);
  }
  const { equalsTo, containsAny } = filter;
  const wanted = equalsTo && context.schema[equalsTo.key] === "STRING"
    ? { key: equalsTo.key, values: [equalsTo.value.stringValue as string] }
    : containsAny
    ? { key: containsAny.key, values: containsAny.value.stringListValue ?? [] }
    : undefined;
  if (wanted) {
    const cacheKey = JSON.stringify([wanted.key, ...wanted.values]);
    let mask = context.masks.get(cacheKey);
    if (mask === undefined) {
      if (context.masks.size >= MASK_CACHE_LIMIT) context.masks.clear();
      mask = maskOf(context.column(wanted.key), wanted.values);
      context.masks.set(cacheKey, mask);
    }
    const m = mask;
    return (d) => m[d] === 1;
  }
  const predicate = compileFilter(filter);
  const { attributes } = context;
  return (d) => predicate(attributes[d]);
}
