import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { buildIndexData } from "./index_data.ts";
import { decodeIndexData, encodeIndexData } from "./index_snapshot.ts";
import { encodeSnapshot } from "./snapshot_codec.ts";

Deno.test("index data survives encode/decode exactly, options included", () => {
  const data = buildIndexData([
    {
      id: "1",
      kind: "FAQ",
      fields: { question: "When is the library open?", answer: "9–17, Zürich time" },
      attributes: { city: "Zürich", tags: ["a", "b"], n: 3, at: "2024-01-01" },
    },
    { id: "2", kind: "PASSAGE", fields: { body: "Parks\nand pools" }, attributes: {} },
  ], { synonyms: "pool, swimming", stopWords: ["and"], fieldB: { body: 0.3 }, k1: 0.9 });
  assert.deepEqual(decodeIndexData(encodeIndexData(data)), data);
  const empty = buildIndexData([]);
  assert.deepEqual(decodeIndexData(encodeIndexData(empty)), empty);
});

Deno.test("another snapshot format is refused", () => {
  assert.throws(() => decodeIndexData(encodeSnapshot({ format: "other" }, {})), DomainError);
});
