import assert from "node:assert/strict";
import { addressGuard } from "./address_guard.ts";
import { fetchPage, type FetchPageOptions } from "./fetch_page.ts";

/** A body that sends nothing until `end` (then ends, unless the client gave up first). */
function stalledBody(end: Promise<void>): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream({
    start: (c) => void end.then(() => open && c.close()),
    cancel: () => void (open = false),
  });
}

/** A loopback site whose slow page waits for the client to give up (or the test to end). */
function serveSite() {
  const closing = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    const redirect = (to: string) => new Response(null, { status: 302, headers: { location: to } });
    if (path === "/page") {
      if (req.headers.get("if-none-match") === '"v1"') {
        return new Response(null, { status: 304, headers: { etag: '"v1"' } });
      }
      return new Response("<p>hello</p>", {
        headers: { "content-type": "text/html; charset=utf-8", etag: '"v1"' },
      });
    }
    if (path === "/moved") return redirect("/page#frag");
    if (path === "/loop-a") return redirect("/loop-b");
    if (path === "/loop-b") return redirect("/loop-a");
    if (path.startsWith("/chain/")) return redirect(`/chain/${Number(path.slice(7)) + 1}`);
    if (path === "/image") return new Response("PNG", { headers: { "content-type": "image/png" } });
    if (path === "/huge") {
      const chunk = new Uint8Array(1024).fill(65);
      return new Response(
        new ReadableStream({
          pull: (c) => c.enqueue(chunk), // endless: page_too_large proves reading stopped
        }),
        { headers: { "content-type": "text/plain" } },
      );
    }
    if (path === "/slow") { // headers at once, the body only when the test ends
      return new Response(
        stalledBody(closing.promise),
        { headers: { "content-type": "text/html" } },
      );
    }
    return new Response("no", { status: 404 });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      closing.resolve();
      await server.shutdown();
    },
  };
}

const options: FetchPageOptions = {
  timeoutMs: 2000,
  maxBytes: 10_000,
  accept: (t) => t === "text/html" || t === "text/plain",
};

Deno.test("fetchPage: redirects, conditional requests, and each refusal as a CrawlError", async () => {
  const site = serveSite();
  try {
    const page = await fetchPage(`${site.base}/moved`, options);
    assert.equal(page.kind, "ok");
    assert.equal(page.url, `${site.base}/page`);
    assert.equal(page.kind === "ok" && new TextDecoder().decode(page.bytes), "<p>hello</p>");
    assert.equal(page.kind === "ok" && page.etag, '"v1"');

    const again = await fetchPage(`${site.base}/page`, {
      ...options,
      validators: () => ({ etag: '"v1"' }),
    });
    assert.deepEqual(again, { kind: "not_modified", url: `${site.base}/page` });

    const refusals: [string, Partial<FetchPageOptions>, string][] = [
      ["/loop-a", {}, "redirect_loop"],
      ["/chain/0", {}, "too_many_redirects"],
      ["/image", {}, "unsupported_content_type"],
      ["/huge", {}, "page_too_large"],
      ["/slow", { timeoutMs: 200 }, "timeout"],
      ["/gone", {}, "not_found"],
      ["/page", { beforeRequest: addressGuard() }, "private_address"],
    ];
    for (const [path, extra, code] of refusals) {
      await assert.rejects(fetchPage(`${site.base}${path}`, { ...options, ...extra }), { code });
    }
  } finally {
    await site.close();
  }
});

Deno.test("fetchPage: a redirect from a public host to a private address is refused", async () => {
  const requested: string[] = [];
  const fakeFetch = (input: string | URL | Request) => {
    requested.push(String(input));
    return Promise.resolve(
      new Response(null, { status: 301, headers: { location: "http://169.254.169.254/meta" } }),
    );
  };
  await assert.rejects(
    fetchPage("http://public.test/", {
      ...options,
      fetch: fakeFetch as typeof fetch,
      beforeRequest: addressGuard((host) =>
        Promise.resolve(host === "public.test" ? ["93.184.216.34"] : [])
      ),
    }),
    { code: "private_address" },
  );
  assert.deepEqual(requested, ["http://public.test/"]);
});

Deno.test("fetchPage: time spent waiting in beforeRequest (the host's rate) is not network time", async () => {
  const site = serveSite();
  try {
    let release = () => {};
    const page = fetchPage(`${site.base}/page`, {
      ...options,
      timeoutMs: 100,
      beforeRequest: () => new Promise<void>((r) => release = r),
    });
    // Well past the budget before the request is allowed out; the fetch still succeeds.
    await new Promise((r) => setTimeout(r, 250));
    release();
    assert.equal((await page).kind, "ok");
  } finally {
    await site.close();
  }
});
