/**
 * robots.txt per origin, fetched once per crawl. A 4xx (none published) allows everything; a
 * 5xx, timeout or network failure disallows everything until a later crawl (RFC 9309 §2.3.1.3
 * and §2.3.1.4), reported once as that robots.txt URL's error.
 * @module
 */
import { asCrawlError, type CrawlError } from "./crawl_error.ts";
import { fetchPage, type FetchPageOptions } from "./fetch_page.ts";
import { ALLOW_ALL, DISALLOW_ALL, parseRobots, type Robots } from "./robots.ts";

/** RFC 9309 asks crawlers to read at least 500 KiB. */
const MAX_ROBOTS_BYTES = 500 * 1024;

export function robotsCache(
  fetchOptions: Omit<FetchPageOptions, "maxBytes" | "accept" | "validators">,
  onError: (url: string, error: CrawlError) => void,
) {
  const byOrigin = new Map<string, Promise<Robots>>();
  async function load(origin: string): Promise<Robots> {
    const url = `${origin}/robots.txt`;
    try {
      const page = await fetchPage(url, { ...fetchOptions, maxBytes: MAX_ROBOTS_BYTES });
      return page.kind === "ok" ? parseRobots(new TextDecoder().decode(page.bytes)) : ALLOW_ALL;
    } catch (err) {
      const error = asCrawlError(err, "robots_unavailable");
      if (
        error.status !== undefined && error.status >= 400 && error.status < 500 &&
        error.status !== 429
      ) {
        return ALLOW_ALL;
      }
      onError(url, error);
      return DISALLOW_ALL;
    }
  }
  return function robotsFor(url: URL): Promise<Robots> {
    let robots = byOrigin.get(url.origin);
    if (!robots) byOrigin.set(url.origin, robots = load(url.origin));
    return robots;
  };
}
