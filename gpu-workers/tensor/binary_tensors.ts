/**
 * The binary tensor data extension of OIP v2 (Triton): a JSON header of
 * `Inference-Header-Content-Length` bytes followed by raw tensor bytes, in the order of the
 * inputs (or outputs) that carry `parameters.binary_data_size`.
 */
import { badRequest } from "../../shared/http/problem.ts";
import { splitPayload } from "../ipc/frames.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export interface SplitBody {
  header: unknown;
  /** The raw bytes after the header. */
  binary: Uint8Array;
}

/** Separates the JSON header from the binary region; a bad length or header is a 400. */
export function splitBinaryBody(body: Uint8Array, headerLengthText: string): SplitBody {
  const headerLength = /^[0-9]+$/.test(headerLengthText) ? Number(headerLengthText) : NaN;
  if (!Number.isInteger(headerLength) || headerLength > body.byteLength) {
    throw badRequest(
      "malformed_binary_header",
      `Inference-Header-Content-Length is '${headerLengthText}', body has ${body.byteLength} bytes`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(body.subarray(0, headerLength)));
  } catch (e) {
    throw badRequest(
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
    throw badRequest(
      "binary_size_mismatch",
      `binary_data_size values add up to ${total} bytes, the body carries ${binary.byteLength}`,
      { expected: total, given: binary.byteLength },
    );
  }
  return splitPayload(binary, sizes);
}

/** Builds a binary response body: JSON header then the given buffers back to back. */
export function joinBinaryBody(
  header: unknown,
  buffers: readonly Uint8Array[],
): { body: Uint8Array; headerLength: number } {
  const head = encoder.encode(JSON.stringify(header));
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
