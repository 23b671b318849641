/**
 * A campaign's item exploration config, as Amazon Personalize's `itemExplorationConfig` for the
 * aws-user-personalization recipe names it:
 *
 *   explorationWeight ∈ [0, 1]          default 0.3; 0 = pure relevance, 1 = every slot explores
 *   explorationItemAgeCutoff > 0 (days) default 30; only items younger than this are explored,
 *                                       age measured back from the latest interaction in the
 *                                       training data
 *
 * Personalize sends both as strings (`{ explorationWeight: "0.3" }`), so numeric strings are
 * accepted too. Out-of-range values are semantically invalid: `unprocessable` with the stable
 * codes `invalid_exploration_weight` and `invalid_exploration_item_age_cutoff`.
 * Source: AWS Personalize developer guide, "User-Personalization recipe" (Properties and
 * hyperparameters: item exploration config).
 *
 * @example
 * ```ts
 * explorationConfig({ explorationWeight: "0.5" }); // { explorationWeight: 0.5, explorationItemAgeCutoff: 30 }
 * ```
 */
import { unprocessable } from "@edgeml/shared/errors";

export const DEFAULT_EXPLORATION_WEIGHT = 0.3;
export const DEFAULT_EXPLORATION_ITEM_AGE_CUTOFF_DAYS = 30;

export interface ExplorationConfig {
  /** Share of the list given to exploring cold items, in [0, 1]. */
  explorationWeight: number;
  /** Items younger than this many days are cold (explorable). */
  explorationItemAgeCutoff: number;
}

export interface ExplorationConfigInput {
  explorationWeight?: number | string;
  explorationItemAgeCutoff?: number | string;
}

const toNumber = (value: number | string): number =>
  typeof value === "number" ? value : value.trim() === "" ? NaN : Number(value);

/** Validates a campaign's exploration config and fills in Personalize's defaults. */
export function explorationConfig(input: ExplorationConfigInput = {}): ExplorationConfig {
  const {
    explorationWeight = DEFAULT_EXPLORATION_WEIGHT,
    explorationItemAgeCutoff = DEFAULT_EXPLORATION_ITEM_AGE_CUTOFF_DAYS,
  } = input;
  const weight = toNumber(explorationWeight);
  if (!(weight >= 0 && weight <= 1)) {
    throw unprocessable(
      "invalid_exploration_weight",
      `explorationWeight must be a number in [0, 1], got ${JSON.stringify(explorationWeight)}`,
      { extra: { minimum: 0, maximum: 1 } },
    );
  }
  const cutoff = toNumber(explorationItemAgeCutoff);
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) {
    throw unprocessable(
      "invalid_exploration_item_age_cutoff",
      `explorationItemAgeCutoff must be a finite number of days > 0, got ${
        JSON.stringify(explorationItemAgeCutoff)
      }`,
      { extra: { exclusiveMinimum: 0 } },
    );
  }
  return { explorationWeight: weight, explorationItemAgeCutoff: cutoff };
}
