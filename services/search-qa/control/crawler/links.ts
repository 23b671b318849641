/**
 * The links of an HTML page, read with cheerio: `a[href]` and `area[href]` resolved against the
 * page's URL (or its `<base href>`), fragments dropped, http(s) only, deduplicated in document
 * order and cut at `maxLinks`. `rel="nofollow"` links are skipped; a
 * `<meta name="robots" content="noindex, nofollow">` is reported for the page as a whole.
 * A page nested deeper than `maxDepth` is not parsed (see `../ingest/html_depth.ts`).
 * @module
 */
import { load } from "cheerio";
import { htmlNestingDepth } from "../ingest/html_depth.ts";

export interface PageLinks {
  links: string[];
  /** The page asks not to be indexed. */
  noindex: boolean;
  /** The page asks that its links not be followed (`links` is then empty). */
  nofollow: boolean;
}

/** `url` as the crawler keys it: absolute http(s), no fragment; undefined when it is not one. */
export function normalizeUrl(href: string, base?: string | URL): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * @example
 * ```ts
 * extractLinks('<a href="/b#top">B</a><a href="mailto:x@y">x</a>', "https://a.example/a", 100);
 * // { links: ["https://a.example/b"], noindex: false, nofollow: false }
 * ```
 */
export function extractLinks(
  html: string,
  pageUrl: string,
  maxLinks: number,
  maxDepth = 512,
): PageLinks {
  if (htmlNestingDepth(html, maxDepth) > maxDepth) {
    return { links: [], noindex: false, nofollow: false };
  }
  const $ = load(html);
  const robots = $('meta[name="robots" i], meta[name="edgeml-crawler" i]').toArray()
    .map((m) => ($(m).attr("content") ?? "").toLowerCase()).join(",");
  const noindex = /\b(noindex|none)\b/.test(robots);
  const nofollow = /\b(nofollow|none)\b/.test(robots);
  if (nofollow) return { links: [], noindex, nofollow };
  const base = normalizeUrl($("base[href]").first().attr("href") ?? "", pageUrl) ?? pageUrl;
  const links = new Set<string>();
  for (const el of $("a[href], area[href]").toArray()) {
    if (links.size >= maxLinks) break;
    if (/\bnofollow\b/i.test($(el).attr("rel") ?? "")) continue;
    const url = normalizeUrl($(el).attr("href")!, base);
    if (url) links.add(url);
  }
  return { links: [...links], noindex, nofollow };
}
