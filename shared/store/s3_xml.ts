/**
 * The little XML that S3's ListObjectsV2 and error responses need, read without a DOM (Deno has
 * no DOMParser): the elements are flat, and their text only carries the five entities and
 * numeric references.
 */

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** Text of the first `<tag>…</tag>` in `xml`, unescaped, or `undefined`. */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = xml.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`));
  return match ? unescapeXml(match[1]) : undefined;
}

/** One `<Contents>` entry of a ListObjectsV2 result. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** One page of a ListObjectsV2 result. */
export interface ListPage {
  objects: ListedObject[];
  /** Set when `IsTruncated`: pass it as `continuation-token` for the next page. */
  nextToken?: string;
}

/** Parses a `ListBucketResult` document. */
export function parseListPage(xml: string): ListPage {
  const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, body]) => ({
    key: xmlText(body, "Key") ?? "",
    size: Number(xmlText(body, "Size") ?? 0),
    lastModified: new Date(xmlText(body, "LastModified") ?? 0),
  }));
  const truncated = xmlText(xml, "IsTruncated") === "true";
  return { objects, nextToken: truncated ? xmlText(xml, "NextContinuationToken") : undefined };
}
