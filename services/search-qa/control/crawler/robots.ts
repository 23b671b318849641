/**
 * robots.txt as RFC 9309 reads it: the group whose `User-agent` names this crawler
 * (`edgeml-crawler`, case-insensitive) applies, else the `*` group; within it the longest
 * matching `Allow` / `Disallow` path wins, `Allow` on a tie; `*` matches any run of characters
 * and `$` anchors the end. `Crawl-delay` (not in the RFC, widely honoured) is read in seconds.
 * @module
 */

/** The crawler's product token, as robots.txt groups name it. */
export const CRAWLER_AGENT = "edgeml-crawler";

export interface Robots {
  /** Whether a URL's path and query may be fetched. */
  isAllowed(pathAndQuery: string): boolean;
  /** Seconds between requests the site asks for, if any. */
  crawlDelaySeconds?: number;
}

interface Rule {
  allow: boolean;
  path: string;
  pattern: RegExp;
}
interface Group {
  agents: string[];
  rules: Rule[];
  crawlDelay?: number;
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

function rule(allow: boolean, path: string): Rule {
  const anchored = path.endsWith("$");
  const body = (anchored ? path.slice(0, -1) : path).split("*").map(escapeRegExp).join(".*");
  return { allow, path, pattern: new RegExp(`^${body}${anchored ? "$" : ""}`) };
}

function groups(text: string): Group[] {
  const out: Group[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const raw of text.split(/\r?\n|\r/)) {
    const line = raw.replace(/#.*$/, "").trim();
    const at = line.indexOf(":");
    if (at < 0) continue;
    const field = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    if (field === "user-agent") {
      if (!current || !lastWasAgent) out.push(current = { agents: [], rules: [] });
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue;
    if (field === "allow" || field === "disallow") {
      if (value !== "") current.rules.push(rule(field === "allow", value));
    } else if (field === "crawl-delay") {
      const seconds = Number(value);
      if (Number.isFinite(seconds) && seconds >= 0) current.crawlDelay = seconds;
    }
  }
  return out;
}

/**
 * @example
 * ```ts
 * const robots = parseRobots("User-agent: *\nDisallow: /private/\nAllow: /private/open$");
 * robots.isAllowed("/private/x"); // false
 * robots.isAllowed("/private/open"); // true
 * ```
 */
export function parseRobots(text: string, agent = CRAWLER_AGENT): Robots {
  const all = groups(text);
  const named = all.filter((g) => g.agents.includes(agent.toLowerCase()));
  const chosen = named.length > 0 ? named : all.filter((g) => g.agents.includes("*"));
  const rules = chosen.flatMap((g) => g.rules);
  const delays = chosen.map((g) => g.crawlDelay).filter((d) => d !== undefined);
  return {
    isAllowed(pathAndQuery: string): boolean {
      let best: Rule | undefined;
      for (const r of rules) {
        if (!r.pattern.test(pathAndQuery)) continue;
        if (
          !best || r.path.length > best.path.length ||
          (r.path.length === best.path.length && r.allow)
        ) best = r;
      }
      return best?.allow ?? true;
    },
    crawlDelaySeconds: delays.length > 0 ? Math.max(...delays) : undefined,
  };
}

/** What a site without a readable robots.txt allows: everything (4xx) or nothing (5xx). */
export const ALLOW_ALL: Robots = { isAllowed: () => true };
export const DISALLOW_ALL: Robots = { isAllowed: () => false };
