import assert from "node:assert/strict";
import { parseSitemap } from "./sitemap.ts";

Deno.test("parseSitemap: a urlset lists pages", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://a.example/one </loc><lastmod>2024-01-01</lastmod></url>
  <url><loc>https://a.example/two?x=1&amp;y=2</loc></url>
  <url><loc>ftp://a.example/no</loc></url>
  <url><loc>/relative</loc></url>
</urlset>`;
  assert.deepEqual(parseSitemap(xml), {
    urls: ["https://a.example/one", "https://a.example/two?x=1&y=2"],
    sitemaps: [],
  });
});

Deno.test("parseSitemap: a sitemap index lists sitemaps, prefixes ignored", () => {
  const xml = `<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sm:sitemap><sm:loc>https://a.example/pages.xml</sm:loc></sm:sitemap>
</sm:sitemapindex>`;
  assert.deepEqual(parseSitemap(xml), { urls: [], sitemaps: ["https://a.example/pages.xml"] });
});

Deno.test("parseSitemap: not XML gives nothing", () => {
  assert.deepEqual(parseSitemap("<html><body>hello</body></html>"), { urls: [], sitemaps: [] });
});
