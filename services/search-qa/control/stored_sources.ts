/**
 * Ingestion into an index: an FAQ file (Kendra's CSV, CSV with header, or JSON) or a document
 * (HTML, PDF, text, CSV) is parsed and checked in full, stored as plain JSON under the index's
 * folder (`faqs/<faqId>.json`, `documents/<documentId>.json`, replacing any earlier one of that
 * id: FAQs are updatable in place), and the index is rebuilt. A refused file changes nothing.
 */
import { invalid, notFound, unprocessable } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import { documentPath, faqPath, getIndex, type IndexRecord } from "../domain/index_catalog.ts";
import { normalizeAttributes } from "../domain/mod.ts";
import { type FaqEntry, type FaqFileFormat, parseFaq } from "./ingest/faq_formats.ts";
import { extractHtml } from "./ingest/html_text.ts";
import { type Passage, splitPassages } from "./ingest/passages.ts";
import { extractPdf } from "./ingest/pdf_text.ts";
import { csvBlocks, plainTextBlocks } from "./ingest/plain_and_csv.ts";
import type { ExtractedDocument } from "./ingest/text_block.ts";
import { type BuildOptions, rebuildIndex } from "./index_builder.ts";

export interface StoredFaq {
  entries: FaqEntry[];
  updatedAt: string;
}

export interface StoredDocument {
  title: string;
  contentType: string;
  attributes: Record<string, string | string[] | number>;
  passages: Passage[];
  updatedAt: string;
}

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

/** Custom attributes checked against the index's schema: unknown keys and wrong types are 422. */
export function checkedAttributes(
  schema: Record<string, string>,
  attributes: Record<string, unknown>,
  where: string,
): Record<string, string | string[] | number> {
  for (const key of Object.keys(attributes)) {
    if (!(key in schema)) {
      throw unprocessable(
        "unknown_attribute",
        `${where}: attribute '${key}' is not in the index's schema (${
          Object.keys(schema).join(", ")
        })`,
        { extra: { attribute: key } },
      );
    }
  }
  return normalizeAttributes(
    attributes as Record<string, string | string[] | number>,
    schema as never,
  ) as Record<string, string | string[] | number>;
}

export async function putFaq(
  stores: TenantStores,
  index: string,
  faqId: string,
  text: string,
  format: FaqFileFormat,
  build: BuildOptions = {},
) {
  const record = await getIndex(stores.kv, index);
  const attributeTypes = Object.fromEntries(
    Object.entries(record.attributeSchema).filter(([k]) => !k.startsWith("_")),
  );
  const entries = parseFaq(text, format, { attributeTypes: attributeTypes as never });
  entries.forEach((e, n) => {
    e.attributes = checkedAttributes(record.attributeSchema, e.attributes, `FAQ entry ${n + 1}`);
  });
  if (entries.length === 0) throw invalid("empty_faq_file", "the FAQ file holds no entries");
  const stored: StoredFaq = { entries, updatedAt: new Date().toISOString() };
  await stores.artifacts.put(faqPath(index, faqId), json(stored));
  const rebuilt = await rebuildIndex(stores, index, build);
  return { faqId, entries: entries.length, version: rebuilt.version };
}

export async function deleteSource(
  stores: TenantStores,
  index: string,
  path: string,
  what: string,
  build: BuildOptions = {},
): Promise<void> {
  await getIndex(stores.kv, index);
  if (!(await stores.artifacts.stat(path))) {
    throw notFound(`${what}_not_found`, `index '${index}' has no such ${what}`);
  }
  await stores.artifacts.delete(path);
  await rebuildIndex(stores, index, build);
}

async function extract(
  bytes: Uint8Array,
  contentType: "HTML" | "PDF" | "PLAIN_TEXT" | "CSV",
): Promise<ExtractedDocument> {
  if (contentType === "PDF") return await extractPdf(bytes);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (contentType === "HTML") return extractHtml(text);
  if (contentType === "CSV") return { title: "", blocks: csvBlocks(text) };
  return { title: "", blocks: plainTextBlocks(text) };
}

/**
 * A document parsed and checked against the index's schema, ready to store; nothing is written.
 * Its title is `_document_title`, else the one the file gives, else `documentId`.
 */
export async function prepareDocument(
  record: IndexRecord,
  documentId: string,
  bytes: Uint8Array,
  contentType: "HTML" | "PDF" | "PLAIN_TEXT" | "CSV",
  attributes: Record<string, unknown>,
): Promise<StoredDocument> {
  const extracted = await extract(bytes, contentType);
  const title = typeof attributes._document_title === "string"
    ? attributes._document_title
    : extracted.title || documentId;
  const { _document_title: _t, ...rest } = attributes;
  const passages = splitPassages(extracted.blocks);
  if (passages.length === 0) {
    throw unprocessable("document_empty", `document '${documentId}' has no text to index`);
  }
  return {
    title,
    contentType,
    attributes: checkedAttributes(record.attributeSchema, rest, `document '${documentId}'`),
    passages,
    updatedAt: new Date().toISOString(),
  };
}

/** Stores a prepared document (replacing one of that id) without rebuilding the index. */
export async function writeDocument(
  stores: TenantStores,
  index: string,
  documentId: string,
  stored: StoredDocument,
): Promise<void> {
  await stores.artifacts.put(documentPath(index, documentId), json(stored));
}

export async function putDocument(
  stores: TenantStores,
  index: string,
  documentId: string,
  bytes: Uint8Array,
  contentType: "HTML" | "PDF" | "PLAIN_TEXT" | "CSV",
  attributes: Record<string, unknown>,
  build: BuildOptions = {},
) {
  const record = await getIndex(stores.kv, index);
  const stored = await prepareDocument(record, documentId, bytes, contentType, attributes);
  await writeDocument(stores, index, documentId, stored);
  const rebuilt = await rebuildIndex(stores, index, build);
  return {
    documentId,
    title: stored.title,
    passages: stored.passages.length,
    version: rebuilt.version,
  };
}
