/**
 * A training checkpoint as the SWA engine sees it: an ONNX model whose float initializers are
 * split into trainable parameters and BatchNormalization running statistics ("buffers"), and
 * whose integer initializers (shapes, indices) are carried along but never averaged.
 */
import { decodeModel, OnnxFormatError } from "../onnx/model_io.ts";
import { getInitializer, listInitializers } from "../onnx/initializers.ts";
import { onnx } from "../onnx/proto.ts";
import { invalid, tooLarge, unprocessable } from "../errors/domain_error.ts";
import { describeGraph, firstGraphDifference, type GraphDescription } from "./graph_description.ts";

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
  /** The graph itself (nodes, graph inputs/outputs, integer initializer values), described once. */
  graph: GraphDescription;
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
  assertNotFolded(model, source);
  const buffers = batchNormBuffers(model);
  const integers = new Map<string, Uint8Array>();
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
    } else {
      // Integer (and bool) initializers are never averaged; their values are part of the graph.
      const { data } = getInitializer(model, info.name);
      integers.set(info.name, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
  }
  if (!tensors.some((t) => t.role === "parameter")) {
    throw unprocessable("no_parameters", `${source} has no float32 initializers to average`);
  }
  return {
    model,
    tensors,
    byName: new Map(tensors.map((t) => [t.name, t])),
    signature,
    graph: describeGraph(model, integers),
  };
}

const FOLDED_RECIPE = "export the model with its BatchNormalization layers kept: " +
  "torch.onnx.export(model.eval(), …, training=torch.onnx.TrainingMode.PRESERVE, " +
  "do_constant_folding=False), or export it in train mode; TrainingMode.EVAL folds every " +
  "Conv→BatchNormalization pair into the Conv";

/**
 * torch.onnx.export with TrainingMode.EVAL folds a BatchNorm that follows a Conv into the Conv's
 * weight and bias (torch 1.13 `_jit_pass_onnx_eval_peephole`, even without constant folding):
 * the BN node is gone and the Conv reads new initializers the exporter names `onnx::Conv_NN`.
 * Such a checkpoint has no statistics to recalibrate and its weights are not the trained
 * parameters. The signature: a Conv whose weight is an `onnx::…` initializer in a model whose
 * other float initializers keep their parameter names (a model with no named parameter at all
 * cannot be told apart from an unnamed export and passes).
 */
function assertNotFolded(model: onnx.IModelProto, source: string) {
  const initializers = model.graph?.initializer ?? [];
  const generated = (name: string) => name.startsWith("onnx::");
  const floats = initializers.filter((t) => t.dataType === onnx.TensorProto.DataType.FLOAT);
  if (!floats.some((t) => !generated(t.name ?? ""))) return;
  const names = new Set(floats.map((t) => t.name));
  for (const node of model.graph?.node ?? []) {
    const weight = node.input?.[1];
    if (node.opType !== "Conv" || !weight || !generated(weight) || !names.has(weight)) continue;
    throw unprocessable(
      "folded_batch_norm",
      `${source}: Conv node '${node.name}' reads the exporter-generated initializer '${weight}' ` +
        `while the other layers keep their parameter names: a BatchNormalization was folded ` +
        `into it (torch.onnx.export with TrainingMode.EVAL); ${FOLDED_RECIPE}`,
      { extra: { node: node.name, initializer: weight } },
    );
  }
}

/**
 * Checks that `next` has exactly the architecture of `reference`: the same initializers (names,
 * types, shapes), then the same graph (nodes in order with their op types, domains, wiring and
 * attributes, graph inputs and outputs, integer initializer values; see graph_description.ts).
 * A mismatch is an `unprocessable` `architecture_mismatch` DomainError: differing initializers
 * are listed in `extra.missing` / `extra.unexpected`, a differing graph names its first
 * differing node (or graph input/output, or integer initializer) in the detail and `extra`.
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
  const difference = firstGraphDifference(reference.graph, next.graph);
  if (difference) {
    throw unprocessable(
      "architecture_mismatch",
      `${source} does not share the averaged model's graph: ${difference.detail}`,
      { extra: difference.extra },
    );
  }
}
