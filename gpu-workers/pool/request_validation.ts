/**
 * Checks an inference request against the model's metadata before it is queued, so a bad
 * request is an `invalid` domain error (400 at the edge) that says what was expected and what
 * came, and never reaches a worker.
 */
import {
  datatypeInfo,
  elementCount,
  type Tensor,
  type TensorMetadata,
} from "@edgeml/shared/contracts";
import { invalid } from "@edgeml/shared/errors";

export interface ModelSignature {
  name: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  /** 0: the model takes whole tensors; > 0: dim 0 is a batch of at most this many rows. */
  maxBatchSize: number;
}

export interface ValidatedRequest {
  /** Inputs in the model's declared order. */
  tensors: Tensor[];
  /** Batch rows (dim 0), or 1 for a model without batching. */
  rows: number;
}

const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;

export function validateRequest(
  model: ModelSignature,
  tensors: readonly Tensor[],
  requestedOutputs?: readonly string[],
): ValidatedRequest {
  const byName = new Map<string, Tensor>();
  const expectedNames = model.inputs.map((i) => i.name);
  for (const tensor of tensors) {
    if (!expectedNames.includes(tensor.name)) {
      throw invalid(
        "unknown_input",
        `model '${model.name}' has no input '${tensor.name}'; its inputs are ${
          expectedNames.join(", ")
        }`,
        { extra: { expected: expectedNames, given: tensor.name } },
      );
    }
    if (byName.has(tensor.name)) {
      throw invalid("duplicate_input", `input '${tensor.name}' is given more than once`);
    }
    byName.set(tensor.name, tensor);
  }
  let rows: number | undefined;
  const ordered = model.inputs.map((meta) => {
    const tensor = byName.get(meta.name);
    if (!tensor) {
      throw invalid(
        "missing_input",
        `model '${model.name}' needs input '${meta.name}' (${meta.datatype} ${fmt(meta.shape)})`,
      );
    }
    checkTensor(meta, tensor);
    if (model.maxBatchSize > 0) {
      const batch = tensor.shape[0];
      if (batch < 1 || batch > model.maxBatchSize) {
        throw invalid(
          "batch_size_out_of_range",
          `input '${meta.name}': batch of ${batch} rows, the model takes 1 to ${model.maxBatchSize}`,
          { extra: { expected: model.maxBatchSize, given: batch } },
        );
      }
      if (rows !== undefined && rows !== batch) {
        throw invalid(
          "batch_size_mismatch",
          `inputs disagree on the batch size (${rows} vs ${batch} rows for '${meta.name}')`,
        );
      }
      rows = batch;
    }
    return tensor;
  });
  const outputNames = model.outputs.map((o) => o.name);
  for (const name of requestedOutputs ?? []) {
    if (!outputNames.includes(name)) {
      throw invalid(
        "unknown_output",
        `model '${model.name}' has no output '${name}'; its outputs are ${outputNames.join(", ")}`,
        { extra: { expected: outputNames, given: name } },
      );
    }
  }
  return { tensors: ordered, rows: rows ?? 1 };
}

function checkTensor(meta: TensorMetadata, tensor: Tensor) {
  if (tensor.datatype !== meta.datatype) {
    throw invalid(
      "datatype_mismatch",
      `input '${meta.name}' must be ${meta.datatype}, got ${tensor.datatype}`,
      { extra: { expected: meta.datatype, given: tensor.datatype } },
    );
  }
  const shapeOk = tensor.shape.length === meta.shape.length &&
    meta.shape.every((d, i) => d === -1 || d === tensor.shape[i]);
  if (!shapeOk) {
    throw invalid(
      "shape_mismatch",
      `input '${meta.name}' must have shape ${fmt(meta.shape)} (-1 = any), got ${
        fmt(tensor.shape)
      }`,
      { extra: { expected: meta.shape, given: tensor.shape } },
    );
  }
  const info = datatypeInfo(tensor.datatype)!;
  const expectedBytes = elementCount(tensor.shape) * info.bytes;
  if (tensor.bytes.byteLength !== expectedBytes) {
    throw invalid(
      "element_count_mismatch",
      `input '${meta.name}': shape ${
        fmt(tensor.shape)
      } of ${tensor.datatype} needs ${expectedBytes} bytes, got ${tensor.bytes.byteLength}`,
      { extra: { expected: expectedBytes, given: tensor.bytes.byteLength } },
    );
  }
}
