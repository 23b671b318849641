import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { extractHtml } from "./html_text.ts";
import { htmlNestingDepth } from "./html_depth.ts";

const page = `<!doctype html>
<html><head><title> Springfield &amp; Library </title><style>p { color: red }</style></head>
<body>
  <header><a href="/">Home</a> <a href="/news">News</a></header>
  <nav><ul><li>Menu item</li></ul></nav>
  <div class="cookie-banner">We use cookies. <button>Accept</button></div>
  <div id="onetrust-consent-sdk">Consent preferences</div>
  <div role="navigation">Breadcrumbs</div>
  <article>
    <header><h1>Public Library</h1></header>
    <p>The library   lends books
       and e-books.</p>
    <h2>Opening hours</h2>
    <p>Monday to Friday, 9 to 5.</p><p>Closed on holidays.</p>
    <h3>Summer</h3>
    <ul><li>June: 10 to 4</li><li>July: closed</li></ul>
    <script>var x = "<h2>not a heading</h2>";</script>
    <h2>Contact</h2>
    <table><tr><td>Phone</td><td>555-0100</td></tr></table>
    <form><label>Search</label><input name="q"></form>
    <p hidden>Hidden text</p><p aria-hidden="true">Also hidden</p>
  </article>
  <aside>Related links</aside>
  <footer>© City of Springfield</footer>
</body></html>`;

Deno.test("the title, main text and heading path of a page, boilerplate dropped", () => {
  assert.deepEqual(extractHtml(page), {
    title: "Springfield & Library",
    blocks: [
      { headings: ["Public Library"], text: "The library lends books and e-books." },
      {
        headings: ["Public Library", "Opening hours"],
        text: "Monday to Friday, 9 to 5.\n\nClosed on holidays.",
      },
      {
        headings: ["Public Library", "Opening hours", "Summer"],
        text: "June: 10 to 4\n\nJuly: closed",
      },
      { headings: ["Public Library", "Contact"], text: "Phone 555-0100" },
    ],
  });
});

Deno.test("a <main> element is the content; the first h1 titles an untitled page", () => {
  const html = `<body><div>Site-wide promo</div><main><h1>Trash pickup</h1>
    <p>Mondays.</p><h4>Deep</h4><p>Level four.</p><h2>Recycling</h2><p>Tuesdays.</p></main></body>`;
  assert.deepEqual(extractHtml(html), {
    title: "Trash pickup",
    blocks: [
      { headings: ["Trash pickup"], text: "Mondays." },
      { headings: ["Trash pickup", "Deep"], text: "Level four." },
      { headings: ["Trash pickup", "Recycling"], text: "Tuesdays." },
    ],
  });
  assert.deepEqual(extractHtml(""), { title: "", blocks: [] });
});

Deno.test("a page over maxBytes is refused before it is parsed", () => {
  const error = domainErrorFrom(
    () => extractHtml(`<p>${"é".repeat(600)}</p>`, { maxBytes: 1000 }),
    "unprocessable",
    "document_too_large",
  );
  assert.deepEqual(error.extra, { maxBytes: 1000 });
  assert.equal(extractHtml(`<p>${"é".repeat(400)}</p>`, { maxBytes: 1000 }).blocks.length, 1);
});

Deno.test("100 000 nested divs are refused quickly, without a stack overflow", () => {
  const html = `<body>${"<div>".repeat(100_000)}deep${"</div>".repeat(100_000)}</body>`;
  const started = performance.now();
  const error = domainErrorFrom(() => extractHtml(html), "unprocessable", "document_unreadable");
  assert.deepEqual(error.extra, { maxDepth: 512 });
  assert.ok(performance.now() - started < 1000);
});

Deno.test("nesting within the limit is walked without recursion", () => {
  const html = `<body>${"<div><span>".repeat(250)}deep text${"</span></div>".repeat(250)}</body>`;
  assert.deepEqual(extractHtml(html).blocks, [{ headings: [], text: "deep text" }]);
});

Deno.test("the nesting estimate ignores void, optional-end and raw-text elements", () => {
  assert.equal(htmlNestingDepth("<div><p>a<p>b<li>c<br><img src=x></div>"), 1);
  assert.equal(htmlNestingDepth("<div><script>'<div><div><div>'</script></div><div/>"), 1);
  assert.equal(htmlNestingDepth("<!-- <div><div> --><section><div></div></section>"), 2);
  assert.equal(htmlNestingDepth("<b>".repeat(10), 3), 4);
});

Deno.test("a page that takes longer than maxMillis is a per-document error", () => {
  const html = `<body>${"<p>word ".repeat(20_000)}</body>`;
  domainErrorFrom(
    () => extractHtml(html, { maxMillis: 0 }),
    "unprocessable",
    "document_unreadable",
  );
});
