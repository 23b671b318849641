import assert from "node:assert/strict";
import type { AttributeValue } from "./attribute_filter.ts";
import { buildColumn, createFacetCounter, maskOf } from "./attribute_columns.ts";

const docs: Record<string, AttributeValue>[] = [
  { city: "B", tags: ["x", "y", "x"], at: Date.parse("2024-01-02") },
  {},
  { city: "A", tags: ["y"], at: Date.parse("2024-01-01") },
  { city: "B", tags: [], at: Date.parse("2024-01-02") },
];

Deno.test("columns in CSR form, duplicates within a document counted once", () => {
  const tags = buildColumn(docs, "tags");
  assert.deepEqual(tags.values, ["x", "y"]);
  assert.deepEqual([...tags.start], [0, 2, 2, 3, 3]);
  assert.deepEqual([...tags.codes], [0, 1, 1]);
  assert.deepEqual([...maskOf(tags, ["y"])], [1, 0, 1, 0]);
  assert.deepEqual([...maskOf(buildColumn(docs, "city"), ["A", "C"])], [0, 0, 1, 0]);
});

Deno.test("facet counts by count then value; dates as ISO strings", () => {
  const city = createFacetCounter(buildColumn(docs, "city"), "STRING");
  for (const d of [0, 1, 2, 3]) city.add(d);
  assert.deepEqual(city.result(), [{ value: "B", count: 2 }, { value: "A", count: 1 }]);
  const at = createFacetCounter(buildColumn(docs, "at"), "DATE");
  at.add(2);
  at.add(3);
  assert.deepEqual(at.result(), [
    { value: "2024-01-01T00:00:00.000Z", count: 1 },
    { value: "2024-01-02T00:00:00.000Z", count: 1 },
  ]);
});
