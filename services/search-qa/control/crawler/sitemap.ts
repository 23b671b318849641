/**
 * A sitemap (sitemaps.org 0.9): a `<urlset>` lists pages, a `<sitemapindex>` lists further
 * sitemaps. Read with cheerio in XML mode; namespaces and prefixes are ignored, `<loc>` values
 * are trimmed and kept only when they are absolute http(s) URLs.
 * @module
 */
import { load } from "cheerio";

export interface Sitemap {
  /** Page URLs (`urlset > url > loc`). */
  urls: string[];
  /** Nested sitemap URLs (`sitemapindex > sitemap > loc`). */
  sitemaps: string[];
}

function absolute(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @example
 * ```ts
 * parseSitemap(`<urlset><url><loc>https://a.example/x</loc></url></urlset>`);
 * // { urls: ["https://a.example/x"], sitemaps: [] }
 * ```
 */
export function parseSitemap(xml: string): Sitemap {
  const $ = load(xml, { xml: true });
  const locs = (parent: string) =>
    $("*").toArray()
      .filter((el) => el.type === "tag" && el.name.replace(/^.*:/, "") === parent)
      .flatMap((el) =>
        $(el).children().toArray().filter((c) => c.name.replace(/^.*:/, "") === "loc")
      )
      .map((loc) => absolute($(loc).text()))
      .filter((u) => u !== undefined);
  return { urls: locs("url"), sitemaps: locs("sitemap") };
}
