/** The index catalog against a real store: creation rules, concurrent updates, lookups. */
import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { withStores } from "@edgeml/shared/testing";
import {
  createIndexRecord,
  getIndex,
  indexInfo,
  listIndexes,
  updateIndex,
} from "./index_catalog.ts";

const domainError = (code: string, kind: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && e.kind === kind;

Deno.test("createIndexRecord: the predefined attributes are added and kept, synonyms stored", async () => {
  await withStores(async ({ kv }) => {
    const record = await createIndexRecord(kv, {
      name: "town",
      description: "Town services",
      attributeSchema: { audience: "STRING_LIST", city: "STRING" }, // same type: allowed
      synonyms: "pool, swimming pool\nflu => influenza",
    });
    assert.deepEqual(record.attributeSchema, {
      _source_uri: "STRING",
      _category: "STRING",
      _document_title: "STRING",
      city: "STRING",
      audience: "STRING_LIST",
    });
    assert.equal(record.version, 0);
    assert.deepEqual([record.faqs, record.documents, record.items], [0, 0, 0]);
    assert.deepEqual(await getIndex(kv, "town"), record);
    assert.equal("synonyms" in indexInfo(record), false);
    assert.equal("feedbackVotes" in indexInfo({ ...record, feedbackVotes: 3 }), false);
    assert.deepEqual((await listIndexes(kv)).map((r) => r.name), ["town"]);
  });
});

Deno.test("createIndexRecord: refuses a redefined reserved attribute, bad synonyms and a duplicate", async () => {
  await withStores(async ({ kv }) => {
    await assert.rejects(
      createIndexRecord(kv, { name: "a", attributeSchema: { city: "STRING_LIST" } }),
      domainError("reserved_attribute", "unprocessable"), // 422
    );
    await assert.rejects(
      createIndexRecord(kv, { name: "a", attributeSchema: { _source_uri: "LONG" } }),
      domainError("reserved_attribute", "unprocessable"),
    );
    await assert.rejects(
      createIndexRecord(kv, { name: "a", attributeSchema: {}, synonyms: "pool, baths\n=> spa" }),
      domainError("invalid_synonyms", "invalid"), // 400
    );
    // nothing was stored by the refused requests
    await assert.rejects(getIndex(kv, "a"), domainError("index_not_found", "not_found"));
    await createIndexRecord(kv, { name: "a", attributeSchema: {} });
    await assert.rejects(
      createIndexRecord(kv, { name: "a", attributeSchema: { audience: "STRING" } }),
      domainError("index_exists", "conflict"), // 409
    );
    assert.deepEqual((await getIndex(kv, "a")).attributeSchema.audience, undefined);
  });
});

Deno.test("updateIndex: 30 concurrent updates all land", async () => {
  await withStores(async ({ kv }) => {
    await createIndexRecord(kv, { name: "busy", attributeSchema: {} });
    const results = await Promise.all(
      Array.from(
        { length: 30 },
        () =>
          updateIndex(kv, "busy", (r) => ({ ...r, items: r.items + 1, version: r.version + 1 })),
      ),
    );
    assert.equal((await getIndex(kv, "busy")).items, 30);
    assert.deepEqual(
      results.map((r) => r.version).toSorted((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  });
});

Deno.test("getIndex and updateIndex: an unknown index is a 404", async () => {
  await withStores(async ({ kv }) => {
    await assert.rejects(getIndex(kv, "missing"), domainError("index_not_found", "not_found"));
    await assert.rejects(
      updateIndex(kv, "missing", (r) => r),
      domainError("index_not_found", "not_found"),
    );
  });
});
