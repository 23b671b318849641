/**
 * A crawled page as a document of the index: its id (a hash of the data source and the URL, so
 * the same page keeps its id from sync to sync), its attributes (the data source's, plus
 * `_source_uri`), its title (the page's, else the URL) and a hash of everything stored except
 * the time, which tells an unchanged page from a modified one.
 * @module
 */
import type { IndexRecord } from "../../domain/index_catalog.ts";
import { prepareDocument, type StoredDocument } from "../stored_sources.ts";

/** SHA-256 of a string, as lower-case hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `web-` and 24 hex digits of SHA-256(dataSourceId, url). */
export async function pageDocumentId(dataSourceId: string, url: string): Promise<string> {
  return `web-${(await sha256Hex(`${dataSourceId}\n${url}`)).slice(0, 24)}`;
}

export async function pageDocument(
  index: IndexRecord,
  documentId: string,
  page: { url: string; contentType: "HTML" | "PDF" | "PLAIN_TEXT"; bytes: Uint8Array },
  attributes: Record<string, unknown>,
): Promise<{ document: StoredDocument; contentHash: string }> {
  const document = await prepareDocument(index, documentId, page.bytes, page.contentType, {
    ...attributes,
    _source_uri: page.url,
  });
  if (document.title === documentId) document.title = page.url;
  const { updatedAt: _u, ...content } = document;
  return { document, contentHash: await sha256Hex(JSON.stringify(content)) };
}
