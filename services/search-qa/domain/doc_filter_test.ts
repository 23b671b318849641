import assert from "node:assert/strict";
import { buildColumn } from "./attribute_columns.ts";
import { type AttributeFilter, compileFilter } from "./attribute_filter.ts";
import { compileDocFilter } from "./doc_filter.ts";

const cities = ["A", "B", "C"];
const tags = ["x", "y", "z", "w"];
const attributes = Array.from({ length: 200 }, (_, d) => {
  const a: Record<string, string | string[] | number> = { n: d % 17 };
  if (d % 5 !== 0) a.city = cities[d % 3];
  a.tags = tags.filter((_, i) => (d >> i) & 1);
  return a;
});
const schema = { city: "STRING", tags: "STRING_LIST", n: "LONG" } as const;

Deno.test("mask-backed leaves agree with compileFilter on every document", () => {
  const masks = new Map<string, Uint8Array>();
  const context = { schema, attributes, column: (k: string) => buildColumn(attributes, k), masks };
  const filters: AttributeFilter[] = [
    { equalsTo: { key: "city", value: { stringValue: "B" } } },
    { notFilter: { equalsTo: { key: "city", value: { stringValue: "B" } } } },
    { containsAny: { key: "tags", value: { stringListValue: ["x", "w"] } } },
    { containsAny: { key: "city", value: { stringListValue: ["A", "C"] } } },
    {
      andAllFilters: [
        { orAllFilters: [{ greaterThan: { key: "n", value: { longValue: 10 } } }] },
        { notFilter: { containsAll: { key: "tags", value: { stringListValue: ["y", "z"] } } } },
        { equalsTo: { key: "city", value: { stringValue: "A" } } },
      ],
    },
  ];
  for (const filter of filters) {
    const expected = compileFilter(filter);
    const actual = compileDocFilter(filter, context);
    for (let d = 0; d < attributes.length; d++) {
      assert.equal(actual(d), expected(attributes[d]), `${JSON.stringify(filter)} on ${d}`);
    }
  }
  assert.equal(masks.size, 4); // city B (shared by two filters), tags x|w, city A|C, city A
});
