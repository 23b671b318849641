import assert from "node:assert/strict";
import { crawl, type CrawledPage, type KnownPage } from "./crawl.ts";
import type { CrawlError } from "./crawl_error.ts";

const BASE = "https://site.test";
const html = (links: string[], extra = "") =>
  `<html><head>${extra}</head><body><p>text</p>${
    links.map((l) => `<a href="${l}">${l}</a>`).join("")
  }</body></html>`;

/** A site as path → [status, content type, body]; every request is recorded. */
function fakeSite(pages: Record<string, [number, string, string]>) {
  const requested: string[] = [];
  const fetch = (input: string | URL | Request) => {
    const path = new URL(String(input)).pathname;
    requested.push(path);
    const [status, type, body] = pages[path] ?? [404, "text/plain", "no"];
    const headers = { "content-type": type };
    return Promise.resolve(new Response(status === 304 ? null : body, { status, headers }));
  };
  return { fetch: fetch as typeof globalThis.fetch, requested };
}

const config = {
  seedUrls: [`${BASE}/`],
  siteMaps: [] as string[],
  crawlDepth: 2,
  maxLinksPerPage: 100,
  maxContentSizePerPageInMegaBytes: 1,
  urlInclusionPatterns: [] as string[],
  urlExclusionPatterns: [] as string[],
  webCrawlerMode: "HOST_ONLY" as const,
  maxUrlsPerMinuteCrawlRate: 6000,
  fetchTimeoutMs: 1000,
  allowPrivateAddresses: false,
};
const publicDns = () => Promise.resolve(["93.184.216.34"]);

async function run(
  site: ReturnType<typeof fakeSite>,
  overrides: Partial<typeof config> = {},
  known: Record<string, KnownPage> = {},
) {
  const pages: CrawledPage[] = [];
  const errors: [string, CrawlError][] = [];
  await crawl({ ...config, ...overrides }, {
    known: (url) => known[url],
    onPage: (p) => Promise.resolve(void pages.push(p)),
    onError: (url, e) => void errors.push([url, e]),
  }, { fetch: site.fetch, resolveHost: publicDns });
  const path = (u: string) => u.slice(BASE.length);
  return {
    pages: Object.fromEntries(pages.map((p) => [path(p.url), p])),
    errors: Object.fromEntries(errors.map(([u, e]) => [path(u), e.code])),
  };
}

Deno.test("crawl: depth counts the seed as level 1; out-of-scope and excluded links are not fetched", async () => {
  const site = fakeSite({
    "/robots.txt": [404, "text/plain", ""],
    "/": [200, "text/html", html(["/a", "/b.zip", "https://other.test/x"])],
    "/a": [200, "text/html", html(["/a/deeper"])],
    "/a/deeper": [200, "text/html", html([])],
    "/b.zip": [200, "application/zip", "PK"],
  });
  const { pages, errors } = await run(site, { urlExclusionPatterns: ["\\.zip$"] });
  assert.deepEqual(Object.keys(pages).sort(), ["/", "/a"]);
  assert.deepEqual(pages["/"].links, [
    "https://site.test/a",
    "https://site.test/b.zip",
    "https://other.test/x",
  ]);
  assert.deepEqual(errors, {});
  assert.deepEqual(site.requested.sort(), ["/", "/a", "/robots.txt"]);
  const deeper = await run(
    fakeSite({
      "/": [200, "text/html", html(["/a"])],
      "/a": [200, "text/html", html(["/a/deeper"])],
      "/a/deeper": [200, "text/plain", "deep"],
    }),
    { crawlDepth: 3 },
  );
  assert.deepEqual(Object.keys(deeper.pages).sort(), ["/", "/a", "/a/deeper"]);
});

Deno.test("crawl: maxLinksPerPage, inclusion patterns and noindex decide what is indexable", async () => {
  const site = fakeSite({
    "/": [200, "text/html", html(["/docs/1", "/docs/2", "/news/1", "/docs/3"])],
    "/docs/1": [200, "text/html", html([], '<meta name="robots" content="noindex">')],
    "/docs/2": [200, "application/pdf", "%PDF"],
    "/news/1": [200, "text/plain", "news"],
  });
  const { pages } = await run(site, { maxLinksPerPage: 3, urlInclusionPatterns: ["/docs/"] });
  assert.deepEqual(
    Object.fromEntries(Object.entries(pages).map(([p, v]) => [p, v.indexable])),
    { "/": false, "/docs/1": false, "/docs/2": true, "/news/1": false },
  );
  assert.equal(pages["/docs/2"].kind === "ok" && pages["/docs/2"].contentType, "PDF");
});

Deno.test("crawl: a 304 or a transient failure still leads to the links stored for the page", async () => {
  const site = fakeSite({
    "/": [304, "text/html", ""],
    "/a": [503, "text/html", "busy"],
    "/b": [200, "text/plain", "b"],
    "/c": [200, "text/plain", "c"],
  });
  const { pages, errors } = await run(site, { crawlDepth: 3 }, {
    [`${BASE}/`]: { etag: '"1"', links: [`${BASE}/a`] },
    [`${BASE}/a`]: { links: [`${BASE}/b`, `${BASE}/c`] },
  });
  assert.equal(pages["/"].kind, "not_modified");
  assert.deepEqual(Object.keys(pages).sort(), ["/", "/b", "/c"]);
  assert.deepEqual(errors, { "/a": "http_error" });
});

Deno.test("crawl: robots.txt answering 5xx disallows the host; sitemaps seed the crawl", async () => {
  const down = fakeSite({
    "/robots.txt": [500, "text/plain", ""],
    "/": [200, "text/html", html([])],
  });
  const blocked = await run(down);
  assert.deepEqual(blocked.pages, {});
  assert.deepEqual(blocked.errors, { "/robots.txt": "http_error" });
  assert.deepEqual(down.requested, ["/robots.txt"]);

  const mapped = fakeSite({
    "/sitemap.xml": [
      200,
      "application/xml",
      `<urlset><url><loc>${BASE}/listed</loc></url></urlset>`,
    ],
    "/listed": [200, "text/plain", "listed"],
  });
  const viaSitemap = await run(mapped, { seedUrls: [], siteMaps: [`${BASE}/sitemap.xml`] });
  assert.deepEqual(Object.keys(viaSitemap.pages), ["/listed"]);
});
