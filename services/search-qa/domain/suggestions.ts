/**
 * Query suggestions for a prefix: FAQ questions of the index's current version that start with
 * it (or contain it at a word start), then logged queries, most frequent first; no duplicates.
 */
import type { TenantStores } from "@edgeml/shared/store";
import type { FeedbackPriors } from "./feedback.ts";
import { getIndex, questionsPath } from "./index_catalog.ts";

/** Per store view, so two stores in one process never share entries. */
const questionCaches = new WeakMap<
  TenantStores["kv"],
  Map<string, { version: number; questions: string[] }>
>();

async function questions(stores: TenantStores, index: string): Promise<string[]> {
  const { version } = await getIndex(stores.kv, index);
  let questionCache = questionCaches.get(stores.kv);
  if (!questionCache) questionCaches.set(stores.kv, questionCache = new Map());
  const key = index;
  const hit = questionCache.get(key);
  if (hit?.version === version) return hit.questions;
  const bytes = version > 0 ? await stores.artifacts.get(questionsPath(index, version)) : undefined;
  const list: string[] = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : [];
  questionCache.set(key, { version, questions: list });
  return list;
}

export async function suggest(
  stores: TenantStores,
  priors: FeedbackPriors,
  index: string,
  prefix: string,
  size: number,
): Promise<string[]> {
  const p = prefix.toLowerCase().replace(/\s+/g, " ").trimStart();
  const all = await questions(stores, index);
  const starts = all.filter((q) => q.toLowerCase().startsWith(p));
  const words = all.filter((q) =>
    !q.toLowerCase().startsWith(p) && q.toLowerCase().includes(` ${p}`)
  );
  const logged = await priors.loggedQueries(index, p, size);
  const out: string[] = [];
  for (const s of [...starts, ...logged, ...words]) {
    if (!out.some((o) => o.toLowerCase() === s.toLowerCase())) out.push(s);
    if (out.length === size) break;
  }
  return out;
}
