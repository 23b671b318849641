/**
 * The one table of OIP v2 datatypes: element sizes, typed-array constructors and ONNX Runtime
 * type names, used by the pool server, its worker threads, the client and the load tests.
 */
import type { Datatype } from "./oip.ts";

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
  /** IEEE half floats: stored as 16-bit patterns, exchanged in JSON as numbers. */
  half?: boolean;
  /** Inclusive range of an integer type (JSON values outside it are refused, not wrapped). */
  range?: [number, number];
}

const TABLE: Partial<Record<Datatype, DatatypeInfo>> = {
  BOOL: { bytes: 1, ctor: Uint8Array, ort: "bool", bool: true },
  UINT8: { bytes: 1, ctor: Uint8Array, ort: "uint8", range: [0, 255] },
  INT8: { bytes: 1, ctor: Int8Array, ort: "int8", range: [-128, 127] },
  UINT16: { bytes: 2, ctor: Uint16Array, ort: "uint16", range: [0, 65535] },
  INT16: { bytes: 2, ctor: Int16Array, ort: "int16", range: [-32768, 32767] },
  UINT32: { bytes: 4, ctor: Uint32Array, ort: "uint32", range: [0, 4294967295] },
  INT32: { bytes: 4, ctor: Int32Array, ort: "int32", range: [-2147483648, 2147483647] },
  UINT64: {
    bytes: 8,
    ctor: BigUint64Array,
    ort: "uint64",
    bigint: true,
    range: [0, Number.MAX_SAFE_INTEGER],
  },
  INT64: {
    bytes: 8,
    ctor: BigInt64Array,
    ort: "int64",
    bigint: true,
    range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  },
  FP16: { bytes: 2, ctor: Uint16Array, ort: "float16", half: true },
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

/** The OIP datatype of an ONNX Runtime element type name (`"float32"` → `"FP32"`). */
export function datatypeFromOrt(ortType: string): Datatype | undefined {
  return FROM_ORT[ortType];
}

/** Elements a shape holds: the product of its dims (1 for a scalar's empty shape). */
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
