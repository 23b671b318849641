/**
 * The text of a PDF, read with unpdf (pdf.js): its title (the Info dictionary's or XMP's
 * `Title`, else the first line of text) and one {@link TextBlock} per page with text, its
 * lines joined into paragraphs (a blank line between paragraphs; a word hyphenated across a
 * line end joined back).
 *
 * Pages are read one at a time (as unpdf's `extractText` reads them, but with a deadline
 * checked and the event loop let run between pages). Bounded: over `maxBytes` or `maxPages`
 * is refused, and reading stops after `maxMillis`. A file pdf.js cannot open
 * (corrupt, truncated, password-protected) is a per-document `document_unreadable` error.
 * @module
 */
import { getDocumentProxy, getMeta } from "unpdf";
import { DomainError, unprocessable } from "@edgeml/shared/errors";
import { collapseSpace, type ExtractedDocument, type TextBlock } from "./text_block.ts";

/** Options of {@link extractPdf}. */
export interface ExtractPdfOptions {
  /** The largest file read, in bytes (default 50 MB, Kendra's document limit). */
  maxBytes?: number;
  /** The most pages read (default 1000). */
  maxPages?: number;
  /** The longest an extraction may take, in milliseconds (default 20 000). */
  maxMillis?: number;
}

/** A PDF's title and text blocks, and its page count. */
export interface ExtractedPdf extends ExtractedDocument {
  pageCount: number;
}

/** A page's text as paragraphs: lines joined, blank lines kept as paragraph breaks. */
function paragraphs(pageText: string): string[] {
  return pageText.split(/\n\s*\n/)
    .map((paragraph) => collapseSpace(paragraph.replace(/(\p{L})-\n(\p{Ll})/gu, "$1$2")))
    .filter((paragraph) => paragraph !== "");
}

function metadataTitle({ info, metadata }: Awaited<ReturnType<typeof getMeta>>): string {
  const fromInfo = typeof info?.Title === "string" ? collapseSpace(info.Title) : "";
  if (fromInfo !== "" && !/^untitled$/i.test(fromInfo)) return fromInfo;
  const fromXmp = typeof metadata?.get === "function" ? metadata.get("dc:title") : undefined;
  return typeof fromXmp === "string" ? collapseSpace(fromXmp) : "";
}

/** A page's text as unpdf's `extractText` joins it: items, a newline where one ends a line. */
async function pageText(
  pdf: Awaited<ReturnType<typeof getDocumentProxy>>,
  pageNumber: number,
): Promise<string> {
  const { items } = await (await pdf.getPage(pageNumber)).getTextContent();
  return items.map((item) => "str" in item ? item.str + (item.hasEOL ? "\n" : "") : "").join("");
}

function unreadable(detail: string, cause?: unknown): DomainError {
  return unprocessable("document_unreadable", detail, { cause });
}

/**
 * Extracts the title and per-page text of a PDF.
 *
 * @example
 * ```ts
 * const { title, blocks } = await extractPdf(await Deno.readFile("budget.pdf"));
 * // blocks: [{ headings: [], text: "…", page: 1 }, …]
 * ```
 */
export async function extractPdf(
  bytes: Uint8Array,
  { maxBytes = 50_000_000, maxPages = 1000, maxMillis = 20_000 }: ExtractPdfOptions = {},
): Promise<ExtractedPdf> {
  if (bytes.length > maxBytes) {
    throw unprocessable("document_too_large", `the PDF is over ${maxBytes} bytes`, {
      extra: { maxBytes },
    });
  }
  const deadline = performance.now() + maxMillis;
  const onTime = async () => {
    // pdf.js works in microtasks; a macrotask turn lets a caller's timers and I/O run.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (performance.now() > deadline) {
      throw unprocessable("document_unreadable", `reading the PDF took over ${maxMillis} ms`, {
        extra: { maxMillis },
      });
    }
  };
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    pdf = await getDocumentProxy(bytes.slice(), { verbosity: 0 });
  } catch (error) {
    const name = (error as Error)?.name ?? "";
    throw unreadable(
      name === "PasswordException" ? "the PDF is password-protected" : "the PDF cannot be read",
      error,
    );
  }
  try {
    if (pdf.numPages > maxPages) {
      throw unprocessable("document_too_large", `the PDF has over ${maxPages} pages`, {
        extra: { maxPages, pages: pdf.numPages },
      });
    }
    const texts: string[] = [];
    for (let page = 1; page <= pdf.numPages; page++) {
      await onTime();
      texts.push(await pageText(pdf, page));
    }
    const blocks: TextBlock[] = texts.flatMap((text, index) => {
      const found = paragraphs(text);
      return found.length === 0
        ? []
        : [{ headings: [], text: found.join("\n\n"), page: index + 1 }];
    });
    const firstLine = texts.join("\n").split("\n").map(collapseSpace).find((line) => line !== "");
    const meta = await getMeta(pdf).catch(() => undefined);
    const title = (meta && metadataTitle(meta)) || (firstLine ?? "").slice(0, 200);
    return { title, blocks, pageCount: pdf.numPages };
  } catch (error) {
    throw error instanceof DomainError ? error : unreadable("the PDF's text cannot be read", error);
  } finally {
    await pdf.loadingTask.destroy().catch(() => {});
  }
}
