/** OIP v2 datatypes ↔ typed arrays ↔ ONNX Runtime tensor types. */
import type { Datatype } from "../../shared/contracts/oip.ts";

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray;
};

export interface DatatypeInfo {
  bytes: number;
  ctor: TypedArrayCtor;
  /** ONNX Runtime's name for the element type. */
  ort: string;
  /** JSON elements are booleans, not numbers. */
  bool?: boolean;
  /** Needs BigInt elements in memory; JSON carries plain numbers. */
  bigint?: boolean;
}

const TABLE: Partial<Record<Datatype, DatatypeInfo>> = {
  BOOL: { bytes: 1, ctor: Uint8Array, ort: "bool", bool: true },
  UINT8: { bytes: 1, ctor: Uint8Array, ort: "uint8" },
  INT8: { bytes: 1, ctor: Int8Array, ort: "int8" },
  UINT16: { bytes: 2, ctor: Uint16Array, ort: "uint16" },
  INT16: { bytes: 2, ctor: Int16Array, ort: "int16" },
  UINT32: { bytes: 4, ctor: Uint32Array, ort: "uint32" },
  INT32: { bytes: 4, ctor: Int32Array, ort: "int32" },
  UINT64: { bytes: 8, ctor: BigUint64Array, ort: "uint64", bigint: true },
  INT64: { bytes: 8, ctor: BigInt64Array, ort: "int64", bigint: true },
  FP16: { bytes: 2, ctor: Uint16Array, ort: "float16" },
  FP32: { bytes: 4, ctor: Float32Array, ort: "float32" },
  FP64: { bytes: 8, ctor: Float64Array, ort: "float64" },
};

const FROM_ORT: Record<string, Datatype> = Object.fromEntries(
  Object.entries(TABLE).map(([dt, info]) => [info!.ort, dt as Datatype]),
);

/** Fixed-size datatypes we can carry; BYTES (strings) has no fixed element size. */
export function datatypeInfo(datatype: Datatype): DatatypeInfo | undefined {
  return TABLE[datatype];
}

export function datatypeFromOrt(ortType: string): Datatype | undefined {
  return FROM_ORT[ortType];
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A typed-array view over little-endian bytes; copies when the offset is misaligned. */
export function viewAs(datatype: Datatype, bytes: Uint8Array): TypedArray {
  const info = TABLE[datatype];
  if (!info) throw new Error(`datatype ${datatype} has no fixed element size`);
  const aligned = bytes.byteOffset % info.bytes === 0 ? bytes : bytes.slice();
  return new info.ctor(
    aligned.buffer as ArrayBuffer,
    aligned.byteOffset,
    aligned.byteLength / info.bytes,
  );
}
