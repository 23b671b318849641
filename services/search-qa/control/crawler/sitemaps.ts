/**
 * The page URLs a crawl's sitemaps list: each sitemap (or sitemap index, followed up to three
 * levels and 50 files) is fetched through the crawl's own checks; gzip files (`.xml.gz`) are
 * unpacked up to 50 MB, the sitemaps.org limit. A sitemap that fails is one per-URL error.
 * @module
 */
import { asCrawlError, type CrawlError, CrawlError as Refusal } from "./crawl_error.ts";
import { fetchPage, type FetchPageOptions } from "./fetch_page.ts";
import { parseSitemap } from "./sitemap.ts";

const MAX_FILES = 50;
const MAX_LEVELS = 3;
const MAX_UNPACKED = 50 * 1024 * 1024;

async function text(bytes: Uint8Array, gzip: boolean, url: string): Promise<string> {
  if (!gzip) return new TextDecoder().decode(bytes);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const unpacked = new Blob([bytes as BlobPart]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  for await (const chunk of unpacked) {
    if ((total += chunk.byteLength) > MAX_UNPACKED) {
      throw new Refusal("page_too_large", `${url} unpacks to over ${MAX_UNPACKED} bytes`);
    }
    chunks.push(chunk);
  }
  return new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

export async function siteMaps(
  roots: string[],
  fetchOptions: FetchPageOptions,
  mayFetch: (url: string) => boolean,
  onError: (url: string, error: CrawlError) => void,
): Promise<string[]> {
  const pages: string[] = [];
  const seen = new Set(roots);
  let level = [...roots];
  let files = 0;
  for (let depth = 0; depth < MAX_LEVELS && level.length > 0; depth++) {
    const next: string[] = [];
    for (const url of level) {
      if (files++ >= MAX_FILES) break;
      try {
        const page = await fetchPage(url, fetchOptions);
        if (page.kind !== "ok") continue;
        const gzip = /gzip/.test(page.mediaType) || /\.gz$/i.test(new URL(page.url).pathname);
        const sitemap = parseSitemap(await text(page.bytes, gzip, page.url));
        pages.push(...sitemap.urls);
        for (const nested of sitemap.sitemaps) {
          if (seen.has(nested) || !mayFetch(nested)) continue;
          seen.add(nested);
          next.push(nested);
        }
      } catch (err) {
        onError(url, asCrawlError(err, "sitemap_unreadable"));
      }
    }
    level = next;
  }
  return pages;
}
