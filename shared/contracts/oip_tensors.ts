/**
 * JSON tensor data (OIP v2 `data`) ↔ raw tensors. Every decoding mistake throws an `invalid`
 * domain error (400 at the edge) naming the input and what was expected.
 */
import { invalid } from "../errors/domain_error.ts";
import { datatypeInfo, elementCount, viewAs } from "./datatypes.ts";
import type { Datatype, InferRequestInput, InferResponseOutput, TensorData } from "./oip.ts";

/**
 * A tensor as it travels from the HTTP body through the pool to the session and back: raw
 * little-endian bytes plus its description.
 */
export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  bytes: Uint8Array;
}

function flatten(data: TensorData): unknown[] {
  // Flat data is the common case (and what fast clients send): no copy.
  if (!data.some(Array.isArray)) return data;
  return (data as unknown[]).flat(Infinity);
}

/** Decodes one JSON input into raw bytes. */
export function tensorFromJson(input: InferRequestInput): Tensor {
  const info = datatypeInfo(input.datatype);
  if (!info) {
    throw invalid(
      "unsupported_datatype",
      `input '${input.name}': datatype ${input.datatype} is not supported by this server`,
    );
  }
  if (input.data === undefined) {
    throw invalid(
      "missing_tensor_data",
      `input '${input.name}' has neither 'data' nor parameters.binary_data_size`,
    );
  }
  const values = flatten(input.data);
  const expected = elementCount(input.shape);
  if (values.length !== expected) {
    throw invalid(
      "element_count_mismatch",
      `input '${input.name}': shape [${input.shape}] needs ${expected} elements, got ${values.length}`,
      { extra: { input: input.name, expected, given: values.length } },
    );
  }
  // Float16Array (ES2025) turns JSON numbers into half-float bit patterns and back.
  const out = info.half ? new Float16Array(expected) : new info.ctor(expected);
  const range = info.range;
  for (let i = 0; i < expected; i++) {
    const v = values[i];
    if (info.bool) {
      if (typeof v !== "boolean") throw elementError(input.name, i, "boolean", v);
      out[i] = v ? 1 : 0;
    } else if (range) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < range[0] || v > range[1]) {
        throw elementError(input.name, i, `integer in [${range[0]}, ${range[1]}]`, v);
      }
      out[i] = info.bigint ? BigInt(v) : v;
    } else {
      if (typeof v !== "number") throw elementError(input.name, i, "number", v);
      out[i] = v;
    }
  }
  return {
    name: input.name,
    datatype: input.datatype,
    shape: input.shape,
    bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
  };
}

function elementError(name: string, index: number, want: string, got: unknown) {
  return invalid(
    "invalid_tensor_element",
    `input '${name}': element ${index} must be a ${want}, got ${JSON.stringify(got)}`,
  );
}

/** Encodes an output tensor as JSON data (flat, row-major, as OIP v2 returns it). */
export function tensorToJson(tensor: Tensor): InferResponseOutput {
  const view = viewAs(tensor.datatype, tensor.bytes);
  const info = datatypeInfo(tensor.datatype)!;
  let data: Array<number | boolean>;
  if (info.bool) data = Array.from(view as Uint8Array, (v) => v !== 0);
  else if (info.bigint) data = Array.from(view as BigInt64Array, (v) => Number(v));
  else if (info.half) {
    const halves = new Float16Array(view.buffer, view.byteOffset, view.length);
    data = Array.from(halves);
  } else data = Array.from(view as Float32Array);
  return { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, data };
}
