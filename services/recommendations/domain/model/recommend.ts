/**
 * A trained two-tower model as a {@link Recommender}: the user vector from the user's events
 * and metadata (user_tower.ts), every item scored by u · qᵢ, top-K (top_k.ts).
 * @module
 */
import type { Recommender } from "./evaluate.ts";
import { scoreAll, topK } from "./top_k.ts";
import { itemVectors, type TwoTowerModel } from "./two_tower.ts";
import type { TokenLists } from "./types.ts";
import { userVector } from "./user_tower.ts";

export function twoTowerRecommender(model: TwoTowerModel, userTokens: TokenLists): Recommender {
  const vectors = itemVectors(model);
  return function twoTower(user, history, k, exclude) {
    const tokens = userTokens.tokens.subarray(
      userTokens.offsets[user],
      userTokens.offsets[user + 1],
    );
    const u = userVector(model, history, tokens);
    return topK(scoreAll(vectors, model.dim + 1, u), k, exclude).items;
  };
}
