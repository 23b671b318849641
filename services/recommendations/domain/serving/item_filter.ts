/**
 * Recommendation filters on item metadata, Personalize's INCLUDE / EXCLUDE on categorical item
 * fields: `include: { GENRES: ["poetry"] }` keeps items with at least one of the values in every
 * field named; `exclude` drops items with any of the values in any field named. Values match
 * exactly, as Personalize's `IN (…)` does. A field that is not a categorical field of the items
 * schema is a 422 naming it.
 *
 * @example
 * ```ts
 * const keep = itemFilter(serving, { include: { GENRES: ["poetry"] } });
 * keep(7); // whether item 7 passes
 * ```
 */
import { unprocessable } from "@edgeml/shared/errors";
import type { ServingVersion } from "./recommend_for_user.ts";

export interface ItemFilterSpec {
  include?: Record<string, string[]>;
  exclude?: Record<string, string[]>;
  /** Drop the items the user interacted with (the caller gives them to `requestFilter`). */
  excludeInteracted?: boolean;
}

export function itemFilter(
  serving: Pick<ServingVersion, "itemCategorical" | "categoricalFields">,
  { include = {}, exclude = {} }: ItemFilterSpec,
): ((item: number) => boolean) | undefined {
  const known = new Set(serving.categoricalFields);
  for (const field of [...Object.keys(include), ...Object.keys(exclude)]) {
    if (!known.has(field)) {
      throw unprocessable(
        "unknown_filter_field",
        `'${field}' is not a categorical field of the items schema (${
          [...known].join(", ") || "none"
        })`,
        { extra: { field } },
      );
    }
  }
  const includes = Object.entries(include).map(([f, v]) => [f, new Set(v)] as const);
  const excludes = Object.entries(exclude).map(([f, v]) => [f, new Set(v)] as const);
  if (includes.length === 0 && excludes.length === 0) return undefined;
  return (item) => {
    const metadata = serving.itemCategorical[item] ?? {};
    const has = (field: string, values: ReadonlySet<string>) =>
      (metadata[field] ?? []).some((v) => values.has(v));
    return includes.every(([f, v]) => has(f, v)) && !excludes.some(([f, v]) => has(f, v));
  };
}

/**
 * A request's whole filter: the metadata filter, then, when `excludeInteracted`, the items the
 * user interacted with (by index) left out. `undefined` keeps every item.
 */
export function requestFilter(
  serving: Pick<ServingVersion, "itemCategorical" | "categoricalFields">,
  spec: ItemFilterSpec | undefined,
  interacted: () => ReadonlySet<number>,
): ((item: number) => boolean) | undefined {
  if (!spec) return undefined;
  const byMetadata = itemFilter(serving, spec);
  if (!spec.excludeInteracted) return byMetadata;
  const seen = interacted();
  return byMetadata ? (item) => !seen.has(item) && byMetadata(item) : (item) => !seen.has(item);
}
