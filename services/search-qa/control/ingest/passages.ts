/**
 * Text blocks split into passages for retrieval: each passage keeps its block's heading path
 * (and page), holds at most `maxChars` characters, and ends at a sentence boundary
 * (`Intl.Segmenter`); a sentence longer than `maxChars` is split between words. Only a single
 * word longer than `maxChars` (a URL, a token run) is cut mid-word. With `overlap`, a passage
 * starts with the last whole sentences (up to `overlap` characters) of the one before.
 * @module
 */
import { invalid } from "@edgeml/shared/errors";
import type { TextBlock } from "./text_block.ts";

/** A retrievable unit of a document. */
export interface Passage {
  /** 0-based position among the document's passages. */
  index: number;
  /** The heading path in effect, outermost first. */
  headings: string[];
  text: string;
  page?: number;
}

/** Options of {@link splitPassages}. */
export interface SplitPassagesOptions {
  /** The longest passage, in characters (default 1200). */
  maxChars?: number;
  /** How much of the previous passage to repeat, in characters (default 0). */
  overlap?: number;
}

const sentenceSegmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** The pieces a passage is built from: sentences, each at most `maxChars`. */
function pieces(paragraph: string, maxChars: number): string[] {
  const out: string[] = [];
  for (const { segment } of sentenceSegmenter.segment(paragraph)) {
    const sentence = segment.trim();
    if (sentence === "") continue;
    if (sentence.length <= maxChars) {
      out.push(sentence);
      continue;
    }
    let current = "";
    for (const word of sentence.split(/\s+/)) {
      for (let at = 0; at < word.length; at += maxChars) {
        const part = word.slice(at, at + maxChars);
        if (current !== "" && current.length + 1 + part.length > maxChars) {
          out.push(current);
          current = "";
        }
        current = current === "" ? part : `${current} ${part}`;
      }
    }
    if (current !== "") out.push(current);
  }
  return out;
}

/**
 * Splits blocks into passages.
 *
 * @example
 * ```ts
 * splitPassages([{ headings: ["Library"], text: "Open 9 to 5. Closed Sundays." }], { maxChars: 15 });
 * // [{ index: 0, headings: ["Library"], text: "Open 9 to 5." },
 * //  { index: 1, headings: ["Library"], text: "Closed Sundays." }]
 * ```
 */
export function splitPassages(
  blocks: readonly TextBlock[],
  { maxChars = 1200, overlap = 0 }: SplitPassagesOptions = {},
): Passage[] {
  if (!(Number.isInteger(maxChars) && maxChars > 0)) {
    throw invalid("invalid_passage_options", `maxChars must be a positive whole number`);
  }
  if (!(Number.isInteger(overlap) && overlap >= 0 && overlap < maxChars)) {
    throw invalid("invalid_passage_options", `overlap must be a whole number below maxChars`);
  }
  const passages: Passage[] = [];
  for (const block of blocks) {
    const emit = (sentences: string[]) => {
      passages.push({
        index: passages.length,
        headings: [...block.headings],
        text: sentences.join(" "),
        ...(block.page !== undefined ? { page: block.page } : {}),
      });
    };
    let current: string[] = [];
    let length = 0;
    let fresh = 0; // sentences in `current` that no earlier passage holds
    for (const paragraph of block.text.split(/\n\s*\n/)) {
      for (const sentence of pieces(paragraph, maxChars)) {
        if (current.length > 0 && length + 1 + sentence.length > maxChars) {
          emit(current);
          const carried: string[] = [];
          let carriedLength = 0;
          for (let i = current.length - 1; i >= 0; i--) {
            const added = current[i].length + (carried.length > 0 ? 1 : 0);
            if (carriedLength + added > overlap) break;
            if (carriedLength + added + 1 + sentence.length > maxChars) break;
            carried.unshift(current[i]);
            carriedLength += added;
          }
          current = carried;
          length = carriedLength;
          fresh = 0;
        }
        length += (current.length > 0 ? 1 : 0) + sentence.length;
        current.push(sentence);
        fresh++;
      }
    }
    if (fresh > 0) emit(current);
  }
  return passages;
}
