/**
 * The readable text of an HTML page, read with cheerio: its title (`<title>`, else the first
 * `<h1>`) and its main content (`<main>` or `role=main` when the page has one, else the body)
 * as {@link TextBlock}s, one per section, each carrying the h1..h6 heading path in effect.
 *
 * Boilerplate is dropped: `nav`, `aside`, `script`, `style`, forms and their controls,
 * `role=navigation|banner|contentinfo|search`, hidden elements, cookie and consent banners
 * (by common class and id names), and `header` / `footer` unless they belong to an `article`,
 * `section` or `main` (where HTML makes them part of the content, not the page's banner).
 *
 * Bounded: a page over `maxBytes` is refused, nesting is measured before parsing (see
 * `html_depth.ts`), the tree is walked with an explicit stack, and the whole extraction stops
 * after `maxMillis`. Each refusal is a per-document `unprocessable` error.
 * @module
 */
import { load } from "cheerio";
import { unprocessable } from "@edgeml/shared/errors";
import { htmlNestingDepth } from "./html_depth.ts";
import { collapseSpace, type ExtractedDocument, type TextBlock } from "./text_block.ts";

/** Options of {@link extractHtml}. */
export interface ExtractHtmlOptions {
  /** The largest page read, in UTF-8 bytes (default 5 MB). */
  maxBytes?: number;
  /** The deepest element nesting read (default 512, the depth browsers keep). */
  maxDepth?: number;
  /** The longest an extraction may take, in milliseconds (default 2000). */
  maxMillis?: number;
}

interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
}

const SKIPPED = new Set([
  "nav",
  "aside",
  "script",
  "style",
  "noscript",
  "template",
  "form",
  "button",
  "input",
  "select",
  "textarea",
  "iframe",
  "svg",
  "canvas",
  "object",
  "embed",
  "dialog",
  "head",
]); // deno-fmt-ignore
const SKIPPED_ROLES = new Set(["navigation", "banner", "contentinfo", "search", "dialog"]);
const COOKIE_BANNER = /cookie|consent|gdpr|onetrust|cookiebot|cc-(?:banner|window)/i;
const SECTIONING = new Set(["article", "section", "main"]);
const BLOCK = new Set([
  "address",
  "article",
  "blockquote",
  "br",
  "dd",
  "details",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "hr",
  "li",
  "main",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tr",
  "ul",
]); // deno-fmt-ignore
const CELL = new Set(["td", "th"]);
const HEADING = /^h([1-6])$/;

function skipped(node: DomNode, inSection: boolean): boolean {
  const name = node.name ?? "";
  const attribs = node.attribs ?? {};
  if (SKIPPED.has(name)) return true;
  if ((name === "header" || name === "footer") && !inSection) return true;
  if (SKIPPED_ROLES.has(attribs.role ?? "")) return true;
  if ("hidden" in attribs || attribs["aria-hidden"] === "true") return true;
  return COOKIE_BANNER.test(`${attribs.class ?? ""} ${attribs.id ?? ""}`);
}

/** The concatenated text under `root`, walked with an explicit stack. */
function textOf(root: DomNode): string {
  const parts: string[] = [];
  const stack = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === "text") parts.push(node.data ?? "");
    else if (node.type === "tag") pushChildren(stack, node.children ?? [], (child) => child);
  }
  return collapseSpace(parts.join(" "));
}

/** The first element matching `test`, depth first. */
function find(root: DomNode, test: (node: DomNode) => boolean): DomNode | undefined {
  const stack = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === "tag" && test(node)) return node;
    pushChildren(stack, node.children ?? [], (child) => child);
  }
  return undefined;
}

/** Pushes `children` so that the first is popped first (no spread: a node may have 10^5). */
function pushChildren<T>(stack: T[], children: DomNode[], wrap: (child: DomNode) => T): void {
  for (let i = children.length - 1; i >= 0; i--) stack.push(wrap(children[i]));
}

/** Whether `text` is over `maxBytes` in UTF-8 (each UTF-16 unit is 1 to 3 bytes). */
function overBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  return text.length * 3 > maxBytes && new TextEncoder().encode(text).length > maxBytes;
}

/**
 * Extracts the title and text blocks of an HTML page.
 *
 * @example
 * ```ts
 * extractHtml("<title>Library</title><nav>Home</nav><h2>Hours</h2><p>9 to 5.</p>");
 * // { title: "Library", blocks: [{ headings: ["Hours"], text: "9 to 5." }] }
 * ```
 */
export function extractHtml(
  html: string,
  { maxBytes = 5_000_000, maxDepth = 512, maxMillis = 2000 }: ExtractHtmlOptions = {},
): ExtractedDocument {
  const started = performance.now();
  if (overBytes(html, maxBytes)) {
    throw unprocessable("document_too_large", `the page is over ${maxBytes} bytes`, {
      extra: { maxBytes },
    });
  }
  if (htmlNestingDepth(html, maxDepth) > maxDepth) {
    throw unprocessable("document_unreadable", `the page nests elements over ${maxDepth} deep`, {
      extra: { maxDepth },
    });
  }
  const overTime = () => {
    if (performance.now() - started > maxMillis) {
      throw unprocessable("document_unreadable", `reading the page took over ${maxMillis} ms`, {
        extra: { maxMillis },
      });
    }
  };
  const root = load(html).root()[0] as unknown as DomNode;
  overTime();

  const titleNode = find(root, (node) => node.name === "title");
  const h1 = find(root, (node) => node.name === "h1");
  const title = (titleNode && textOf(titleNode)) || (h1 ? textOf(h1) : "");
  const main = find(root, (node) => node.name === "main" || node.attribs?.role === "main");

  const blocks: TextBlock[] = [];
  const headings: { level: number; text: string }[] = [];
  let paragraphs: string[] = [];
  let words: string[] = [];
  const endParagraph = () => {
    const paragraph = collapseSpace(words.join(""));
    if (paragraph !== "") paragraphs.push(paragraph);
    words = [];
  };
  const endBlock = () => {
    endParagraph();
    if (paragraphs.length > 0) {
      blocks.push({ headings: headings.map((h) => h.text), text: paragraphs.join("\n\n") });
    }
    paragraphs = [];
  };

  type Step = { node: DomNode; inSection: boolean } | "end-paragraph";
  const stack: Step[] = [{ node: main ?? root, inSection: main !== undefined }];
  let visited = 0;
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (++visited % 1024 === 0) overTime();
    if (step === "end-paragraph") {
      endParagraph();
      continue;
    }
    const { node, inSection } = step;
    if (node.type === "text") {
      words.push(node.data ?? "");
      continue;
    }
    if (node.type !== "tag" && node.type !== "root") continue;
    const name = node.name ?? "";
    if (node.type === "tag" && skipped(node, inSection)) continue;
    const level = HEADING.exec(name)?.[1];
    if (level !== undefined) {
      const text = textOf(node);
      if (text === "") continue;
      endBlock();
      while ((headings.at(-1)?.level ?? 0) >= Number(level)) headings.pop();
      headings.push({ level: Number(level), text });
      continue;
    }
    if (BLOCK.has(name)) {
      endParagraph();
      stack.push("end-paragraph");
    } else if (CELL.has(name)) {
      words.push(" ");
    }
    const childInSection = inSection || SECTIONING.has(name);
    pushChildren(
      stack,
      node.children ?? [],
      (child) => ({ node: child, inSection: childInSection }),
    );
  }
  endBlock();
  return { title, blocks };
}
