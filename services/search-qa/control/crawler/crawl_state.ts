/**
 * What a data source's last sync found, for the next one to compare against: per URL the
 * validators (`etag`, `lastModified`) for a conditional request, the hash of the document it
 * produced, that document's id (when the page was indexed) and the page's links (so a page
 * answering 304 still leads to its children). Plain JSON in the artifact store:
 *
 *   search-qa/<index>/data-sources/<id>/crawl-state.json
 *
 * `attributesHash` is the hash of the data source's attributes when the state was written:
 * when they change, validators are not sent, so every page is read and re-stamped.
 * @module
 */
import type { TenantStores } from "@edgeml/shared/store";

export interface CrawlStateEntry {
  etag?: string;
  lastModified?: string;
  contentHash?: string;
  documentId?: string;
  links?: string[];
}

export interface CrawlState {
  attributesHash: string;
  pages: Record<string, CrawlStateEntry>;
}

export const crawlStatePath = (index: string, id: string) =>
  `search-qa/${index}/data-sources/${id}/crawl-state.json`;

export async function loadCrawlState(
  stores: TenantStores,
  index: string,
  id: string,
): Promise<CrawlState> {
  const bytes = await stores.artifacts.get(crawlStatePath(index, id));
  return bytes ? JSON.parse(new TextDecoder().decode(bytes)) : { attributesHash: "", pages: {} };
}

export async function saveCrawlState(
  stores: TenantStores,
  index: string,
  id: string,
  state: CrawlState,
): Promise<void> {
  await stores.artifacts.put(
    crawlStatePath(index, id),
    new TextEncoder().encode(JSON.stringify(state)),
  );
}
