/**
 * Ingestion parsers of the search Q&A control plane: FAQ files in Kendra's formats, document
 * text extraction (HTML, PDF, plain text, CSV), metadata sidecars and passages (excerpts are the domain's: `domain/excerpt.ts`).
 * Each throws `DomainError`s with stable codes; every limit is an option with a default.
 * @module
 */
export * from "./faq_formats.ts";
export * from "./html_text.ts";
export * from "./pdf_text.ts";
export * from "./passages.ts";
export * from "./plain_and_csv.ts";
export * from "./metadata_sidecar.ts";
export type { ExtractedDocument, TextBlock } from "./text_block.ts";
