/**
 * A training checkpoint as the SWA engine sees it: an ONNX model whose float initializers are
 * split into trainable parameters and BatchNormalization running statistics ("buffers"), and
 * whose integer initializers (shapes, indices) are carried along but never averaged.
 */
import { decodeModel, OnnxFormatError } from "../onnx/model_io.ts";
import { getInitializer, listInitializers } from "../onnx/initializers.ts";
import type { onnx } from "../onnx/proto.ts";
import { invalid, tooLarge, unprocessable } from "../errors/domain_error.ts";

export type TensorRole = "parameter" | "buffer" | "integer";

export interface CheckpointTensor {
  name: string;
  dims: number[];
  role: TensorRole;
  /** Float32 for parameters and buffers; integer tensors keep their bytes for the signature only. */
  data: Float32Array;
}

export interface Checkpoint {
  model: onnx.ModelProto;
  /** Float tensors in the model's initializer order. */
  tensors: CheckpointTensor[];
  byName: Map<string, CheckpointTensor>;
  /** Every initializer, integer ones included, as `name:dtype[dims]`, to compare architectures. */
  signature: string[];
}

/** Refuse checkpoints larger than this (bytes) unless the caller raises it. */
export const DEFAULT_MAX_CHECKPOINT_BYTES = 2 ** 30;

/** Names of the running mean/variance inputs of every BatchNormalization node. */
export function batchNormBuffers(model: onnx.IModelProto): Set<string> {
  const names = new Set<string>();
  for (const node of model.graph?.node ?? []) {
    if (node.opType !== "BatchNormalization") continue;
    const [, , , mean, variance] = node.input ?? [];
    if (mean) names.add(mean);
    if (variance) names.add(variance);
  }
  return names;
}

/**
 * Parses and checks one checkpoint. Not ONNX, truncated, too large, non-float32 weights, or
 * NaN/Inf values are DomainErrors (`invalid`, `too_large`, `unprocessable`) naming the problem; nothing is kept from a refused checkpoint.
 */
export function readCheckpoint(
  bytes: Uint8Array,
  { source = "checkpoint", maxBytes = DEFAULT_MAX_CHECKPOINT_BYTES } = {},
): Checkpoint {
  if (bytes.byteLength > maxBytes) {
    throw tooLarge(
      "checkpoint_too_large",
      `${source} is ${bytes.byteLength} bytes; the limit is ${maxBytes}`,
      { extra: { limitBytes: maxBytes } },
    );
  }
  let model: onnx.ModelProto;
  try {
    model = decodeModel(bytes, source);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw invalid("invalid_onnx", e.message, { cause: e });
    throw e;
  }
  const buffers = batchNormBuffers(model);
  const tensors: CheckpointTensor[] = [];
  const signature: string[] = [];
  for (const info of listInitializers(model)) {
    signature.push(`${info.name}:${info.dataType ?? info.onnxDataType}[${info.dims.join(",")}]`);
    if (info.dataType === "float32") {
      const { data } = getInitializer(model, info.name) as { data: Float32Array };
      const bad = data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw unprocessable(
          "non_finite_weights",
          `${source}: initializer '${info.name}' holds ${data[bad]} at index ${bad}`,
          { extra: { initializer: info.name, index: bad } },
        );
      }
      const role: TensorRole = buffers.has(info.name) ? "buffer" : "parameter";
      tensors.push({ name: info.name, dims: info.dims, role, data });
    } else if (info.dataType === "float64" || info.dataType === null) {
      throw unprocessable(
        "unsupported_weight_type",
        `${source}: initializer '${info.name}' is ${
          info.dataType ?? `ONNX type ${info.onnxDataType}`
        }; SWA averages float32 weights`,
      );
    }
  }
  if (!tensors.some((t) => t.role === "parameter")) {
    throw unprocessable("no_parameters", `${source} has no float32 initializers to average`);
  }
  return { model, tensors, byName: new Map(tensors.map((t) => [t.name, t])), signature };
}

/**
 * Checks that `next` has exactly the architecture of `reference` (same initializers, types and
 * shapes); a mismatch is an `unprocessable` DomainError that lists every difference.
 */
export function assertSameArchitecture(reference: Checkpoint, next: Checkpoint, source: string) {
  const a = new Set(reference.signature);
  const b = new Set(next.signature);
  const missing = reference.signature.filter((s) => !b.has(s));
  const unexpected = next.signature.filter((s) => !a.has(s));
  if (missing.length || unexpected.length) {
    throw unprocessable(
      "architecture_mismatch",
      `${source} does not share the averaged model's graph: ${missing.length} initializers differ or are missing, ${unexpected.length} are new`,
      { extra: { missing, unexpected } },
    );
  }
}
