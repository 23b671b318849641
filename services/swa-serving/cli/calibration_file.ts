/**
 * BatchNorm calibration rows for `finalize`: a `.f32` file (raw little-endian float32, rows
 * one after another, as `PUT …/calibration-sets/{set}` takes them) and the set name it is
 * uploaded under.
 */
import { basename, extname } from "node:path";

/** The file's float32 values, read little-endian whatever the host's byte order. */
export function readFloat32Rows(bytes: Uint8Array, source: string): Float32Array {
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) {
    throw new Error(
      `${source}: ${bytes.byteLength} bytes is not a whole number of float32 values`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

/** The file's name without its extension, made a valid set name (`[A-Za-z0-9_-]`, ≤ 64). */
export function calibrationSetName(path: string): string {
  const name = basename(path, extname(path))
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^[_-]+/, "")
    .slice(0, 64);
  return name || "calibration";
}
