import { elementCount } from "../contracts/datatypes.ts";
import {
  createTypedArray,
  dataTypeCode,
  dataTypeFromCode,
  type DataTypeName,
  decodeRawData,
  encodeRawData,
  inferDataType,
  matchesDataType,
  onnxDataTypeLabel,
  type TensorData,
  type TypedArrayByDataType,
} from "./dtypes.ts";
import { OnnxFormatError } from "./errors.ts";
import { type Int64Like, int64ToBigInt, int64ToNumber } from "./int64.ts";
import { onnx } from "./proto.ts";

/** A tensor's contents as a typed array; narrowing on `dataType` narrows `data`. */
export type DecodedTensor = {
  [K in DataTypeName]: { dims: number[]; dataType: K; data: TypedArrayByDataType[K] };
}[DataTypeName];

/** Number of elements a shape holds; the one definition lives with the OIP datatype table. */
export { elementCount };

function checkDims(dims: readonly number[]): void {
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`invalid tensor dims [${dims.join(", ")}]`);
    }
  }
}

function tensorLabel(tensor: onnx.ITensorProto): string {
  return tensor.name ? `tensor "${tensor.name}"` : "tensor";
}

/** Reads a tensor's dims as numbers; a dim beyond 2^53 is a format error. */
export function tensorDims(tensor: onnx.ITensorProto): number[] {
  try {
    const dims = (tensor.dims ?? []).map((d) => int64ToNumber(d as Int64Like));
    checkDims(dims);
    return dims;
  } catch (cause) {
    throw new OnnxFormatError(`${tensorLabel(tensor)} has invalid dims`, { cause });
  }
}

function fromTypedField(tensor: onnx.ITensorProto, dataType: DataTypeName): TensorData {
  switch (dataType) {
    case "float32":
      return Float32Array.from(tensor.floatData ?? []);
    case "float64":
      return Float64Array.from(tensor.doubleData ?? []);
    case "int8":
    case "uint8":
    case "int16":
    case "uint16":
    case "int32": {
      const values = tensor.int32Data ?? [];
      const out = createTypedArray(dataType, values.length);
      for (let i = 0; i < values.length; i++) out[i] = values[i];
      return out;
    }
    case "bool":
      return Uint8Array.from(tensor.int32Data ?? [], (v) => (v === 0 ? 0 : 1));
    case "int64":
      return BigInt64Array.from(tensor.int64Data ?? [], (v) => int64ToBigInt(v as Int64Like));
    case "uint32":
      return Uint32Array.from(tensor.uint64Data ?? [], (v) => int64ToNumber(v as Int64Like, true));
    case "uint64":
      return BigUint64Array.from(
        tensor.uint64Data ?? [],
        (v) => int64ToBigInt(v as Int64Like, true),
      );
  }
}

/**
 * Decodes a TensorProto's contents, from `raw_data` when present and otherwise from the typed
 * field ONNX prescribes for its type (`float_data`, `int32_data`, `int64_data`, ...).
 *
 * @throws {OnnxFormatError} for unsupported or external storage, or a size/shape mismatch.
 */
export function decodeTensor(tensor: onnx.ITensorProto): DecodedTensor {
  const code = tensor.dataType ?? 0;
  const dataType = dataTypeFromCode(code);
  if (dataType === undefined) {
    throw new OnnxFormatError(
      `${tensorLabel(tensor)} has unsupported element type ${onnxDataTypeLabel(code)}`,
    );
  }
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new OnnxFormatError(`${tensorLabel(tensor)} is stored in external data files`);
  }
  const dims = tensorDims(tensor);
  const raw = tensor.rawData;
  let data: TensorData;
  if (raw && raw.byteLength > 0) {
    try {
      data = decodeRawData(raw, dataType);
    } catch (cause) {
      throw new OnnxFormatError(
        `${tensorLabel(tensor)}: raw_data of ${raw.byteLength} bytes does not hold ${dataType}`,
        { cause },
      );
    }
  } else {
    try {
      data = fromTypedField(tensor, dataType);
    } catch (cause) {
      throw new OnnxFormatError(`${tensorLabel(tensor)} has out-of-range values`, { cause });
    }
  }
  const expected = elementCount(dims);
  if (data.length !== expected) {
    throw new OnnxFormatError(
      `${tensorLabel(tensor)} has ${data.length} elements but dims [${dims.join(", ")}] ` +
        `need ${expected}`,
    );
  }
  return { dims, dataType, data } as DecodedTensor;
}

/**
 * Resolves the element type to store `data` as, checking an explicit choice against the array
 * class. Without a choice, `fallback` (e.g. the type being replaced) wins if compatible.
 */
export function resolveDataType(
  data: TensorData,
  dataType?: DataTypeName,
  fallback?: DataTypeName,
): DataTypeName {
  if (dataType !== undefined) {
    if (!matchesDataType(data, dataType)) {
      throw new TypeError(`${inferDataType(data)} data cannot be stored as ${dataType}`);
    }
    return dataType;
  }
  if (fallback !== undefined && matchesDataType(data, fallback)) return fallback;
  return inferDataType(data);
}

/**
 * Overwrites a TensorProto's contents in place: little-endian `raw_data`, every typed field
 * cleared (ONNX forbids mixing them), storage made internal again. Other fields are kept.
 */
export function writeTensor(
  tensor: onnx.ITensorProto,
  data: TensorData,
  dims: readonly number[],
  dataType: DataTypeName,
): void {
  checkDims(dims);
  if (elementCount(dims) !== data.length) {
    throw new RangeError(
      `${data.length} elements do not fill dims [${dims.join(", ")}]`,
    );
  }
  if (!matchesDataType(data, dataType)) {
    throw new TypeError(`${inferDataType(data)} data cannot be stored as ${dataType}`);
  }
  tensor.dims = [...dims];
  tensor.dataType = dataTypeCode(dataType);
  tensor.rawData = encodeRawData(data, dataType);
  tensor.floatData = [];
  tensor.int32Data = [];
  tensor.stringData = [];
  tensor.int64Data = [];
  tensor.doubleData = [];
  tensor.uint64Data = [];
  tensor.externalData = [];
  tensor.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
}

/** A new named TensorProto holding a copy of `data` (shape defaults to 1-D). */
export function createTensor(
  name: string,
  data: TensorData,
  dims: readonly number[] = [data.length],
  dataType?: DataTypeName,
): onnx.TensorProto {
  const tensor = onnx.TensorProto.create({ name });
  writeTensor(tensor, data, dims, resolveDataType(data, dataType));
  return tensor;
}
