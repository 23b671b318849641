/**
 * The recommendations service's control plane: dataset imports (streamed CSV jobs, PutItems and
 * PutUsers) and the readers training uses.
 * @module
 */
export * from "./import/mod.ts";
export {
  createRecommendationsControl,
  type RecommendationsControl,
} from "./recommendations_control.ts";
export * from "./training/training_data.ts";
export * from "./training/solution_versions.ts";
export { createScorerPublisher, type ScorerPublisher } from "./training/scorer_publisher.ts";
export {
  DEMO_CAMPAIGN,
  DEMO_DATASET_GROUP,
  seedDemoRecommendations,
} from "./demo/demo_catalogue.ts";
