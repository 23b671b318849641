/**
 * Which URLs a crawl may fetch and which it indexes. Scope is taken from the seed and sitemap
 * URLs' hosts (Kendra's crawl modes): `HOST_ONLY` keeps the same host and port, `SUBDOMAINS`
 * also its subdomains (`www.` dropped first), `EVERYTHING` any host. An exclusion pattern match
 * is never fetched; when inclusion patterns are given, only matching pages are indexed (the
 * others are still read for links), the exclusion winning over the inclusion.
 * @module
 */
import { invalid } from "@edgeml/shared/errors";

export type CrawlScope = "HOST_ONLY" | "SUBDOMAINS" | "EVERYTHING";

export interface UrlScopeOptions {
  /** Seed and sitemap URLs: the hosts in scope. */
  roots: string[];
  webCrawlerMode: CrawlScope;
  urlInclusionPatterns: string[];
  urlExclusionPatterns: string[];
}

export interface UrlScope {
  /** May be fetched: in scope and not excluded. */
  mayFetch(url: string): boolean;
  /** May be indexed: fetchable and matching an inclusion pattern when there are any. */
  mayIndex(url: string): boolean;
}

/** The patterns as regular expressions; one that does not compile is a 400 naming it. */
export function compilePatterns(patterns: string[], field: string): RegExp[] {
  return patterns.map((p, n) => {
    try {
      return new RegExp(p);
    } catch (err) {
      throw invalid(
        "invalid_url_pattern",
        `${field}[${n}] is not a regular expression: ${(err as Error).message}`,
        { extra: { field, pattern: p } },
      );
    }
  });
}

/**
 * @example
 * ```ts
 * const scope = urlScope({
 *   roots: ["https://www.city.example/"], webCrawlerMode: "SUBDOMAINS",
 *   urlInclusionPatterns: [], urlExclusionPatterns: ["\\.zip$"],
 * });
 * scope.mayFetch("https://library.city.example/hours"); // true
 * scope.mayFetch("https://www.city.example/files/all.zip"); // false
 * ```
 */
export function urlScope(options: UrlScopeOptions): UrlScope {
  const include = compilePatterns(options.urlInclusionPatterns, "urlInclusionPatterns");
  const exclude = compilePatterns(options.urlExclusionPatterns, "urlExclusionPatterns");
  const roots = options.roots.map((r) => new URL(r));
  const hosts = new Set(roots.map((r) => r.host));
  const domains = roots.map((r) => r.hostname.replace(/^www\./, ""));
  const inScope = (url: URL) =>
    options.webCrawlerMode === "EVERYTHING" ||
    (options.webCrawlerMode === "HOST_ONLY"
      ? hosts.has(url.host)
      : domains.some((d) => url.hostname === d || url.hostname.endsWith(`.${d}`)));
  const mayFetch = (url: string) => {
    try {
      return inScope(new URL(url)) && !exclude.some((r) => r.test(url));
    } catch {
      return false;
    }
  };
  return {
    mayFetch,
    mayIndex: (url) => mayFetch(url) && (include.length === 0 || include.some((r) => r.test(url))),
  };
}
