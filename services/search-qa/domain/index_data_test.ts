import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { buildIndexData, type IndexedItem } from "./index_data.ts";

const items: IndexedItem[] = [
  {
    id: "a",
    kind: "PASSAGE",
    fields: { title: "Parks", body: "parks open daily" },
    attributes: {},
  },
  { id: "b", kind: "FAQ", fields: { question: "Library open?" }, attributes: { city: "X" } },
];

Deno.test("term-major postings with t̃f = Σ_f w_f · tf_f / B_f, worked by hand", () => {
  const data = buildIndexData(items, {
    fieldWeights: { title: 2, body: 1, question: 3 },
    fieldB: { title: 1, body: 1, question: 0 },
  });
  assert.deepEqual(data.terms, ["park", "open", "daili", "librari"]);
  assert.deepEqual([...data.termStart], [0, 1, 3, 4, 5]);
  assert.deepEqual([...data.postDocs], [0, 0, 1, 0, 1]);
  // only one document has each field, so l = avgl and B = 1 everywhere:
  // park in a: 2·1 (title) + 1·1 (body) = 3; open in a: 1; open in b: 3·1 = 3
  assert.deepEqual([...data.postWeight], [3, 1, 3, 1, 3]);
  assert.deepEqual(data.averageFieldLength, [1, 0, 3, 2, 0]);
  assert.deepEqual(data.surfaceWords, ["parks", "open", "daily", "library"]);
  assert.deepEqual([...data.surfaceTerms], [0, 1, 2, 3]);
  assert.deepEqual(data.schema, { city: "STRING" });
});

Deno.test("duplicate ids are refused", () => {
  assert.throws(() => buildIndexData([items[0], items[0]]), (e: unknown) => {
    assert.ok(e instanceof DomainError);
    assert.equal(e.code, "duplicate_id");
    return true;
  });
});
