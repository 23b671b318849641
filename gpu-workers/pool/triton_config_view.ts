/**
 * A served version's configuration as Triton shows it (`GET /v2/models/{m}/config`): the
 * Triton JSON the model was loaded with, completed from the session as Triton's auto-complete
 * does (inputs and outputs when the config left them out).
 */
import type { ModelConfig, TensorMetadata } from "@edgeml/shared/contracts";
import type { ServedVersion } from "./served_version.ts";

function tritonTensor(meta: TensorMetadata, batched: boolean) {
  return {
    name: meta.name,
    data_type: `TYPE_${meta.datatype === "BYTES" ? "STRING" : meta.datatype}`,
    dims: batched ? meta.shape.slice(1) : meta.shape,
  };
}

export function tritonConfigOf(served: ServedVersion): ModelConfig {
  const triton = served.config.triton as Record<string, unknown>;
  const batched = served.config.maxBatchSize > 0;
  const has = (field: string) =>
    Array.isArray(triton[field]) && (triton[field] as unknown[]).length > 0;
  return {
    ...triton,
    input: has("input") ? triton.input : served.inputs.map((t) => tritonTensor(t, batched)),
    output: has("output") ? triton.output : served.outputs.map((t) => tritonTensor(t, batched)),
  } as ModelConfig;
}
