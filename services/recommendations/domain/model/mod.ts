/**
 * The recommendations model: a hybrid two-tower recommender (item id + metadata embeddings,
 * a recency-weighted user tower over recent events plus user metadata), trained FULL or UPDATE
 * with sampled softmax, row-wise Adam and SWA on typed-array kernels; offline evaluation on
 * Personalize's time-based holdout with popularity and BPR-MF baselines; and the ONNX scorer.
 *
 * @example
 * ```ts
 * const itemTokens = hashMetadataTokens(itemRows, 1 << 14);
 * const { model } = trainFull({ interactions, numUsers, numItems, itemTokens, numItemTokens: 1 << 14,
 *   userTokens, numUserTokens: 1 << 10 });
 * const u = userVector(model, recentItemIndices, userTokenIds);
 * const top = topK(scoreAll(itemVectors(model), model.dim + 1, u), 25);
 * const onnxModel = buildScorerModel(itemVectors(model), model.dim + 1, { k: 25 });
 * ```
 * @module
 */
export type { Interactions, TokenLists, TrainingData } from "./types.ts";
export { emptyTokenLists } from "./types.ts";
export { fnv1a, hashMetadataTokens, type MetadataRow, metadataTokens } from "./tokens.ts";
export { groupByUser, type UserSequences } from "./sequences.ts";
export {
  DEFAULT_CONFIG,
  initTwoTower,
  itemInputVectors,
  itemVectors,
  type TwoTowerConfig,
  type TwoTowerModel,
} from "./two_tower.ts";
export { decayFactor, userVector } from "./user_tower.ts";
export {
  foldIn,
  trainFull,
  type TrainOptions,
  type TrainResult,
  trainUpdate,
  type UpdateOptions,
} from "./train.ts";
export { scoreAll, type TopK, topK } from "./top_k.ts";
export { buildScorerModel, SCORER_IO, type ScorerOptions } from "./onnx_scorer.ts";
export { type Holdout, timeHoldout } from "./holdout.ts";
export {
  evaluateOffline,
  type EvaluateOptions,
  type OfflineMetrics,
  type Recommender,
} from "./evaluate.ts";
export { ndcgAt, precisionAt, reciprocalRankAt } from "./ranking_metrics.ts";
export { popularityCounts, popularityRecommender } from "./popularity.ts";
export { type BprMfModel, type BprMfOptions, bprMfRecommender, trainBprMf } from "./bpr_mf.ts";
export { twoTowerRecommender } from "./recommend.ts";
