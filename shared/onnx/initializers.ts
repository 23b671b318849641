import { dataTypeFromCode, type DataTypeName, type TensorData } from "./dtypes.ts";
import { OnnxFormatError } from "./errors.ts";
import type { onnx } from "./proto.ts";
import {
  createTensor,
  type DecodedTensor,
  decodeTensor,
  elementCount,
  resolveDataType,
  tensorDims,
  writeTensor,
} from "./tensor_codec.ts";

/** An initializer's contents; narrowing on `dataType` narrows `data`. */
export type Initializer = DecodedTensor & { name: string };

/** Shape and type of an initializer, without decoding its data. */
export interface InitializerInfo {
  name: string;
  dims: number[];
  /** `null` when the element type is one this module cannot decode (float16, string, ...). */
  dataType: DataTypeName | null;
  /** The raw `onnx.TensorProto.DataType` code, to report unsupported types precisely. */
  onnxDataType: number;
  elementCount: number;
}

function findTensor(model: onnx.IModelProto, name: string): onnx.ITensorProto | undefined {
  return model.graph?.initializer?.find((t) => t.name === name);
}

/**
 * Reads one initializer (a model weight) as a typed array, whichever way the exporter stored it.
 * The array is a fresh copy: mutating it does not change the model (use {@link setInitializer}).
 *
 * @throws {RangeError} when the model has no initializer called `name`.
 * @throws {OnnxFormatError} when it is stored in a way this module cannot decode.
 */
export function getInitializer(model: onnx.IModelProto, name: string): Initializer {
  const tensor = findTensor(model, name);
  if (!tensor) throw new RangeError(`model has no initializer named "${name}"`);
  return { name, ...decodeTensor(tensor) };
}

/**
 * Replaces (or adds) an initializer's contents, e.g. to patch or fine-tune weights in place.
 *
 * Data is written as little-endian `raw_data` and the typed fields are cleared. `dims` defaults
 * to the existing shape when the element count still fits it, otherwise to 1-D. `dataType`
 * defaults to the array's type, except that a `Uint8Array` keeps an existing `bool` type.
 *
 * @throws {RangeError} when `dims` does not match the number of elements.
 * @throws {OnnxFormatError} when the model has no graph to hold initializers.
 */
export function setInitializer(
  model: onnx.IModelProto,
  name: string,
  data: TensorData,
  dims?: readonly number[],
  dataType?: DataTypeName,
): void {
  const graph = model.graph;
  if (!graph) throw new OnnxFormatError("missing graph");
  const existing = graph.initializer?.find((t) => t.name === name);
  if (!existing) {
    const tensor = createTensor(name, data, dims ?? [data.length], dataType);
    graph.initializer = [...(graph.initializer ?? []), tensor];
    return;
  }
  let shape = dims;
  if (shape === undefined) {
    const old = tensorDims(existing);
    shape = elementCount(old) === data.length ? old : [data.length];
  }
  const previousType = dataTypeFromCode(existing.dataType ?? 0);
  writeTensor(existing, data, shape, resolveDataType(data, dataType, previousType));
}

/** Shapes and types of all initializers, in graph order, cheap enough for inspection endpoints. */
export function listInitializers(model: onnx.IModelProto): InitializerInfo[] {
  return (model.graph?.initializer ?? []).map((tensor) => {
    const dims = tensorDims(tensor);
    const code = tensor.dataType ?? 0;
    return {
      name: tensor.name ?? "",
      dims,
      dataType: dataTypeFromCode(code) ?? null,
      onnxDataType: code,
      elementCount: elementCount(dims),
    };
  });
}
