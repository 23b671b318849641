/**
 * The binary tensor data extension of OIP v2 (Triton): a JSON header of
 * `Inference-Header-Content-Length` bytes followed by raw tensor bytes, in the order of the
 * inputs (or outputs) that carry `parameters.binary_data_size`. Malformed bodies throw
 * `invalid` domain errors (400 at the edge).
 */
import { invalid } from "../errors/domain_error.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export interface SplitBody {
  header: unknown;
  /** The raw bytes after the header. */
  binary: Uint8Array;
}

/** Separates the JSON header from the binary region; a bad length or header is `invalid`. */
export function splitBinaryBody(body: Uint8Array, headerLengthText: string): SplitBody {
  const headerLength = /^[0-9]+$/.test(headerLengthText) ? Number(headerLengthText) : NaN;
  if (!Number.isInteger(headerLength) || headerLength > body.byteLength) {
    throw invalid(
      "malformed_binary_header",
      `Inference-Header-Content-Length is '${headerLengthText}', body has ${body.byteLength} bytes`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(body.subarray(0, headerLength)));
  } catch (e) {
    throw invalid(
      "malformed_binary_header",
      `the ${headerLength}-byte inference header is not valid JSON: ${(e as Error).message}`,
    );
  }
  return { header, binary: body.subarray(headerLength) };
}

/** Cuts the binary region into consecutive pieces of the given sizes; sizes must add up. */
export function sliceBinary(binary: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== binary.byteLength) {
    throw invalid(
      "binary_size_mismatch",
      `binary_data_size values add up to ${total} bytes, the body carries ${binary.byteLength}`,
      { extra: { expected: total, given: binary.byteLength } },
    );
  }
  return splitBytes(binary, sizes);
}

/**
 * Consecutive views (no copies) of the given byte lengths over `bytes`, from its start. Also
 * cuts the payload of the pool's IPC frames.
 */
export function splitBytes(bytes: Uint8Array, lengths: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (const length of lengths) {
    pieces.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return pieces;
}

/**
 * Builds a binary body: the JSON header (an object, or text already serialized, e.g. with
 * non-finite numbers written Triton's way) then the given buffers back to back.
 */
export function joinBinaryBody(
  header: unknown,
  buffers: readonly Uint8Array[],
): { body: Uint8Array; headerLength: number } {
  const head = encoder.encode(typeof header === "string" ? header : JSON.stringify(header));
  let size = head.byteLength;
  for (const b of buffers) size += b.byteLength;
  const body = new Uint8Array(size);
  body.set(head, 0);
  let offset = head.byteLength;
  for (const b of buffers) {
    body.set(b, offset);
    offset += b.byteLength;
  }
  return { body, headerLength: head.byteLength };
}
