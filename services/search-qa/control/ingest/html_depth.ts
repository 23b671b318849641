/**
 * How deeply an HTML text nests its elements, estimated from its tags without building a
 * tree. HTML parsers (parse5 behind cheerio, htmlparser2) take time quadratic in the nesting
 * depth (100 000 nested `<div>`s: 76 s with parse5, 7 s with htmlparser2), so a document is
 * measured with this linear scan before it is parsed.
 *
 * Void elements, elements whose end tag may be omitted (`p`, `li`, `td`, …, which parsers
 * close implicitly) and the content of raw-text elements (`script`, `style`, …) do not count.
 * @module
 */

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]); // deno-fmt-ignore
const OPTIONAL_END = new Set([
  "body", "caption", "colgroup", "dd", "dt", "head", "html", "li", "optgroup", "option", "p",
  "rb", "rp", "rt", "rtc", "tbody", "td", "tfoot", "th", "thead", "tr",
]); // deno-fmt-ignore
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed"]);
const TAG = /<(\/?)([a-zA-Z][^\s/>]*)[^>]*>/y;

/**
 * The deepest nesting found, scanning no further once it passes `limit`.
 *
 * @example
 * ```ts
 * htmlNestingDepth("<div><p>a<p>b</div>"); // 1
 * htmlNestingDepth("<div>".repeat(100_000), 512); // 513
 * ```
 */
export function htmlNestingDepth(html: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let at = html.indexOf("<"); at !== -1 && deepest <= limit; at = html.indexOf("<", at)) {
    if (html.startsWith("<!--", at)) {
      const end = html.indexOf("-->", at + 4);
      at = end === -1 ? html.length : end + 3;
      continue;
    }
    TAG.lastIndex = at;
    const tag = TAG.exec(html);
    if (tag === null) {
      at++;
      continue;
    }
    at = TAG.lastIndex;
    const name = tag[2].toLowerCase();
    if (VOID.has(name) || OPTIONAL_END.has(name)) continue;
    if (tag[1] === "/") {
      depth = Math.max(0, depth - 1);
    } else if (RAW_TEXT.has(name)) {
      const end = new RegExp(`</${name}[^>]*>`, "gi");
      end.lastIndex = at;
      at = end.exec(html) === null ? html.length : end.lastIndex;
    } else if (!tag[0].endsWith("/>")) {
      deepest = Math.max(deepest, ++depth);
    }
  }
  return deepest;
}
