/**
 * Feedback that acts within seconds, not Kendra's 24 hours. Every query is logged (its text and
 * the result ids it showed); clicks and relevance votes on those results are kept per
 * (normalised query, result) and per result, and turn into a multiplicative ranking prior with
 * exponential decay (half-life 14 days):
 *
 *   evidence = Σ w·2^(−age/14 d),  w: click +1, RELEVANT +2, NOT_RELEVANT −3
 *   prior    = clamp(1 + 0.15·evidence_pair + 0.05·evidence_result, 0.2, 3)
 *
 * The process that receives feedback applies it to its next query; other edge processes reload
 * the votes at most every few seconds. Results voted NOT_RELEVANT are listed for an editor.
 */
import { notFound } from "@edgeml/shared/errors";
import type { KvKey, TenantKvStore } from "@edgeml/shared/store";

/** The prior when an index has no feedback at all. */
export const NO_PRIOR = (_resultId: string) => 1;

export interface LoggedQuery {
  queryText: string;
  resultIds: string[];
  at: string;
}

interface Vote {
  queryKey: string;
  resultId: string;
  documentId: string;
  type: "ANSWER" | "QUESTION_ANSWER" | "DOCUMENT";
  clicks: number;
  relevant: number;
  notRelevant: number;
  /** Decayed evidence as of `at`. */
  evidence: number;
  at: string;
  queries: string[];
}

const HALF_LIFE_MS = 14 * 24 * 3600 * 1000;
const RECENT_QUERIES = 10_000;
const RELOAD_MS = 2000;
const queryKey = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
const logKey = (index: string, queryId: string): KvKey => ["search-qa", "queries", index, queryId];
const voteKey = (index: string, q: string, resultId: string): KvKey => [
  "search-qa",
  "votes",
  index,
  resultId,
  q,
];
const decayed = (evidence: number, at: string, now: number) =>
  evidence * 2 ** (-(now - Date.parse(at)) / HALF_LIFE_MS);

export async function logQuery(
  kv: TenantKvStore,
  index: string,
  queryId: string,
  entry: LoggedQuery,
): Promise<void> {
  await kv.set(logKey(index, queryId), entry);
}

/** The feedback on one result shown for a query: counts of each kind, and the latest's time. */
export interface ResultVotes {
  resultId: string;
  clicks: number;
  relevant: number;
  notRelevant: number;
  at: string;
}

/** A logged query that has feedback: its normalised text and the votes on its results. */
export interface QueryVotes {
  /** The normalised query (case and spacing variants are one query). */
  query: string;
  /** When its latest vote was recorded. */
  at: string;
  /** By result id. */
  results: ResultVotes[];
}

/**
 * The index's logged queries that have clicks or votes, read from the store (not the per-process
 * cache), sorted by query, each query's results by id.
 */
export async function listQueryVotes(kv: TenantKvStore, index: string): Promise<QueryVotes[]> {
  const byQuery = new Map<string, QueryVotes>();
  for await (const { value: v } of kv.list<Vote>(["search-qa", "votes", index])) {
    const q = byQuery.get(v.queryKey) ?? { query: v.queryKey, at: v.at, results: [] };
    const { resultId, clicks, relevant, notRelevant, at } = v;
    q.results.push({ resultId, clicks, relevant, notRelevant, at });
    if (at > q.at) q.at = at;
    byQuery.set(v.queryKey, q);
  }
  const byId = (a: { resultId: string }, b: { resultId: string }) =>
    a.resultId < b.resultId ? -1 : a.resultId > b.resultId ? 1 : 0;
  return [...byQuery.values()]
    .map((q) => ({ ...q, results: q.results.sort(byId) }))
    .sort((a, b) => (a.query < b.query ? -1 : a.query > b.query ? 1 : 0));
}

