/**
 * STAND-IN for the real recommendations model, for the exploration policy harness only: a
 * deliberately simple relevance so the exploration policy can be checked before the service's
 * two-tower model exists. It is not the model and its numbers are not the issue's
 * benchmark.
 *
 *   relevance(u, i) = ln(1 + pop_i) + w_sim · Σ_{k ∈ tokens(i)} n_u(k) / (n_u + 1)
 *   pop_i           = Σ_clicks 2^(−age_click / popularityHalfLifeDays)   (decayed click count)
 *
 * where tokens(i) are the item's categorical metadata values (`GENRES:…`, `TAGS:…`), n_u the
 * user's clicks and n_u(k) those on items carrying token k: popularity plus the share of the
 * user's history that shares each of the item's metadata values. A cold item with no clicks
 * is scored by its metadata alone, as a hybrid model would. Retrained (recomputed from all
 * clicks so far) every simulated hour by the harness. The defaults (w_sim = 10, half-life 1 day)
 * gave the best weight-0 click-through among w_sim ∈ {3, 5, 10, 15, 30} × half-life ∈ {1, 3}
 * days on the default world, so the baseline the policy is compared with is the stand-in's best.
 */
import type { PopularItem } from "../../domain/exploration/mod.ts";
import { itemTokens, type SimItem } from "./world.ts";

export interface StandInClick {
  userId: string;
  itemId: string;
  timestamp: number;
}

export interface StandInOptions {
  items: readonly SimItem[];
  clicks: readonly StandInClick[];
  /** Epoch seconds the model is trained at (popularity decays back from here). */
  now: number;
  popularityHalfLifeDays?: number;
  similarityWeight?: number;
}

export interface StandInModel {
  /** Whether the user has clicks in the training data. */
  knows(userId: string): boolean;
  /** Items the user already clicked (never recommended again). */
  clickedBy(userId: string): ReadonlySet<string>;
  relevance(userId: string, itemId: string): number;
  /** Items by decayed popularity, best first. */
  popular(limit: number): PopularItem[];
}

export function trainStandIn(
  { items, clicks, now, popularityHalfLifeDays = 1, similarityWeight = 10 }: StandInOptions,
): StandInModel {
  const tokens = new Map(items.map((item) => [item.itemId, itemTokens(item)]));
  const popularity = new Map<string, number>();
  const profiles = new Map<string, { clicks: number; tokens: Map<string, number> }>();
  const clicked = new Map<string, Set<string>>();
  for (const { userId, itemId, timestamp } of clicks) {
    const ageDays = Math.max(0, now - timestamp) / 86_400;
    popularity.set(
      itemId,
      (popularity.get(itemId) ?? 0) + 2 ** (-ageDays / popularityHalfLifeDays),
    );
    let profile = profiles.get(userId);
    if (!profile) profiles.set(userId, profile = { clicks: 0, tokens: new Map() });
    profile.clicks++;
    for (const token of tokens.get(itemId) ?? []) {
      profile.tokens.set(token, (profile.tokens.get(token) ?? 0) + 1);
    }
    let seen = clicked.get(userId);
    if (!seen) clicked.set(userId, seen = new Set());
    seen.add(itemId);
  }
  const none = new Set<string>();
  const ranked = [...popularity].sort((a, b) => b[1] - a[1]);
  return {
    knows: (userId) => profiles.has(userId),
    clickedBy: (userId) => clicked.get(userId) ?? none,
    relevance(userId, itemId) {
      const profile = profiles.get(userId);
      let similarity = 0;
      if (profile) {
        for (const token of tokens.get(itemId) ?? []) similarity += profile.tokens.get(token) ?? 0;
        similarity /= profile.clicks + 1;
      }
      return Math.log1p(popularity.get(itemId) ?? 0) + similarityWeight * similarity;
    },
    popular: (limit) => ranked.slice(0, limit).map(([itemId, score]) => ({ itemId, score })),
  };
}
