/**
 * A document excerpt as Kendra shows one: at most about 290 characters of the passage, centred
 * on the first highlight, cut at word boundaries with an ellipsis (`…`) where text was left
 * out, and the highlights' offsets moved into the excerpt (clipped to it, or dropped).
 * @module
 */

/** Kendra's `Highlight`: a half-open `[beginOffset, endOffset)` span of UTF-16 code units. */
export interface Highlight {
  beginOffset: number;
  endOffset: number;
  topAnswer?: boolean;
  type?: "STANDARD" | "THESAURUS_SYNONYM";
}

const ELLIPSIS = "…";
const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);

/** Moves `at` off the second half of a surrogate pair. */
function onCodePoint(text: string, at: number, forward: boolean): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + (forward ? 1 : -1) : at;
}

/**
 * Cuts `text` to at most `maxChars` characters (ellipses included) around the earliest
 * highlight. A word longer than the whole window is the one thing cut mid-word.
 *
 * @example
 * ```ts
 * excerpt("a ".repeat(200) + "library hours" + " b".repeat(200), [{ beginOffset: 400, endOffset: 407 }], 40);
 * // { text: "…a a a a a a a library hours b b b b b…", highlights: [{ beginOffset: 15, endOffset: 22 }] }
 * ```
 */
export function excerpt<H extends Highlight>(
  text: string,
  highlights: readonly H[],
  maxChars = 290,
): { text: string; highlights: H[] } {
  if (text.length <= maxChars) return { text, highlights: [...highlights] };
  const anchor = highlights.reduce<H | undefined>(
    (first, h) => (first === undefined || h.beginOffset < first.beginOffset ? h : first),
    undefined,
  );
  const budget = maxChars - 2; // room for an ellipsis at each end
  const centre = anchor ? (anchor.beginOffset + Math.min(anchor.endOffset, text.length)) / 2 : 0;
  let start = Math.max(0, Math.min(Math.round(centre - budget / 2), text.length - budget));
  let end = Math.min(text.length, start + budget);
  if (start === 0) end = Math.min(text.length, maxChars - 1);
  if (end === text.length) start = Math.max(0, text.length - (maxChars - 1));
  // Cut at word boundaries: drop a word the window starts or ends inside.
  if (start > 0 && !isSpace(text[start - 1]) && !isSpace(text[start])) {
    const space = text.slice(start, end).search(/\s/);
    if (space !== -1) start += space;
  }
  if (end < text.length && !isSpace(text[end - 1]) && !isSpace(text[end])) {
    const lastSpace = text.slice(start, end).search(/\s\S*$/);
    if (lastSpace > 0) end = start + lastSpace;
  }
  start = onCodePoint(text, start, true);
  end = onCodePoint(text, end, false);
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  const prefix = start > 0 ? ELLIPSIS : "";
  const suffix = end < text.length ? ELLIPSIS : "";
  const shift = prefix.length - start;
  const moved = highlights.flatMap((h) => {
    const beginOffset = Math.max(h.beginOffset, start);
    const endOffset = Math.min(h.endOffset, end);
    return beginOffset < endOffset
      ? [{ ...h, beginOffset: beginOffset + shift, endOffset: endOffset + shift }]
      : [];
  });
  return { text: prefix + text.slice(start, end) + suffix, highlights: moved };
}
