/**
 * A crawler-triggered rebuild publishes the version's re-ranker, as an upload does
 * (`createSearchControl` passes `onIndexRebuilt` into the data-source control): a site served on
 * loopback is synced twice, the second time after a page changed, and the publisher (the
 * worker pool's boundary, a recording double here) is asked each time to serve the new
 * version's re-ranker of the `learnedReranker` index.
 */
import assert from "node:assert/strict";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { CreateDataSourceRequest, type SyncJob } from "@edgeml/shared/contracts/search_crawler";
import { withStores } from "@edgeml/shared/testing";
import { createIndexRecord, getIndex, rerankerPath } from "../domain/index_catalog.ts";
import { createSearchControl } from "./mod.ts";

const TOPICS = [
  ["Library", "The central library opens at nine and closes at five on weekdays."],
  ["Swimming pool", "The outdoor pool is heated from May to September."],
  ["Parks", "Skateboard ramps in Riverside park are open daily."],
  ["Recycling", "The recycling yard takes glass, paper and batteries."],
  ["Parking", "Residents apply for a parking permit at the town hall."],
  ["Dogs", "Every dog must be registered and wear a licence tag."],
  ["Council tax", "Council tax is paid monthly by direct debit."],
  ["Schools", "School admission requests are due by the end of January."],
  ["Weddings", "Marriages are registered at the civic registry office."],
  ["Building", "A building permit is needed for extensions and garages."],
  ["Museum", "The city museum shows the history of the harbour."],
  ["Market", "The farmers market sets up on the square every Saturday."],
];
const slug = (title: string) => title.toLowerCase().replace(/\s+/g, "-");

/** The site: a home page linking one page per topic; `round` 2 rewrites the library page. */
function serveSite() {
  let round = 1;
  const page = (title: string, body: string) =>
    new Response(
      `<html><head><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`,
      { headers: { "content-type": "text/html" } },
    );
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { pathname } = new URL(req.url);
    if (pathname === "/") {
      const links = TOPICS.map(([t]) => `<li><a href="/${slug(t)}.html">${t}</a></li>`);
      return page("City portal", `<p>Services for residents.</p><ul>${links.join("")}</ul>`);
    }
    const topic = TOPICS.find(([t]) => pathname === `/${slug(t)}.html`);
    if (!topic) return new Response("not here", { status: 404 });
    const [title, text] = topic;
    const body = round === 2 && title === "Library"
      ? "The central library now runs a bookmobile to every school on Saturdays."
      : text;
    return page(
      title,
      `<h2>About ${title}</h2><p>${body}</p><h2>Contact</h2><p>Ask the ${title} desk.</p>`,
    );
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    nextRound: () => round++,
    close: () => server.shutdown(),
  };
}

Deno.test("a crawler sync that changed pages publishes the new version's re-ranker", async () => {
  const site = serveSite();
  try {
    await withStores(async (stores) => {
      const served: { name: string; versions: { version: number; artifact: string }[] }[] = [];
      const publisher: ModelPublisher = {
        serve: (name, versions) => Promise.resolve(void served.push({ name, versions })),
      };
      const syncErrors: unknown[] = [];
      const control = createSearchControl(stores, {
        publisher,
        onSyncError: (err) => void syncErrors.push(err),
      });
      await createIndexRecord(stores.kv, {
        name: "town",
        attributeSchema: {},
        learnedReranker: true,
      });
      const source = await control.createDataSource(
        "town",
        CreateDataSourceRequest.parse({
          name: "portal",
          type: "WEBCRAWLER",
          seedUrls: [`${site.base}/`],
          maxUrlsPerMinuteCrawlRate: 6000,
          fetchTimeoutMs: 2000,
          allowPrivateAddresses: true,
        }),
      );
      /** Starts a sync and polls its job (observable state) until it ends. */
      const sync = async (): Promise<SyncJob> => {
        const { jobId } = await control.startDataSourceSync("town", source.id);
        const deadline = Date.now() + 30_000;
        for (;;) {
          const job = await control.getSyncJob("town", source.id, jobId);
          if (job.status === "SUCCEEDED" || job.status === "FAILED") return job;
          assert.ok(Date.now() < deadline, `job still ${job.status}`);
          await new Promise((r) => setTimeout(r, 20)); // poll interval
        }
      };

      const first = await sync();
      assert.equal(first.status, "SUCCEEDED", JSON.stringify(first));
      assert.equal(first.metrics.documentsAdded, TOPICS.length + 1);
      assert.equal((await getIndex(stores.kv, "town")).version, 1);
      assert.ok(await stores.artifacts.stat(rerankerPath("town", 1)), "version 1 re-ranker");
      assert.deepEqual(served, [
        {
          name: "search-town-reranker",
          versions: [{ version: 1, artifact: rerankerPath("town", 1) }],
        },
      ]);

      site.nextRound();
      const second = await sync();
      assert.equal(second.status, "SUCCEEDED", JSON.stringify(second));
      assert.equal(second.metrics.documentsModified, 1);
      assert.equal((await getIndex(stores.kv, "town")).version, 2);
      assert.ok(await stores.artifacts.stat(rerankerPath("town", 2)), "version 2 re-ranker");
      assert.deepEqual(served.at(-1), {
        name: "search-town-reranker",
        versions: [
          { version: 1, artifact: rerankerPath("town", 1) },
          { version: 2, artifact: rerankerPath("town", 2) },
        ],
      });
      assert.equal(served.length, 2);
      assert.deepEqual(syncErrors, []);
    });
  } finally {
    await site.close();
  }
});
