/** `create`'s flags → the contract's `CreateSwaModelRequest`. */
import type { CreateSwaModelRequest } from "@edgeml/shared/contracts/swa";
import {
  booleanFlag,
  choiceFlag,
  type FlagValues,
  integerFlag,
  listFlag,
  numberFlag,
  stringFlag,
} from "./flag_values.ts";
import { UsageError } from "./usage_error.ts";

export const CREATE_OPTIONS = {
  task: { type: "string" },
  "input-shape": { type: "string" },
  "input-name": { type: "string" },
  labels: { type: "string" },
  "labels-file": { type: "string" },
  "regression-variance": { type: "string" },
  strategy: { type: "string" },
  decay: { type: "string" },
  "use-buffers": { type: "boolean" },
  rank: { type: "string" },
} as const;

/**
 * @param labelsFileText The text of `--labels-file` when given (read by the caller).
 * @example
 * ```ts
 * createModelRequest("mlp", { task: "classification", "input-shape": "1,8,8", labels: "a,b" });
 * // { name: "mlp", task: "classification", input: { shape: [1, 8, 8] }, labels: ["a", "b"] }
 * ```
 */
export function createModelRequest(
  name: string,
  values: FlagValues,
  labelsFileText?: string,
): CreateSwaModelRequest {
  const task = choiceFlag(values, "task", ["classification", "regression"] as const);
  if (!task) throw new UsageError("create needs --task classification|regression");
  const shapeText = stringFlag(values, "input-shape");
  if (!shapeText) throw new UsageError("create needs --input-shape (e.g. 64 or 1,8,8)");
  if (values.labels !== undefined && labelsFileText !== undefined) {
    throw new UsageError("give --labels or --labels-file, not both");
  }
  const labels = labelsFileText !== undefined
    ? parseLabelsFile(labelsFileText)
    : listFlag(values, "labels");
  if (task === "classification" && !labels) {
    throw new UsageError("a classification model needs --labels a,b,c or --labels-file");
  }
  const inputName = stringFlag(values, "input-name");
  const regressionVariance = choiceFlag(
    values,
    "regression-variance",
    ["none", "variance", "log_variance"] as const,
  );
  const strategy = choiceFlag(values, "strategy", ["equal", "ema"] as const);
  const decay = numberFlag(values, "decay");
  const useBuffers = booleanFlag(values, "use-buffers");
  const swagRank = integerFlag(values, "rank");
  return {
    name,
    task,
    input: { ...(inputName ? { name: inputName } : {}), shape: parseShape(shapeText) },
    ...(labels ? { labels } : {}),
    ...(regressionVariance ? { regressionVariance } : {}),
    ...(strategy || decay !== undefined || useBuffers
      ? {
        averaging: {
          ...(strategy ? { strategy } : {}),
          ...(decay !== undefined ? { decay } : {}),
          ...(useBuffers ? { useBuffers } : {}),
        },
      }
      : {}),
    ...(swagRank !== undefined ? { swagRank } : {}),
  };
}

/** `64` → [64]; `1,8,8` (or `1x8x8`) → [1, 8, 8]. */
export function parseShape(text: string): number[] {
  const dims = text.split(/[,x]/).map((d) => d.trim());
  if (dims.some((d) => !/^[1-9]\d*$/.test(d))) {
    throw new UsageError(
      `--input-shape must be positive whole numbers like 64 or 1,8,8, not '${text}'`,
    );
  }
  return dims.map(Number);
}

/** A JSON array of names, or one name per line (blank lines skipped). */
export function parseLabelsFile(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed) && parsed.every((label) => typeof label === "string")) return parsed;
    throw new UsageError("--labels-file: a JSON labels file must be an array of strings");
  }
  return trimmed.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}
