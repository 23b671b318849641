/** `finalize`'s flags → the contract's `FinalizeRequest` (calibration data added by the caller). */
import type { FinalizeRequest } from "@edgeml/shared/contracts/swa";
import {
  booleanFlag,
  choiceFlag,
  type FlagValues,
  integerFlag,
  listFlag,
  numberFlag,
} from "./flag_values.ts";

export const FINALIZE_OPTIONS = {
  runs: { type: "string" },
  calibration: { type: "string" },
  "calibration-json": { type: "string" },
  samples: { type: "string" },
  scale: { type: "string" },
  seed: { type: "string" },
  "no-covariance": { type: "boolean" },
  "batch-size": { type: "string" },
  dropout: { type: "string" },
  "no-wait": { type: "boolean" },
} as const;

/**
 * Only what was given is sent; the server fills in the contract's defaults.
 * @example
 * ```ts
 * finalizeRequest({ runs: "a,b", samples: "8", "no-covariance": true });
 * // { runs: ["a", "b"], samples: 8, covariance: false }
 * ```
 */
export function finalizeRequest(values: FlagValues): FinalizeRequest {
  const runs = listFlag(values, "runs");
  const samples = integerFlag(values, "samples");
  const scale = numberFlag(values, "scale");
  const seed = integerFlag(values, "seed");
  const batchSize = integerFlag(values, "batch-size");
  const dropout = choiceFlag(values, "dropout", ["inference", "training"] as const);
  return {
    ...(runs ? { runs } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(scale !== undefined ? { scale } : {}),
    ...(booleanFlag(values, "no-covariance") ? { covariance: false } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(dropout ? { dropout } : {}),
  };
}
