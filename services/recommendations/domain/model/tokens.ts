/**
 * Metadata to token ids by feature hashing (Weinberger et al. 2009, "Feature Hashing for Large
 * Scale Multitask Learning"): token `field=value` (categorical) or `field:word` (textual,
 * lower-cased words of letters and digits) goes to bucket `FNV-1a₃₂(token) mod buckets`.
 * Hashing needs no vocabulary, so an UPDATE maps new items' metadata to the same buckets as the
 * last FULL did. Duplicate buckets of one entity are kept once (its mean embedding then weighs
 * each distinct bucket equally).
 * @module
 */
import type { TokenLists } from "./types.ts";

/** One item's or user's metadata, as Personalize's schemas mark fields. */
export interface MetadataRow {
  /** `categorical: true` fields, each a list of values (Personalize splits them on `|`). */
  categorical?: Readonly<Record<string, readonly string[]>>;
  /** `textual: true` fields, free text. */
  textual?: Readonly<Record<string, string>>;
}

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The token strings of one row, before hashing. */
export function metadataTokens(row: MetadataRow): string[] {
  const out: string[] = [];
  for (const [field, values] of Object.entries(row.categorical ?? {})) {
    for (const value of values) if (value !== "") out.push(`${field}=${value.toLowerCase()}`);
  }
  for (const [field, text] of Object.entries(row.textual ?? {})) {
    for (const word of text.toLowerCase().match(WORD) ?? []) out.push(`${field}:${word}`);
  }
  return out;
}

/**
 * Hashes every row's tokens into `buckets` ids.
 *
 * @example
 * ```ts
 * const lists = hashMetadataTokens([{ categorical: { GENRES: ["drama"] } }], 1 << 14);
 * lists.tokens; // one bucket id for "GENRES=drama"
 * ```
 */
export function hashMetadataTokens(rows: readonly MetadataRow[], buckets: number): TokenLists {
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
  }
  const offsets = new Int32Array(rows.length + 1);
  const tokens: number[] = [];
  rows.forEach((row, e) => {
    const seen = new Set<number>();
    for (const token of metadataTokens(row)) {
      const id = fnv1a(token) % buckets;
      if (!seen.has(id)) {
        seen.add(id);
        tokens.push(id);
      }
    }
    offsets[e + 1] = tokens.length;
  });
  return { offsets, tokens: Int32Array.from(tokens) };
}
