/**
 * Ingestion against a real store: an FAQ replaced in place, a source deleted and the index
 * rebuilt without it, and refused uploads (unknown attribute, malformed file) that change
 * nothing, each checked in the stored files and in the snapshot the index then serves.
 */
import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import {
  createIndexRecord,
  documentPath,
  faqPath,
  getIndex,
  snapshotPath,
} from "../domain/index_catalog.ts";
import { loadSnapshot } from "../domain/mod.ts";
import { withStores } from "@edgeml/shared/testing";
import { deleteSource, putDocument, putFaq } from "./stored_sources.ts";

const domainError = (code: string, kind: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && e.kind === kind;
const text = (s: string) => new TextEncoder().encode(s);

async function served(stores: TenantStores, index: string) {
  const { version } = await getIndex(stores.kv, index);
  return loadSnapshot((await stores.artifacts.get(snapshotPath(index, version)))!);
}

const PETS_V1 = `_question,_answer,city
Where do I register a dog?,At the animal office on Elm Street.,Springfield
Do cats need a licence?,No; cats are not licensed.,Springfield
`;
const PETS_V2 = `_question,_answer,city
How much is a dog tag?,A dog tag costs 15 dollars a year.,Riverton
`;

Deno.test("putFaq: the same faqId replaces the FAQ's entries instead of adding to them", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "pets", attributeSchema: {} });
    assert.deepEqual(await putFaq(stores, "pets", "animals", PETS_V1, "CSV_WITH_HEADER"), {
      faqId: "animals",
      entries: 2,
      version: 1,
    });
    assert.deepEqual(await putFaq(stores, "pets", "animals", PETS_V2, "CSV_WITH_HEADER"), {
      faqId: "animals",
      entries: 1,
      version: 2,
    });
    const record = await getIndex(stores.kv, "pets");
    assert.deepEqual([record.version, record.faqs, record.items], [2, 1, 1]);
    const index = await served(stores, "pets");
    assert.equal(index.size, 1);
    assert.equal(index.item("faq.animals.0")?.fields.question, "How much is a dog tag?");
    assert.equal(index.item("faq.animals.0")?.attributes.city, "Riverton");
    assert.equal(index.item("faq.animals.1"), undefined);
    assert.equal(index.search({ text: "cats licence" }).total, 0);
  });
});

Deno.test("deleteSource: the source is removed and the index rebuilt without it", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    await putFaq(stores, "town", "pets", PETS_V1, "CSV_WITH_HEADER");
    const doc = await putDocument(
      stores,
      "town",
      "recycling",
      text("# Recycling\nGlass bottles go into the green container."),
      "PLAIN_TEXT",
      { _document_title: "Recycling guide", city: "Springfield" },
    );
    assert.deepEqual(doc, {
      documentId: "recycling",
      title: "Recycling guide",
      passages: 1,
      version: 2,
    });
    assert.equal((await served(stores, "town")).search({ text: "dog" }).total, 1);

    await deleteSource(stores, "town", faqPath("town", "pets"), "faq");
    const record = await getIndex(stores.kv, "town");
    assert.deepEqual([record.version, record.faqs, record.documents, record.items], [3, 0, 1, 1]);
    assert.equal(await stores.artifacts.stat(faqPath("town", "pets")), undefined);
    const index = await served(stores, "town");
    assert.equal(index.search({ text: "dog" }).total, 0);
    assert.deepEqual(index.search({ text: "glass bottles" }).hits.map((h) => h.id), [
      "doc.recycling.0",
    ]);

    await assert.rejects(
      deleteSource(stores, "town", faqPath("town", "pets"), "faq"),
      domainError("faq_not_found", "not_found"),
    );
    await assert.rejects(
      deleteSource(stores, "nowhere", faqPath("nowhere", "pets"), "faq"),
      domainError("index_not_found", "not_found"),
    );
    assert.equal((await getIndex(stores.kv, "town")).version, 3);
  });
});

Deno.test("refused uploads: an unknown attribute or a malformed file changes nothing", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: { audience: "STRING" } });
    await putFaq(stores, "town", "pets", PETS_V1, "CSV_WITH_HEADER");
    const before = await getIndex(stores.kv, "town");

    await assert.rejects(
      putDocument(
        stores,
        "town",
        "guide",
        text("Glass goes into the green container."),
        "PLAIN_TEXT",
        {
          colour: "green",
        },
      ),
      (e: unknown) =>
        domainError("unknown_attribute", "unprocessable")(e) &&
        (e as DomainError).extra?.attribute === "colour",
    );
    assert.equal(await stores.artifacts.stat(documentPath("town", "guide")), undefined);

    await assert.rejects(
      putFaq(
        stores,
        "town",
        "pets",
        "_question,_answer,colour\nDogs?,On a leash.,brown\n",
        "CSV_WITH_HEADER",
      ),
      domainError("unknown_attribute", "unprocessable"),
    );
    await assert.rejects(
      putFaq(stores, "town", "pets", "_question,_answer\nonly one cell\n", "CSV_WITH_HEADER"),
      domainError("invalid_faq_file", "invalid"),
    );
    await assert.rejects(
      putDocument(stores, "town", "blank", text("  \n\n  "), "PLAIN_TEXT", {}),
      domainError("document_empty", "unprocessable"),
    );

    assert.deepEqual(await getIndex(stores.kv, "town"), before);
    // the FAQ stored before is still the one served
    assert.equal(
      (await served(stores, "town")).item("faq.pets.1")?.fields.question,
      "Do cats need a licence?",
    );
  });
});
