import assert from "node:assert/strict";
import { extractLinks, normalizeUrl } from "./links.ts";

Deno.test("extractLinks: resolved, deduplicated, fragment-free, http(s) only, in order", () => {
  const html = `<html><body>
    <a href="b.html#part">B</a> <a href="/c?q=1">C</a> <a href="b.html">B again</a>
    <a href="mailto:x@example.com">mail</a> <a href="javascript:void(0)">js</a>
    <a href="https://other.example/">other</a> <a rel="nofollow" href="/skip">skip</a>
    <map><area href="/area" /></map></body></html>`;
  assert.deepEqual(extractLinks(html, "https://a.example/dir/page.html", 100), {
    links: [
      "https://a.example/dir/b.html",
      "https://a.example/c?q=1",
      "https://other.example/",
      "https://a.example/area",
    ],
    noindex: false,
    nofollow: false,
  });
});

Deno.test("extractLinks: <base href>, maxLinks, and meta robots", () => {
  const based = extractLinks(
    '<base href="https://cdn.example/x/"><a href="y">y</a><a href="z">z</a>',
    "https://a.example/",
    1,
  );
  assert.deepEqual(based.links, ["https://cdn.example/x/y"]);
  const closed = extractLinks(
    '<meta name="robots" content="noindex, nofollow"><a href="/a">a</a>',
    "https://a.example/",
    10,
  );
  assert.deepEqual(closed, { links: [], noindex: true, nofollow: true });
});

Deno.test("extractLinks: a page nested without end is not parsed", () => {
  const deep = "<div>".repeat(10_000) + '<a href="/x">x</a>';
  assert.deepEqual(extractLinks(deep, "https://a.example/", 10).links, []);
});

Deno.test("normalizeUrl", () => {
  assert.equal(normalizeUrl("HTTP://A.Example:80/p#f"), "http://a.example/p");
  assert.equal(normalizeUrl("ftp://a.example/"), undefined);
  assert.equal(normalizeUrl("::nonsense"), undefined);
});
