/**
 * The recommendations service's domain: Personalize-style datasets (schemas, rows, catalog),
 * events, and exploration of new items. Pure modules, no HTTP.
 * @module
 */
export * from "./dataset/mod.ts";
export * from "./events/event_log.ts";
export * from "./exploration/mod.ts";
export * from "./campaigns/solution_catalog.ts";
export * from "./campaigns/campaign_catalog.ts";
export * from "./model/mod.ts";
export * from "./serving/recommend_for_user.ts";
export * from "./serving/version_artifacts.ts";
