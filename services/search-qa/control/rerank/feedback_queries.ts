/**
 * Real queries as labelled training and calibration queries: every logged query with feedback
 * (`domain/feedback.ts`) becomes one query in the shape the pseudo-queries take. Its result ids
 * are mapped to item ids (an `answer:<id>` result is the passage `<id>`) and each item's votes
 * under that query are added up: an item with a NOT_RELEVANT vote is an explicit negative and
 * never relevant, whatever else it got; otherwise one clicked or voted RELEVANT is relevant.
 * The newest-voted queries come first and at most `maxQueries` are kept, so a rebuild stays
 * bounded; `votes` counts every click and vote of the index, a counter that only grows, which
 * tells whether there is feedback a version was not built with.
 *
 * @example
 * ```ts
 * const { queries, votes } = await readFeedback(stores.kv, "city");
 * queries[0]; // { text: "library hours", relevant: ["faq.hours.3"], notRelevant: [], at: "…" }
 * ```
 */
import type { TenantKvStore } from "@edgeml/shared/store";
import { listQueryVotes, type QueryVotes } from "../../domain/feedback.ts";
import type { PseudoQuery } from "./pseudo_queries.ts";

export interface FeedbackQuery extends PseudoQuery {
  /** Items voted NOT_RELEVANT for it. */
  notRelevant: string[];
  /** When its latest vote was recorded. */
  at: string;
}

export interface Feedback {
  /** Newest-voted first. */
  queries: FeedbackQuery[];
  /** Clicks and votes on the index so far, all queries counted. */
  votes: number;
}

export interface FeedbackQueryOptions {
  /** Most queries kept (default 400). */
  maxQueries?: number;
}

/** The item a result id shows: an ANSWER result is cut from the passage it names. */
export const itemIdOf = (resultId: string) =>
  resultId.startsWith("answer:") ? resultId.slice("answer:".length) : resultId;

/** Every click and vote counted once. */
export const voteCount = (voted: readonly QueryVotes[]) =>
  voted.reduce(
    (n, q) => n + q.results.reduce((m, r) => m + r.clicks + r.relevant + r.notRelevant, 0),
    0,
  );

export function feedbackQueries(
  voted: readonly QueryVotes[],
  { maxQueries = 400 }: FeedbackQueryOptions = {},
): FeedbackQuery[] {
  const out: FeedbackQuery[] = [];
  for (const q of voted) {
    const items = new Map<string, { positive: number; negative: number }>();
    for (const r of q.results) {
      const id = itemIdOf(r.resultId);
      const item = items.get(id) ?? { positive: 0, negative: 0 };
      item.positive += r.clicks + r.relevant;
      item.negative += r.notRelevant;
      items.set(id, item);
    }
    const ids = [...items.keys()].sort();
    const notRelevant = ids.filter((id) => items.get(id)!.negative > 0);
    const relevant = ids.filter((id) => {
      const { positive, negative } = items.get(id)!;
      return positive > 0 && negative === 0;
    });
    out.push({ text: q.query, relevant, notRelevant, at: q.at });
  }
  return out
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.text < b.text ? -1 : 1))
    .slice(0, maxQueries);
}

/** The index's feedback queries and vote counter, read from the store. */
export async function readFeedback(
  kv: TenantKvStore,
  index: string,
  options?: FeedbackQueryOptions,
): Promise<Feedback> {
  const voted = await listQueryVotes(kv, index);
  return { queries: feedbackQueries(voted, options), votes: voteCount(voted) };
}
