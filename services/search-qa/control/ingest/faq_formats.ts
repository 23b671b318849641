/**
 * Amazon Kendra's three FAQ file formats (`CSV`, `CSV_WITH_HEADER`, `JSON`) read into
 * {@link FaqEntry}s. A malformed file throws `invalid_faq_file` naming the 1-based line.
 *
 * @example
 * ```ts
 * parseFaq("When is the library open?,9 to 5 on weekdays,https://city.example/library", "CSV");
 * // [{ question: "When is the library open?", answer: "9 to 5 on weekdays",
 * //    uri: "https://city.example/library", attributes: {} }]
 * ```
 * @module
 */
import { invalid } from "@edgeml/shared/errors";
import { parseFaqCsv, parseFaqCsvWithHeader } from "./faq_csv.ts";
import type { FaqEntry, ParseFaqOptions } from "./faq_entry.ts";
import { parseFaqJson } from "./faq_json.ts";

export type { FaqEntry, ParseFaqOptions } from "./faq_entry.ts";
export type { AttributeType, AttributeValue } from "./attribute_values.ts";

/** Kendra's `FaqFileFormat`. */
export type FaqFileFormat = "CSV" | "CSV_WITH_HEADER" | "JSON";

/** The FAQ file formats, for validating a request's `fileFormat`. */
export const FAQ_FILE_FORMATS: readonly FaqFileFormat[] = ["CSV", "CSV_WITH_HEADER", "JSON"];

/**
 * Reads an FAQ file. Throws `invalid("invalid_faq_file", "line N: …", { extra: { line } })` on
 * malformed input, and `invalid("unknown_faq_format")` for a format it does not know.
 */
export function parseFaq(
  text: string,
  format: FaqFileFormat,
  options: ParseFaqOptions = {},
): FaqEntry[] {
  switch (format) {
    case "CSV":
      return parseFaqCsv(text, options);
    case "CSV_WITH_HEADER":
      return parseFaqCsvWithHeader(text, options);
    case "JSON":
      return parseFaqJson(text, options);
    default:
      throw invalid("unknown_faq_format", `unknown FAQ file format "${format}"`, {
        extra: { format, formats: FAQ_FILE_FORMATS },
      });
  }
}
