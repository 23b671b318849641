import assert from "node:assert/strict";
import { urlScope } from "./url_scope.ts";

const roots = ["https://www.city.example/", "http://127.0.0.1:8080/"];
const urls = [
  "https://www.city.example/a",
  "https://library.city.example/b",
  "https://city.example/c",
  "https://notcity.example/d",
  "http://127.0.0.1:8080/e",
  "http://127.0.0.1:9090/f",
  "https://www.city.example/files/all.zip",
];

Deno.test("urlScope: HOST_ONLY, SUBDOMAINS and EVERYTHING", () => {
  const fetchable = (webCrawlerMode: "HOST_ONLY" | "SUBDOMAINS" | "EVERYTHING") => {
    const scope = urlScope({
      roots,
      webCrawlerMode,
      urlInclusionPatterns: [],
      urlExclusionPatterns: ["\\.zip$"],
    });
    return urls.filter((u) => scope.mayFetch(u)).map((u) => u.slice(-1));
  };
  assert.deepEqual(fetchable("HOST_ONLY"), ["a", "e"]);
  assert.deepEqual(fetchable("SUBDOMAINS"), ["a", "b", "c", "e", "f"]);
  assert.deepEqual(fetchable("EVERYTHING"), ["a", "b", "c", "d", "e", "f"]);
});

Deno.test("urlScope: inclusion patterns decide what is indexed, exclusion wins", () => {
  const scope = urlScope({
    roots,
    webCrawlerMode: "HOST_ONLY",
    urlInclusionPatterns: ["/a$", "/e$"],
    urlExclusionPatterns: ["/e$"],
  });
  assert.deepEqual(urls.filter((u) => scope.mayIndex(u)), ["https://www.city.example/a"]);
  assert.equal(scope.mayFetch("https://www.city.example/x"), true);
  assert.equal(scope.mayIndex("https://www.city.example/x"), false);
});

Deno.test("urlScope: a pattern that is not a regular expression is refused, naming it", () => {
  assert.throws(
    () =>
      urlScope({
        roots,
        webCrawlerMode: "HOST_ONLY",
        urlInclusionPatterns: [],
        urlExclusionPatterns: ["ok", "(unclosed"],
      }),
    { code: "invalid_url_pattern", message: /urlExclusionPatterns\[1\]/ },
  );
});
