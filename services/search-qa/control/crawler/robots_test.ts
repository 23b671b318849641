import assert from "node:assert/strict";
import { parseRobots } from "./robots.ts";

const ROBOTS = `# example
User-agent: otherbot
Disallow: /

User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$
Crawl-delay: 2

Sitemap: https://example.com/sitemap.xml
`;

Deno.test("parseRobots: the * group when no group names us, longest match, Allow on ties", () => {
  const robots = parseRobots(ROBOTS);
  const cases: [string, boolean][] = [
    ["/", true],
    ["/private/", false],
    ["/private/secret.html", false],
    ["/private/open", true],
    ["/private/opening-hours", true], // Allow /private/open is a prefix, longer than /private/
    ["/files/report.pdf", false],
    ["/files/report.pdf?x=1", true], // $ anchors the end
    ["/PRIVATE/", true], // paths are case-sensitive
  ];
  for (const [path, allowed] of cases) assert.equal(robots.isAllowed(path), allowed, path);
  assert.equal(robots.crawlDelaySeconds, 2);
});

Deno.test("parseRobots: a group naming edgeml-crawler replaces the * group", () => {
  const robots = parseRobots(
    "User-agent: *\nDisallow: /\n\nUser-agent: googlebot\nUser-agent: EdgeML-Crawler\nDisallow: /tmp\nAllow: /tmp/a\nDisallow: /tmp/a\n",
  );
  assert.equal(robots.isAllowed("/"), true);
  assert.equal(robots.isAllowed("/tmp/x"), false);
  assert.equal(robots.isAllowed("/tmp/a"), true); // tie between Allow and Disallow: Allow
  assert.equal(robots.crawlDelaySeconds, undefined);
});

Deno.test("parseRobots: empty Disallow and empty file allow everything", () => {
  assert.equal(parseRobots("User-agent: *\nDisallow:\n").isAllowed("/a"), true);
  assert.equal(parseRobots("").isAllowed("/a"), true);
});
