/**
 * Checks a config's declared `input` / `output` against the model the session loaded, as Triton
 * does: a declared tensor the model lacks, or one whose datatype or dims disagree, refuses the
 * load rather than advertising a signature the model does not have. -1 matches any size; with
 * `max_batch_size` > 0 the declared dims leave out the batch dimension.
 */
import type { TensorMetadata } from "@edgeml/shared/contracts";
import { unprocessable } from "@edgeml/shared/errors";
import type { DeclaredTensor } from "../repository/resolved_config.ts";

export function checkDeclaredTensors(
  model: string,
  kind: "input" | "output",
  declared: readonly DeclaredTensor[] | undefined,
  actual: readonly TensorMetadata[],
  maxBatchSize: number,
): void {
  for (const tensor of declared ?? []) {
    const found = actual.find((t) => t.name === tensor.name);
    const problem = !found
      ? `the model has no ${kind} '${tensor.name}' (its ${kind}s: ${
        actual.map((t) => t.name).join(", ")
      })`
      : found.datatype !== tensor.datatype
      ? `${kind} '${tensor.name}' is ${found.datatype} in the model, ${tensor.datatype} in the config`
      : !dimsMatch(tensor.dims, maxBatchSize > 0 ? found.shape.slice(1) : found.shape)
      ? `${kind} '${tensor.name}' has dims [${
        maxBatchSize > 0 ? found.shape.slice(1) : found.shape
      }] in the model, [${tensor.dims}] in the config`
      : undefined;
    if (problem) throw unprocessable("config_model_mismatch", `model '${model}': ${problem}`);
  }
}

function dimsMatch(declared: readonly number[], model: readonly number[]): boolean {
  return declared.length === model.length &&
    declared.every((d, i) => d === -1 || model[i] === -1 || d === model[i]);
}
