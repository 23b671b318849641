/**
 * Exploration of new ("cold") items, as Personalize's aws-user-personalization recipe does it:
 * campaign config, item age, Beta–Bernoulli Thompson sampling with a prior from the model's
 * calibrated relevance, the final ranked list with reasons, and exploration statistics folded
 * from events. Pure functions; randomness is passed in (seeded).
 * @module
 */
export * from "./config.ts";
export * from "./item_age.ts";
export * from "./beta_sampling.ts";
export * from "./ctr_calibration.ts";
export * from "./cold_item_posterior.ts";
export * from "./rank_with_exploration.ts";
export * from "./exploration_stats.ts";
