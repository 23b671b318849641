/**
 * The unit every extractor (HTML, PDF, plain text, CSV) hands to the passage splitter.
 * @module
 */

/** A run of body text under one heading path. */
export interface TextBlock {
  /** The h1..h6 headings in effect, outermost first (`["Library", "Opening hours"]`). */
  headings: string[];
  /** Paragraphs separated by a blank line (`"\n\n"`), whitespace inside each collapsed. */
  text: string;
  /** 1-based page number, for paginated sources (PDF). */
  page?: number;
}

/** What an extractor returns for one document. */
export interface ExtractedDocument {
  /** The document's title, or `""` when it has none. */
  title: string;
  blocks: TextBlock[];
}

/** Collapses runs of whitespace (including NBSP) to one space and trims. */
export function collapseSpace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, " ").trim();
}
