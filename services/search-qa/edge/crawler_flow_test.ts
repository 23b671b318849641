/**
 * The web crawler data source over HTTP against the real embedded process, crawling a site the
 * test serves on loopback: the first sync indexes its pages and lists each failing URL (a
 * redirect loop, a page slower than the timeout, an image); robots.txt keeps one page unfetched;
 * after one page changes and another disappears, the second sync re-indexes exactly the changed
 * page, deletes the removed one and leaves the rest alone (304s and equal content hashes).
 */
import assert from "node:assert/strict";
import type { QueryResponse } from "@edgeml/shared/contracts/search";
import type { SyncJob } from "@edgeml/shared/contracts/search_crawler";
import { startEmbedded } from "@edgeml/gateway/testing";

/** A body that sends nothing until `end` (then ends, unless the client gave up first). */
function stalledBody(end: Promise<void>): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream({
    start: (c) => void end.then(() => open && c.close()),
    cancel: () => void (open = false),
  });
}

const html = (title: string, body: string) =>
  `<html><head><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

/** The site: `round` 2 changes the library page and removes the parks page. */
function serveSite() {
  const requests = new Map<string, number>();
  const conditional: string[] = [];
  const closing = Promise.withResolvers<void>();
  let round = 1;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { pathname } = new URL(req.url);
    requests.set(pathname, (requests.get(pathname) ?? 0) + 1);
    const inm = req.headers.get("if-none-match");
    const ims = req.headers.get("if-modified-since");
    if (inm || ims) conditional.push(pathname);
    const page = (body: string, type: string, validators: Record<string, string> = {}) => {
      if ((inm && inm === validators.etag) || (ims && ims === validators["last-modified"])) {
        return new Response(null, { status: 304, headers: validators });
      }
      return new Response(body, { headers: { "content-type": type, ...validators } });
    };
    const redirect = (to: string) => new Response(null, { status: 302, headers: { location: to } });
    switch (pathname) {
      case "/robots.txt":
        return page("User-agent: *\nDisallow: /private/\n", "text/plain");
      case "/sitemap.xml":
        return page(
          `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${new URL(
            "/sitemap-pages.xml",
            req.url,
          )}</loc></sitemap></sitemapindex>`,
          "application/xml",
        );
      case "/sitemap-pages.xml":
        return page(
          `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${new URL(
            "/notes.txt",
            req.url,
          )}</loc></url></urlset>`,
          "application/xml",
        );
      case "/":
        return page(
          html(
            "Springfield city portal",
            `<p>Services for the residents of Springfield.</p><ul>
            <li><a href="/pages/library.html">Library</a></li><li><a href="/pages/pool.html">Pool</a></li>
            <li><a href="/pages/parks.html#top">Parks</a></li><li><a href="/private/staff.html">Staff</a></li>
            <li><a href="/loop-a">Loop</a></li><li><a href="/slow">Slow</a></li>
            <li><a href="/logo.png">Logo</a></li><li><a href="http://example.invalid/x">Elsewhere</a></li></ul>`,
          ),
          "text/html; charset=utf-8",
          { etag: '"home-1"' },
        );
      case "/pages/library.html":
        return page(
          html(
            "Library",
            round === 1
              ? "<p>The central library opens at nine and closes at five on weekdays.</p>"
              : "<p>The central library now runs a bookmobile to every school on Saturdays.</p>",
          ),
          "text/html",
          { etag: `"library-${round}"` },
        );
      case "/pages/pool.html":
        return page(
          html("Pool", "<p>The outdoor pool is heated from May to September.</p>"),
          "text/html",
        );
      case "/pages/parks.html":
        if (round === 2) return new Response("gone", { status: 404 });
        return page(
          html("Parks", "<p>Skateboard ramps in Riverside park are open daily.</p>"),
          "text/html",
          { "last-modified": "Mon, 01 Jan 2024 00:00:00 GMT" },
        );
      case "/notes.txt":
        return page("Council notes: the recycling yard moves to Elm Street.", "text/plain", {
          "last-modified": "Tue, 02 Jan 2024 00:00:00 GMT",
        });
      case "/loop-a":
        return redirect("/loop-b");
      case "/loop-b":
        return redirect("/loop-a");
      case "/logo.png":
        return new Response(new Uint8Array([137, 80, 78, 71]), {
          headers: { "content-type": "image/png" },
        });
      case "/slow": // headers at once, the body only when the test ends
        return new Response(
          stalledBody(closing.promise),
          { headers: { "content-type": "text/html" } },
        );
      default:
        return new Response("not here", { status: 404 });
    }
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    requests,
    conditional,
    nextRound: () => round++,
    async close() {
      closing.resolve();
      await server.shutdown();
    },
  };
}

Deno.test("search-qa crawler: two syncs of a loopback site, incremental the second time", async () => {
  const site = serveSite();
  const server = await startEmbedded();
  const auth = { authorization: `Bearer ${server.adminToken}` };
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/v1/search${path}`, {
      method,
      headers: { ...auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ok = async <T>(res: Response, status = 200): Promise<T> => {
    const body = await res.json();
    assert.equal(res.status, status, JSON.stringify(body));
    return body;
  };
  const sources = "/indexes/town/data-sources";
  /** Polls the job (observable state) until it ends. */
  const finished = async (id: string, jobId: string): Promise<SyncJob> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await ok<SyncJob>(await call("GET", `${sources}/${id}/sync-jobs/${jobId}`));
      if (job.status === "SUCCEEDED" || job.status === "FAILED") return job;
      assert.ok(Date.now() < deadline, `job still ${job.status}: ${JSON.stringify(job.progress)}`);
      await new Promise((r) => setTimeout(r, 50)); // poll interval
    }
  };
  const sync = async (id: string) => {
    const job = await ok<SyncJob>(await call("POST", `${sources}/${id}/sync`), 202);
    assert.ok(["PENDING", "IN_PROGRESS"].includes(job.status));
    return job;
  };
  const query = async (queryText: string) =>
    (await ok<QueryResponse>(await call("POST", "/indexes/town/query", { queryText })))
      .resultItems;
  const errorCodes = (job: SyncJob) =>
    Object.fromEntries(job.errors.map((e) => [e.url.slice(site.base.length), e.code]));
  const config = {
    name: "springfield-portal",
    type: "WEBCRAWLER",
    seedUrls: [`${site.base}/`],
    siteMaps: [`${site.base}/sitemap.xml`],
    maxUrlsPerMinuteCrawlRate: 6000,
    fetchTimeoutMs: 500,
    allowPrivateAddresses: true,
    attributes: { city: "Springfield" },
  };
  try {
    await ok(await call("POST", "/indexes", { name: "town" }), 201);

    // Bad configurations.
    const badPattern = await ok<{ code: string }>(
      await call("POST", sources, { ...config, urlExclusionPatterns: ["(unclosed"] }),
      400,
    );
    assert.equal(badPattern.code, "invalid_url_pattern");
    const badAttribute = await ok<{ code: string }>(
      await call("POST", sources, { ...config, attributes: { colour: "red" } }),
      422,
    );
    assert.equal(badAttribute.code, "unknown_attribute");
    await ok(await call("POST", sources, { ...config, seedUrls: [], siteMaps: [] }), 400);
    await ok(await call("POST", sources, { ...config, seedUrls: ["file:///etc/passwd"] }), 400);

    const source = await ok<{ id: string; crawlDepth: number; webCrawlerMode: string }>(
      await call("POST", sources, config),
      201,
    );
    assert.deepEqual([source.crawlDepth, source.webCrawlerMode], [2, "HOST_ONLY"]);

    // First sync: every page added, each failing URL listed with its reason.
    const first = await sync(source.id);
    const busy = await ok<{ code: string }>(
      await call("POST", `${sources}/${source.id}/sync`),
      409,
    );
    assert.equal(busy.code, "sync_running");
    const one = await finished(source.id, first.jobId);
    assert.equal(one.status, "SUCCEEDED", JSON.stringify(one));
    assert.deepEqual(one.metrics, {
      documentsAdded: 5,
      documentsModified: 0,
      documentsUnchanged: 0,
      documentsDeleted: 0,
      documentsFailed: 3,
    });
    assert.deepEqual(errorCodes(one), {
      "/loop-a": "redirect_loop",
      "/slow": "timeout",
      "/logo.png": "unsupported_content_type",
    });
    assert.deepEqual(one.progress, { fraction: 1, stage: "DONE" });
    assert.equal(site.requests.get("/private/staff.html"), undefined); // robots.txt disallows it
    assert.equal(site.requests.get("/robots.txt"), 1);
    assert.equal(site.requests.get("/pages/parks.html"), 1); // linked as parks.html#top

    const library = await query("when does the central library open");
    assert.equal(library[0].documentURI, `${site.base}/pages/library.html`);
    assert.deepEqual(
      library[0].documentAttributes.find((a) => a.key === "city")?.value,
      { stringValue: "Springfield" },
    );
    assert.ok((await query("skateboard ramps")).some((i) => i.documentURI?.endsWith("parks.html")));
    assert.ok((await query("recycling yard")).some((i) => i.documentURI?.endsWith("notes.txt")));

    // Second sync: the library page changed, the parks page is gone, the rest is as it was.
    site.nextRound();
    site.conditional.length = 0;
    const two = await finished(source.id, (await sync(source.id)).jobId);
    assert.equal(two.status, "SUCCEEDED", JSON.stringify(two));
    assert.deepEqual(two.metrics, {
      documentsAdded: 0,
      documentsModified: 1,
      documentsUnchanged: 3,
      documentsDeleted: 1,
      documentsFailed: 3,
    });
    assert.deepEqual(Object.keys(errorCodes(two)).sort(), ["/logo.png", "/loop-a", "/slow"]);
    // Validators went out for the pages that sent them.
    assert.deepEqual(
      site.conditional.filter((p) => p !== "/robots.txt").sort(),
      ["/", "/notes.txt", "/pages/library.html", "/pages/parks.html"],
    );
    assert.equal(site.requests.get("/private/staff.html"), undefined);

    const bookmobile = await query("bookmobile");
    assert.equal(bookmobile[0]?.documentURI, `${site.base}/pages/library.html`);
    assert.ok(
      !(await query("skateboard ramps")).some((i) => i.documentURI?.endsWith("parks.html")),
    );
    const old = await query("opens at nine and closes at five");
    assert.ok(!old.some((i) => i.documentExcerpt?.text.includes("closes at five")));

    const listed = await ok<{ dataSources: { id: string; lastSyncJobId: string }[] }>(
      await call("GET", sources),
    );
    assert.deepEqual(listed.dataSources.map((d) => [d.id, d.lastSyncJobId]), [[
      source.id,
      two.jobId,
    ]]);
    const jobs = await ok<{ syncJobs: SyncJob[] }>(
      await call("GET", `${sources}/${source.id}/sync-jobs`),
    );
    assert.deepEqual(jobs.syncJobs.map((j) => j.jobId), [two.jobId, one.jobId]);

    // Without allowPrivateAddresses, a loopback site is refused before any request is made.
    const before = [...site.requests.values()].reduce((a, b) => a + b, 0);
    const guarded = await ok<{ id: string }>(
      await call("POST", sources, { ...config, name: "guarded", allowPrivateAddresses: false }),
      201,
    );
    const refused = await finished(guarded.id, (await sync(guarded.id)).jobId);
    assert.equal(refused.metrics.documentsAdded, 0);
    assert.deepEqual(
      [...new Set(refused.errors.map((e) => e.code))],
      ["private_address"],
    );
    assert.equal([...site.requests.values()].reduce((a, b) => a + b, 0), before);
    await ok(await call("GET", `${sources}/nope`), 404);
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
    await site.close();
  }
});
