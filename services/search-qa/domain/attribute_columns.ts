/**
 * One attribute of every document as a column: each document's values as codes into a
 * dictionary, in compressed-sparse-row form (`codes[start[d] .. start[d + 1])`), so facets count
 * with integer increments and filters on strings become precomputed per-document masks.
 *
 * @example
 * ```ts
 * const column = buildColumn([{ city: "A" }, {}, { city: "B" }], "city");
 * // values ["A", "B"], start [0, 1, 1, 2], codes [0, 1]
 * const counter = createFacetCounter(column, "STRING");
 * counter.add(0); counter.add(2); counter.add(0);
 * counter.result(); // [{ value: "A", count: 2 }, { value: "B", count: 1 }]
 * ```
 */
import type { AttributeType, AttributeValue } from "./attribute_filter.ts";

export interface AttributeColumn {
  values: (string | number)[];
  start: Int32Array;
  codes: Int32Array;
}

export interface FacetValue {
  value: string | number;
  count: number;
}

export function buildColumn(
  attributes: readonly Readonly<Record<string, AttributeValue>>[],
  key: string,
): AttributeColumn {
  const dictionary = new Map<string | number, number>();
  const start = new Int32Array(attributes.length + 1);
  const codes: number[] = [];
  for (let d = 0; d < attributes.length; d++) {
    const v = attributes[d][key];
    for (const x of v === undefined ? [] : Array.isArray(v) ? new Set(v) : [v]) {
      let code = dictionary.get(x);
      if (code === undefined) dictionary.set(x, code = dictionary.size);
      codes.push(code);
    }
    start[d + 1] = codes.length;
  }
  return { values: [...dictionary.keys()], start, codes: Int32Array.from(codes) };
}

/** A per-document mask: 1 where any of the document's values is one of `wanted`. */
export function maskOf(column: AttributeColumn, wanted: Iterable<string | number>): Uint8Array {
  const targets = new Set(wanted);
  const hit = new Uint8Array(column.values.length);
  column.values.forEach((v, code) => hit[code] = targets.has(v) ? 1 : 0);
  const { start, codes } = column;
  const mask = new Uint8Array(start.length - 1);
  for (let d = 0; d < mask.length; d++) {
    for (let i = start[d]; i < start[d + 1]; i++) if (hit[codes[i]]) mask[d] = 1;
  }
  return mask;
}

/** Counts documents per value; results by count, then value. DATE values come back as ISO. */
export function createFacetCounter(column: AttributeColumn, type: AttributeType) {
  const counts = new Int32Array(column.values.length);
  const { start, codes } = column;
  return {
    add(doc: number) {
      for (let i = start[doc]; i < start[doc + 1]; i++) counts[codes[i]]++;
    },
    result(): FacetValue[] {
      const out: FacetValue[] = [];
      counts.forEach((count, code) => {
        const v = column.values[code];
        if (count > 0) out.push({ value: type === "DATE" ? new Date(v).toISOString() : v, count });
      });
      return out.sort((a, b) =>
        b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)
      );
    },
  };
}
