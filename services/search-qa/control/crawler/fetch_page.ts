/**
 * One page fetched the way a polite, bounded crawler does: redirects followed by hand (each hop
 * passes `beforeRequest`, which checks the address, scope, robots.txt and rate), a loop or more
 * than `maxRedirects` hops refused, a conditional request (`If-None-Match`,
 * `If-Modified-Since`) when validators are known, an unwanted content type refused before the
 * body is read, the body streamed and abandoned past `maxBytes`, and the whole exchange
 * abandoned after `timeoutMs` of network time (waiting in `beforeRequest`, for the host's
 * rate, does not count). Every refusal is a {@link CrawlError}.
 * @module
 */
import { CrawlError } from "./crawl_error.ts";
import { CRAWLER_AGENT } from "./robots.ts";

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface FetchPageOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  /** Called before every request (the first and each redirect); throws to refuse it. */
  beforeRequest?: (url: URL, hop: number, signal?: AbortSignal) => Promise<void>;
  /** Validators of what was stored for a URL, sent as a conditional request. */
  validators?: (url: string) => Validators | undefined;
  /** Whether a response's media type (lower case, no parameters) is wanted. */
  accept?: (mediaType: string) => boolean;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export type FetchedPage =
  | {
    kind: "ok";
    url: string;
    mediaType: string;
    bytes: Uint8Array;
    etag?: string;
    lastModified?: string;
  }
  | { kind: "not_modified"; url: string };

const USER_AGENT = `${CRAWLER_AGENT}/0.1 (+https://github.com/edgeml)`;

async function readLimited(res: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length"));
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new CrawlError("page_too_large", `${url} declares ${declared} bytes (max ${maxBytes})`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new CrawlError("page_too_large", `${url} is over ${maxBytes} bytes; not read further`);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.byteLength) - c.byteLength);
  return out;
}

/** A time budget that runs only between `resume` and `pause`, aborting when spent. */
function budget(ms: number) {
  const controller = new AbortController();
  let left = ms;
  let since = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    signal: controller.signal,
    resume() {
      since = Date.now();
      timer = setTimeout(() => controller.abort(), Math.max(0, left));
    },
    pause() {
      clearTimeout(timer);
      left -= Date.now() - since;
    },
  };
}

async function exchange(
  url: string,
  options: FetchPageOptions,
  clock: ReturnType<typeof budget>,
  signal: AbortSignal,
) {
  const { maxRedirects = 5, beforeRequest, validators, fetch: doFetch = fetch } = options;
  const seen = new Set<string>();
  for (let hop = 0;; hop++) {
    if (seen.has(url)) throw new CrawlError("redirect_loop", `redirects loop back to ${url}`);
    if (hop > maxRedirects) {
      throw new CrawlError("too_many_redirects", `more than ${maxRedirects} redirects`);
    }
    seen.add(url);
    clock.pause();
    await beforeRequest?.(new URL(url), hop, options.signal);
    clock.resume();
    const known = validators?.(url);
    const headers = new Headers({ "user-agent": USER_AGENT, accept: "*/*" });
    if (known?.etag) headers.set("if-none-match", known.etag);
    if (known?.lastModified) headers.set("if-modified-since", known.lastModified);
    const res = await doFetch(url, { headers, redirect: "manual", signal });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && location) {
      await res.body?.cancel();
      url = new URL(location, url).href.replace(/#.*$/, "");
      continue;
    }
    return { url, res };
  }
}

/**
 * @example
 * ```ts
 * const page = await fetchPage("https://city.example/", { timeoutMs: 10_000, maxBytes: 5e6 });
 * if (page.kind === "ok") console.log(page.mediaType, page.bytes.length);
 * ```
 */
export async function fetchPage(url: string, options: FetchPageOptions): Promise<FetchedPage> {
  const clock = budget(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, clock.signal]) : clock.signal;
  clock.resume();
  try {
    const { url: final, res } = await exchange(url, options, clock, signal);
    if (res.status === 304) {
      await res.body?.cancel();
      return { kind: "not_modified", url: final };
    }
    if (!res.ok) {
      await res.body?.cancel();
      const gone = res.status === 404 || res.status === 410;
      throw new CrawlError(
        gone ? "not_found" : "http_error",
        `${final} answered ${res.status} ${res.statusText}`.trim(),
        res.status >= 500 || res.status === 429,
        res.status,
      );
    }
    const mediaType = (res.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (options.accept && !options.accept(mediaType)) {
      await res.body?.cancel();
      throw new CrawlError(
        "unsupported_content_type",
        `${final} is ${
          mediaType || "of no declared type"
        }; only HTML, PDF and plain text are indexed`,
      );
    }
    const bytes = await readLimited(res, options.maxBytes, final);
    return {
      kind: "ok",
      url: final,
      mediaType,
      bytes,
      etag: res.headers.get("etag") ?? undefined,
      lastModified: res.headers.get("last-modified") ?? undefined,
    };
  } catch (err) {
    if (err instanceof CrawlError) throw err;
    if (clock.signal.aborted) {
      throw new CrawlError("timeout", `${url} took over ${options.timeoutMs} ms`, true);
    }
    if (options.signal?.aborted) throw err;
    throw new CrawlError("network_error", `${url}: ${(err as Error).message}`, true);
  } finally {
    clock.pause();
  }
}
