/**
 * The search Q&A service's control plane: ingestion of FAQs and documents into index versions
 * (`createSearchControl`, what the edge app's ingestion routes call) and the demo city index.
 * @module
 */
import type { TenantStores } from "@edgeml/shared/store";
import { documentPath, faqPath } from "../domain/index_catalog.ts";
import type { SearchControl } from "../edge/app.ts";
import type { FaqFileFormat } from "./ingest/faq_formats.ts";
import { deleteSource, putDocument, putFaq } from "./stored_sources.ts";

export { rebuildIndex } from "./index_builder.ts";
export { seedDemoSearchIndex } from "./demo_index.ts";

export function createSearchControl(stores: TenantStores): SearchControl {
  return {
    putFaq: (index, faqId, text, format) =>
      putFaq(stores, index, faqId, text, format as FaqFileFormat),
    deleteFaq: (index, faqId) => deleteSource(stores, index, faqPath(index, faqId), "faq"),
    putDocument: (index, documentId, bytes, contentType, attributes) =>
      putDocument(stores, index, documentId, bytes, contentType, attributes),
    deleteDocument: (index, documentId) =>
      deleteSource(stores, index, documentPath(index, documentId), "document"),
  };
}
