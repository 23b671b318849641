/**
 * A breadth-first crawl of a WEBCRAWLER data source. Seeds and the pages its sitemaps list are
 * level 1; a page's links are followed while its level is under `crawlDepth` (Kendra's count:
 * depth 2 is the seeds and the pages they link to). Every request, redirects included, passes
 * the address guard (unless `allowPrivateAddresses`), the scope and exclusion patterns,
 * robots.txt and the per-host rate. Pages reach `onPage` as they arrive; a page answering 304
 * carries the links stored for it, so an unchanged page still leads to its children, and so
 * does one that failed transiently. Nothing here stores or indexes.
 * @module
 */
import type { DataSourceConfig } from "@edgeml/shared/contracts/search_crawler";
import { addressGuard, type ResolveHost } from "./address_guard.ts";
import { asCrawlError, CrawlError } from "./crawl_error.ts";
import { fetchPage, type FetchPageOptions, type Validators } from "./fetch_page.ts";
import { hostPacer } from "./host_pacer.ts";
import { extractLinks } from "./links.ts";
import { robotsCache } from "./robots_cache.ts";
import { siteMaps } from "./sitemaps.ts";
import { urlScope } from "./url_scope.ts";

/** Media types indexed; anything else is a per-URL `unsupported_content_type`. */
export const PAGE_TYPES: Record<string, "HTML" | "PDF" | "PLAIN_TEXT"> = {
  "text/html": "HTML",
  "application/xhtml+xml": "HTML",
  "application/pdf": "PDF",
  "text/plain": "PLAIN_TEXT",
};

export interface KnownPage extends Validators {
  links?: string[];
}

export type CrawledPage =
  & { url: string; depth: number; links: string[]; indexable: boolean }
  & (
    | { kind: "ok"; contentType: "HTML" | "PDF" | "PLAIN_TEXT"; bytes: Uint8Array } & Validators
    | { kind: "not_modified" }
  );

export interface CrawlProgress {
  stage: "SITEMAPS" | "CRAWLING";
  done: number;
  pending: number;
}

export interface CrawlHooks {
  /** What the last sync stored for a URL: validators for a conditional request, and links. */
  known?: (url: string) => KnownPage | undefined;
  onPage: (page: CrawledPage) => Promise<void>;
  onError: (url: string, error: CrawlError) => void;
  onProgress?: (progress: CrawlProgress) => void;
}

export interface CrawlDeps {
  fetch?: typeof fetch;
  resolveHost?: ResolveHost;
  concurrency?: number;
  /** Pages fetched at most in one crawl. */
  maxPages?: number;
  signal?: AbortSignal;
}

type Item = { url: string; depth: number };

export async function crawl(
  config: Omit<DataSourceConfig, "name" | "type" | "attributes" | "schedule">,
  hooks: CrawlHooks,
  { fetch, resolveHost, concurrency = 4, maxPages = 10_000, signal }: CrawlDeps = {},
): Promise<void> {
  const scope = urlScope({ ...config, roots: [...config.seedUrls, ...config.siteMaps] });
  const guard = config.allowPrivateAddresses ? undefined : addressGuard(resolveHost);
  const pace = hostPacer();
  const interval = 60_000 / config.maxUrlsPerMinuteCrawlRate;
  const base = { timeoutMs: config.fetchTimeoutMs, fetch, signal };
  const robotsFor = robotsCache({
    ...base,
    beforeRequest: async (url, _hop, s) => {
      await guard?.(url);
      await pace(url.host, interval, s);
    },
  }, hooks.onError);
  const beforeRequest = async (url: URL, hop: number, s?: AbortSignal) => {
    await guard?.(url);
    if (hop > 0 && !scope.mayFetch(url.href)) {
      throw new CrawlError("redirect_out_of_scope", `redirected out of scope to ${url.href}`);
    }
    const robots = await robotsFor(url);
    if (!robots.isAllowed(url.pathname + url.search)) {
      throw new CrawlError("robots_disallowed", `robots.txt disallows ${url.href}`);
    }
    const delay = Math.min(robots.crawlDelaySeconds ?? 0, 60) * 1000;
    await pace(url.host, Math.max(interval, delay), s);
  };
  const fetchOptions: FetchPageOptions = {
    ...base,
    maxBytes: Math.round(config.maxContentSizePerPageInMegaBytes * 1024 * 1024),
    beforeRequest,
  };

  const seen = new Set<string>();
  const queue: Item[] = [];
  let done = 0;
  const enqueue = (url: string, depth: number) => {
    if (seen.has(url) || seen.size >= maxPages || !scope.mayFetch(url)) return;
    seen.add(url);
    queue.push({ url, depth });
  };
  const progress = (stage: CrawlProgress["stage"]) =>
    hooks.onProgress?.({ stage, done, pending: queue.length + running.size });
  const running = new Set<Promise<void>>();

  progress("SITEMAPS");
  config.seedUrls.forEach((url) => enqueue(url, 1));
  const listed = await siteMaps(config.siteMaps, fetchOptions, scope.mayFetch, hooks.onError);
  listed.forEach((url) => enqueue(url, 1));

  async function visit({ url, depth }: Item) {
    const target = new URL(url);
    const known = hooks.known?.(url);
    const follow = (links: string[]) => {
      if (depth < config.crawlDepth) links.forEach((l) => enqueue(l, depth + 1));
    };
    try {
      if (!(await robotsFor(target)).isAllowed(target.pathname + target.search)) return;
      const page = await fetchPage(url, {
        ...fetchOptions,
        validators: (u) => hooks.known?.(u),
        accept: (type) => type in PAGE_TYPES,
      });
      if (page.url !== url) {
        if (seen.has(page.url)) return; // reached on its own as well
        seen.add(page.url);
      }
      const indexable = scope.mayIndex(page.url);
      if (page.kind === "not_modified") {
        const links = hooks.known?.(page.url)?.links ?? [];
        follow(links);
        await hooks.onPage({ kind: "not_modified", url: page.url, depth, links, indexable });
        return;
      }
      const contentType = PAGE_TYPES[page.mediaType];
      const found = contentType === "HTML"
        ? extractLinks(new TextDecoder().decode(page.bytes), page.url, config.maxLinksPerPage)
        : { links: [], noindex: false };
      follow(found.links);
      await hooks.onPage({
        ...page,
        contentType,
        depth,
        links: found.links,
        indexable: indexable && !found.noindex,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const error = asCrawlError(err);
      if (error.transient) follow(known?.links ?? []);
      hooks.onError(url, error);
    } finally {
      done++;
    }
  }

  while (queue.length > 0 || running.size > 0) {
    while (queue.length > 0 && running.size < concurrency) {
      const job: Promise<void> = visit(queue.shift()!).finally(() => running.delete(job));
      running.add(job);
    }
    progress("CRAWLING");
    await Promise.race(running);
  }
  progress("CRAWLING");
}
