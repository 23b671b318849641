/**
 * An index version's dense vectors: one unit-length embedding per item, written by the control
 * plane beside the snapshot (`<version>.vectors.bin`) and read by edges with it. Layout: a
 * little-endian u32 header length, a JSON header `{ format, dimension, ids, encoder }`,
 * padding to 4 bytes, then `ids.length × dimension` float32 values, row i belonging to `ids[i]`.
 *
 * @example
 * ```ts
 * const bytes = encodeDenseVectors({ ids: ["a", "b"], dimension: 2, data, encoder });
 * decodeDenseVectors(bytes).ids; // ["a", "b"]
 * ```
 */
import { failed } from "@edgeml/shared/errors";
import type { DenseEncoderConfig } from "./dense_encoder.ts";

export interface DenseVectors {
  ids: string[];
  dimension: number;
  /** `ids.length × dimension`, row-major, each row of unit length (or all zeros). */
  data: Float32Array;
  /** The encoder that made them: a query is embedded by the same one. */
  encoder: DenseEncoderConfig;
}

const FORMAT = "edgeml-search-vectors-1";

export function encodeDenseVectors(vectors: DenseVectors): Uint8Array {
  const { ids, dimension, data, encoder } = vectors;
  if (data.length !== ids.length * dimension) {
    throw new RangeError(`${data.length} values for ${ids.length} × ${dimension} vectors`);
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ format: FORMAT, dimension, ids, encoder }),
  );
  const start = Math.ceil((4 + header.length) / 4) * 4;
  const bytes = new Uint8Array(start + data.byteLength);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), start);
  return bytes;
}

export function decodeDenseVectors(bytes: Uint8Array): DenseVectors {
  const broken = (why: string) => failed("vectors_corrupt", `dense vectors artifact: ${why}`);
  if (bytes.length < 4) throw broken("too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  if (4 + length > bytes.length) throw broken("header past the end");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  if (header.format !== FORMAT) throw broken(`unknown format ${header.format}`);
  const { ids, dimension, encoder } = header as DenseVectors;
  const start = Math.ceil((4 + length) / 4) * 4;
  const values = ids.length * dimension;
  if (bytes.length !== start + values * 4) throw broken("size disagrees with its header");
  // A copy, aligned whatever the source buffer's offset.
  const data = new Float32Array(values);
  new Uint8Array(data.buffer).set(bytes.subarray(start));
  return { ids, dimension, data, encoder };
}

/** Scales `v` to unit length in place; a zero vector stays zero. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum);
  if (norm > 0) { for (let i = 0; i < v.length; i++) v[i] /= norm; }
  return v;
}
