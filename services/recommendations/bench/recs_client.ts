/**
 * A small HTTP client of the recommendations API for the benchmarks (the simulator's service
 * loop, the serving load's setup), typed by the shared contracts. Every call checks the status
 * it expects and throws with the problem body otherwise.
 *
 * @example
 * ```ts
 * const recs = recsClient(server.url, server.adminToken);
 * await recs.post("/dataset-groups", { name: "shop" }, 201);
 * const version = await recs.train("shop-recs", "FULL");
 * ```
 */
import type { z } from "zod";
import type {
  GetRecommendationsRequest,
  GetRecommendationsResponse,
  PutEventsRequest,
  SolutionVersion,
} from "@edgeml/shared/contracts/recommendations";

export type Recommendations = z.infer<typeof GetRecommendationsResponse>;
export type Events = z.input<typeof PutEventsRequest>;
export type VersionRecord = z.infer<typeof SolutionVersion>;

export function recsClient(baseUrl: string, adminToken: string) {
  const auth = { authorization: `Bearer ${adminToken}` };
  const url = (path: string) => `${baseUrl}/v1/recommendations${path}`;

  async function send(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string,
    expected: number,
  ): Promise<unknown> {
    const res = await fetch(url(path), {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { "content-type": contentType }) },
      body,
    });
    const text = await res.text();
    if (res.status !== expected) {
      throw new Error(`${method} ${path}: ${res.status} (expected ${expected}): ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
  }

  const client = {
    get: (path: string) => send("GET", path, undefined, "", 200),
    post: (path: string, body: unknown, expected = 200) =>
      send("POST", path, JSON.stringify(body), "application/json", expected),
    put: (path: string, body: unknown, expected = 200) =>
      send("PUT", path, JSON.stringify(body), "application/json", expected),
    patch: (path: string, body: unknown, expected = 200) =>
      send("PATCH", path, JSON.stringify(body), "application/json", expected),
    importCsv: (group: string, type: string, csv: string) =>
      send("POST", `/dataset-groups/${group}/datasets/${type}/import-jobs`, csv, "text/csv", 200),
    recommend: (campaign: string, request: z.input<typeof GetRecommendationsRequest>) =>
      client.post(`/campaigns/${campaign}/recommendations`, request) as Promise<Recommendations>,
    putEvents: (group: string, events: Events) =>
      client.post(`/dataset-groups/${group}/events`, events, 204),
    /** Starts a solution version and waits (polling its record) until it is ACTIVE. */
    async train(solution: string, trainingMode: "FULL" | "UPDATE"): Promise<VersionRecord> {
      const started = await client.post(
        `/solutions/${solution}/versions`,
        { trainingMode },
        202,
      ) as VersionRecord;
      for (;;) {
        const record = await client.get(
          `/solutions/${solution}/versions/${started.version}`,
        ) as VersionRecord;
        if (record.status === "ACTIVE") return record;
        if (record.status === "FAILED") {
          throw new Error(`${trainingMode} version ${record.version}: ${record.failureReason}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  return client;
}
