import { onnx } from "./proto.ts";

/**
 * Element types this module can read and write, named as onnxruntime's `Tensor` names them so a
 * value can go straight into `new ort.Tensor(dataType, data, dims)`.
 */
export type DataTypeName =
  | "float32"
  | "float64"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bool";

/** The typed array that holds each {@link DataTypeName}; `bool` is one byte per element (0 or 1). */
export interface TypedArrayByDataType {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
}

/** Any typed array that holds tensor elements of a supported {@link DataTypeName}. */
export type TensorData = TypedArrayByDataType[DataTypeName];

type ElementGetter = (view: DataView, byteOffset: number) => number | bigint;
type ElementSetter = (view: DataView, byteOffset: number, value: number | bigint) => void;

interface DataTypeInfo {
  /** `onnx.TensorProto.DataType` code. */
  code: number;
  bytesPerElement: number;
  create(length: number): TensorData;
  /** Little-endian element reader, as ONNX `raw_data` is always little-endian. */
  get: ElementGetter;
  set: ElementSetter;
}

const DT = onnx.TensorProto.DataType;

const INFO: Readonly<Record<DataTypeName, DataTypeInfo>> = {
  float32: {
    code: DT.FLOAT,
    bytesPerElement: 4,
    create: (n) => new Float32Array(n),
    get: (v, o) => v.getFloat32(o, true),
    set: (v, o, x) => v.setFloat32(o, x as number, true),
  },
  float64: {
    code: DT.DOUBLE,
    bytesPerElement: 8,
    create: (n) => new Float64Array(n),
    get: (v, o) => v.getFloat64(o, true),
    set: (v, o, x) => v.setFloat64(o, x as number, true),
  },
  int8: {
    code: DT.INT8,
    bytesPerElement: 1,
    create: (n) => new Int8Array(n),
    get: (v, o) => v.getInt8(o),
    set: (v, o, x) => v.setInt8(o, x as number),
  },
  uint8: {
    code: DT.UINT8,
    bytesPerElement: 1,
    create: (n) => new Uint8Array(n),
    get: (v, o) => v.getUint8(o),
    set: (v, o, x) => v.setUint8(o, x as number),
  },
  int16: {
    code: DT.INT16,
    bytesPerElement: 2,
    create: (n) => new Int16Array(n),
    get: (v, o) => v.getInt16(o, true),
    set: (v, o, x) => v.setInt16(o, x as number, true),
  },
  uint16: {
    code: DT.UINT16,
    bytesPerElement: 2,
    create: (n) => new Uint16Array(n),
    get: (v, o) => v.getUint16(o, true),
    set: (v, o, x) => v.setUint16(o, x as number, true),
  },
  int32: {
    code: DT.INT32,
    bytesPerElement: 4,
    create: (n) => new Int32Array(n),
    get: (v, o) => v.getInt32(o, true),
    set: (v, o, x) => v.setInt32(o, x as number, true),
  },
  uint32: {
    code: DT.UINT32,
    bytesPerElement: 4,
    create: (n) => new Uint32Array(n),
    get: (v, o) => v.getUint32(o, true),
    set: (v, o, x) => v.setUint32(o, x as number, true),
  },
  int64: {
    code: DT.INT64,
    bytesPerElement: 8,
    create: (n) => new BigInt64Array(n),
    get: (v, o) => v.getBigInt64(o, true),
    set: (v, o, x) => v.setBigInt64(o, x as bigint, true),
  },
  uint64: {
    code: DT.UINT64,
    bytesPerElement: 8,
    create: (n) => new BigUint64Array(n),
    get: (v, o) => v.getBigUint64(o, true),
    set: (v, o, x) => v.setBigUint64(o, x as bigint, true),
  },
  bool: {
    code: DT.BOOL,
    bytesPerElement: 1,
    create: (n) => new Uint8Array(n),
    // Any non-zero byte is true; normalise so callers can compare against 1.
    get: (v, o) => (v.getUint8(o) === 0 ? 0 : 1),
    set: (v, o, x) => v.setUint8(o, x === 0 ? 0 : 1),
  },
};

/** All supported element type names, in a stable order (handy for tests and validation). */
export const DATA_TYPE_NAMES: readonly DataTypeName[] = Object.freeze(
  Object.keys(INFO) as DataTypeName[],
);

const BY_CODE = new Map<number, DataTypeName>(
  DATA_TYPE_NAMES.map((name) => [INFO[name].code, name]),
);

/** Narrows an arbitrary string (e.g. from config or a request) to a {@link DataTypeName}. */
export function isDataTypeName(value: unknown): value is DataTypeName {
  return typeof value === "string" && Object.hasOwn(INFO, value);
}

/** The `onnx.TensorProto.DataType` code of a supported element type. */
export function dataTypeCode(name: DataTypeName): number {
  return INFO[name].code;
}

/** The element type of an ONNX data type code, or `undefined` when this module cannot handle it. */
export function dataTypeFromCode(code: number): DataTypeName | undefined {
  return BY_CODE.get(code);
}

/** Human-readable ONNX name of a data type code, for error messages about unsupported types. */
export function onnxDataTypeLabel(code: number): string {
  const label = (DT as unknown as Record<number, string | undefined>)[code];
  return label === undefined ? `data type ${code}` : `${label} (${code})`;
}

/** Bytes one element occupies in ONNX `raw_data`. */
export function bytesPerElement(name: DataTypeName): number {
  return INFO[name].bytesPerElement;
}

/** A zero-filled typed array of the right class for `name`. */
export function createTypedArray<T extends DataTypeName>(
  name: T,
  length: number,
): TypedArrayByDataType[T] {
  return INFO[name].create(length) as TypedArrayByDataType[T];
}

/**
 * The element type a typed array implies. A `Uint8Array` reads as `uint8`: `bool` shares its
 * class, so callers that mean `bool` must say so.
 */
export function inferDataType(data: TensorData): DataTypeName {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  throw new TypeError(`unsupported tensor data: ${Object.prototype.toString.call(data)}`);
}

/** Whether `data` is the typed-array class that holds `name` (`bool` and `uint8` share one). */
export function matchesDataType(data: TensorData, name: DataTypeName): boolean {
  const inferred = inferDataType(data);
  return inferred === name || (name === "bool" && inferred === "uint8");
}

/** Decodes little-endian ONNX `raw_data` bytes; works for any byteOffset (no aligned view needed). */
export function decodeRawData<T extends DataTypeName>(
  bytes: Uint8Array,
  name: T,
): TypedArrayByDataType[T] {
  const info = INFO[name];
  if (bytes.byteLength % info.bytesPerElement !== 0) {
    throw new RangeError(
      `${bytes.byteLength} raw bytes is not a whole number of ${name} elements`,
    );
  }
  const length = bytes.byteLength / info.bytesPerElement;
  const out = info.create(length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < length; i++) out[i] = info.get(view, i * info.bytesPerElement);
  return out as TypedArrayByDataType[T];
}

/** Encodes elements as little-endian ONNX `raw_data` bytes (a fresh, unshared buffer). */
export function encodeRawData(data: TensorData, name: DataTypeName): Uint8Array<ArrayBuffer> {
  const info = INFO[name];
  const bytes = new Uint8Array(data.length * info.bytesPerElement);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) info.set(view, i * info.bytesPerElement, data[i]);
  return bytes;
}
