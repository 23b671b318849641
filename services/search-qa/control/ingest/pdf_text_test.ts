import assert from "node:assert/strict";
import { rejectsDomainError } from "@edgeml/shared/testing";
import { extractPdf } from "./pdf_text.ts";
import { minimalPdf } from "../../testing/minimal_pdf.ts";

Deno.test("per-page text blocks and the Info dictionary's title", async () => {
  const bytes = minimalPdf([
    ["Library opening hours", "Monday to Friday, 9 to 5."],
    [],
    ["Closed on public holidays."],
  ], "City Library Guide");
  const pdf = await extractPdf(bytes);
  assert.equal(pdf.title, "City Library Guide");
  assert.equal(pdf.pageCount, 3);
  assert.deepEqual(pdf.blocks.map(({ page, headings }) => ({ page, headings })), [
    { page: 1, headings: [] },
    { page: 3, headings: [] },
  ]);
  assert.match(pdf.blocks[0].text, /^Library opening hours\s+Monday to Friday, 9 to 5\.$/);
  assert.equal(pdf.blocks[1].text, "Closed on public holidays.");
  assert.equal(bytes.byteLength > 0, true, "the caller's bytes are not detached");
});

Deno.test("without a title in the metadata, the first line of text is the title", async () => {
  const pdf = await extractPdf(minimalPdf([["Recycling schedule", "Tuesdays."]]));
  assert.equal(pdf.title, "Recycling schedule");
});

Deno.test("corrupt and truncated PDFs are per-document unreadable errors", async () => {
  await rejectsDomainError(
    extractPdf(new TextEncoder().encode("this is not a PDF at all")),
    "unprocessable",
    "document_unreadable",
  );
  const whole = minimalPdf([["Some text"]]);
  await rejectsDomainError(
    extractPdf(whole.slice(0, 40)),
    "unprocessable",
    "document_unreadable",
  );
});

Deno.test("over maxBytes or maxPages is refused as too large", async () => {
  const bytes = minimalPdf([["one"], ["two"], ["three"]]);
  const bySize = await rejectsDomainError(
    extractPdf(bytes, { maxBytes: 100 }),
    "unprocessable",
    "document_too_large",
  );
  assert.deepEqual(bySize.extra, { maxBytes: 100 });
  const byPages = await rejectsDomainError(
    extractPdf(bytes, { maxPages: 2 }),
    "unprocessable",
    "document_too_large",
  );
  assert.deepEqual(byPages.extra, { maxPages: 2, pages: 3 });
});

Deno.test("reading stops after maxMillis", async () => {
  const pages = Array.from({ length: 200 }, (_, i) => [`Page ${i + 1} text`]);
  await rejectsDomainError(
    extractPdf(minimalPdf(pages), { maxMillis: 1 }),
    "unprocessable",
    "document_unreadable",
  );
});