/** Votes of one index, held in memory per process and reloaded when stale. */
export function createFeedbackPriors(kv: TenantKvStore) {
  const cache = new Map<string, { loadedAt: number; votes: Map<string, Vote> }>();
  /**
   * The query log counted per normalised text (case and spacing variants are one query, shown
   * as first typed), read from the store at most every RELOAD_MS: suggestions do not scan the
   * whole log on every keystroke.
   */
  const queryCounts = new Map<
    string,
    { loadedAt: number; counts: Map<string, { text: string; count: number }> }
  >();
  const countQuery = (counts: Map<string, { text: string; count: number }>, text: string) => {
    const k = queryKey(text);
    const entry = counts.get(k) ?? { text: text.trim(), count: 0 };
    entry.count++;
    counts.set(k, entry);
  };
  async function queryCountsOf(index: string) {
    const hit = queryCounts.get(index);
    if (hit && performance.now() - hit.loadedAt < RELOAD_MS) return hit.counts;
    const counts = new Map<string, { text: string; count: number }>();
    for await (const e of kv.list<LoggedQuery>(["search-qa", "queries", index])) {
      countQuery(counts, e.value.queryText);
    }
    queryCounts.set(index, { loadedAt: performance.now(), counts });
    return counts;
  }
  /** Queries answered here lately: feedback on them needs no KV read, nor to wait for the log. */
  const recent = new Map<string, LoggedQuery>();
  async function load(index: string) {
    const votes = new Map<string, Vote>();
    for await (const e of kv.list<Vote>(["search-qa", "votes", index])) {
      votes.set(`${e.value.resultId}\u0000${e.value.queryKey}`, e.value);
    }
    cache.set(index, { loadedAt: performance.now(), votes });
    return votes;
  }
  async function votesOf(index: string) {
    const hit = cache.get(index);
    if (hit && performance.now() - hit.loadedAt < RELOAD_MS) return hit.votes;
    return await load(index);
  }
  return {
    /**
     * Logs a query without holding up its answer: kept here at once (feedback on it can follow
     * immediately), written to the store in the background for other processes.
     */
    log(index: string, queryId: string, entry: LoggedQuery): Promise<void> {
      const key = `${index}\u0000${queryId}`;
      recent.set(key, entry);
      if (recent.size > RECENT_QUERIES) recent.delete(recent.keys().next().value!);
      const counted = queryCounts.get(index);
      if (counted) countQuery(counted.counts, entry.queryText); // seen here at once
      return logQuery(kv, index, queryId, entry);
    },
    /** The prior of each result for this query text (1 when there is no feedback). */
    async priors(index: string, queryText: string): Promise<(resultId: string) => number> {
      const votes = await votesOf(index);
      if (votes.size === 0) return NO_PRIOR;
      const q = queryKey(queryText);
      const now = Date.now();
      const perResult = new Map<string, number>();
      for (const v of votes.values()) {
        perResult.set(
          v.resultId,
          (perResult.get(v.resultId) ?? 0) + decayed(v.evidence, v.at, now),
        );
      }
      return (resultId) => {
        const pair = votes.get(`${resultId}\u0000${q}`);
        const pairEvidence = pair ? decayed(pair.evidence, pair.at, now) : 0;
        const prior = 1 + 0.15 * pairEvidence + 0.05 * (perResult.get(resultId) ?? 0);
        return Math.min(3, Math.max(0.2, prior));
      };
    },
    /** Records clicks and votes on a logged query's results; applied here at once. */
    async record(
      index: string,
      queryId: string,
      items: { resultId: string; kind: "click" | "RELEVANT" | "NOT_RELEVANT" }[],
      describe: (resultId: string) => { documentId: string; type: Vote["type"] } | undefined,
    ): Promise<void> {
      const logged = recent.get(`${index}\u0000${queryId}`) ??
        (await kv.get<LoggedQuery>(logKey(index, queryId))).value;
      if (!logged) throw notFound("query_not_found", `no query '${queryId}' on index '${index}'`);
      const q = queryKey(logged.queryText);
      const now = new Date();
      for (const item of items) {
        if (!logged.resultIds.includes(item.resultId)) {
          throw notFound(
            "result_not_found",
            `query '${queryId}' did not return result '${item.resultId}'`,
          );
        }
      }
      for (const item of items) {
        const k = voteKey(index, q, item.resultId);
        const { value } = await kv.get<Vote>(k);
        const info = describe(item.resultId) ?? { documentId: item.resultId, type: "DOCUMENT" };
        const weight = item.kind === "click" ? 1 : item.kind === "RELEVANT" ? 2 : -3;
        const vote: Vote = {
          queryKey: q,
          resultId: item.resultId,
          documentId: info.documentId,
          type: info.type,
          clicks: (value?.clicks ?? 0) + (item.kind === "click" ? 1 : 0),
          relevant: (value?.relevant ?? 0) + (item.kind === "RELEVANT" ? 1 : 0),
          notRelevant: (value?.notRelevant ?? 0) + (item.kind === "NOT_RELEVANT" ? 1 : 0),
          evidence: (value ? decayed(value.evidence, value.at, now.getTime()) : 0) + weight,
          at: now.toISOString(),
          queries: [...new Set([logged.queryText, ...(value?.queries ?? [])])].slice(0, 10),
        };
        await kv.set(k, vote);
      }
      await load(index);
    },
    /** Results with NOT_RELEVANT votes, most votes first, with the queries that showed them. */
    async flagged(index: string) {
      const byResult = new Map<string, {
        resultId: string;
        documentId: string;
        type: Vote["type"];
        notRelevantVotes: number;
        relevantVotes: number;
        queries: string[];
        lastVotedAt: string;
      }>();
      const votes = [...(await load(index)).values()];
      const flaggedIds = new Set(votes.filter((v) => v.notRelevant > 0).map((v) => v.resultId));
      for (const v of votes) {
        if (!flaggedIds.has(v.resultId)) continue;
        const f = byResult.get(v.resultId) ?? {
          resultId: v.resultId,
          documentId: v.documentId,
          type: v.type,
          notRelevantVotes: 0,
          relevantVotes: 0,
          queries: [],
          lastVotedAt: v.at,
        };
        f.notRelevantVotes += v.notRelevant;
        f.relevantVotes += v.relevant;
        // The queries it was voted down for.
        if (v.notRelevant > 0) f.queries = [...new Set([...f.queries, ...v.queries])].slice(0, 20);
        if (v.at > f.lastVotedAt) f.lastVotedAt = v.at;
        byResult.set(v.resultId, f);
      }
      return [...byResult.values()].sort((a, b) => b.notRelevantVotes - a.notRelevantVotes);
    },
    /** Logged query texts starting with `prefix` (case-insensitive), most frequent first. */
    async loggedQueries(index: string, prefix: string, limit: number): Promise<string[]> {
      const p = queryKey(prefix);
      const matches = [...(await queryCountsOf(index)).entries()].filter(([k]) => k.startsWith(p));
      return matches.map(([, e]) => e).sort((a, b) => b.count - a.count).slice(0, limit).map((e) =>
        e.text
      );
    },
  };
}

export type FeedbackPriors = ReturnType<typeof createFeedbackPriors>;
