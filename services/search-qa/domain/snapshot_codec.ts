/**
 * A small container for binary snapshots: a JSON header and named typed-array sections.
 *
 *   bytes 0–3   magic "EQSX" (ASCII)
 *   bytes 4–7   format version, uint32 little-endian (1)
 *   bytes 8–11  header length H in bytes, uint32 little-endian
 *   12 … 12+H   header, UTF-8 JSON: the caller's fields plus `sections`, a list of
 *               `{ name, type: "i32" | "f32" | "u8", offset, length }` (offset in bytes from the
 *               data start, length in elements)
 *   then zero padding to a multiple of 8: the data start; each section begins on an 8-byte
 *               boundary from there, its elements little-endian.
 *
 * Decoding returns views over the input where alignment allows, copies where not. Typed arrays use
 * the host's byte order, so both ends must be little-endian (every platform Deno runs on is).
 *
 * @example
 * ```ts
 * const bytes = encodeSnapshot({ n: 2 }, { ids: new Int32Array([4, 5]) });
 * decodeSnapshot(bytes).sections.get("ids"); // Int32Array [4, 5]
 * ```
 */
import { invalid } from "@edgeml/shared/errors";

export type Section = Int32Array | Float32Array | Uint8Array;
type SectionType = "i32" | "f32" | "u8";
interface SectionEntry {
  name: string;
  type: SectionType;
  offset: number;
  length: number;
}

const MAGIC = [0x45, 0x51, 0x53, 0x58]; // "EQSX"
const VERSION = 1;
const align8 = (n: number) => (n + 7) & ~7;
const typeOf = (a: Section): SectionType =>
  a instanceof Int32Array ? "i32" : a instanceof Float32Array ? "f32" : "u8";

export function encodeSnapshot(
  header: Record<string, unknown>,
  sections: Record<string, Section>,
): Uint8Array {
  const entries: SectionEntry[] = [];
  let offset = 0, end = 0;
  for (const [name, array] of Object.entries(sections)) {
    offset = align8(end);
    entries.push({ name, type: typeOf(array), offset, length: array.length });
    end = offset + array.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...header, sections: entries }));
  const dataStart = align8(12 + json.length);
  const bytes = new Uint8Array(dataStart + end);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  for (const entry of entries) {
    const array = sections[entry.name];
    bytes.set(
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
      dataStart + entry.offset,
    );
  }
  return bytes;
}

export function decodeSnapshot(bytes: Uint8Array): {
  header: Record<string, unknown>;
  sections: Map<string, Section>;
} {
  const corrupt = (why: string) => invalid("invalid_snapshot", `not a search snapshot: ${why}`);
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw corrupt("bad magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4, true) !== VERSION) throw corrupt("unknown version");
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw corrupt("truncated header");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  const dataStart = align8(12 + headerLength);
  const sections = new Map<string, Section>();
  for (const { name, type, offset, length } of header.sections as SectionEntry[]) {
    const size = type === "u8" ? 1 : 4;
    const start = dataStart + offset;
    if (start + length * size > bytes.length) throw corrupt(`section ${name} is truncated`);
    const raw = bytes.subarray(start, start + length * size);
    const aligned = (bytes.byteOffset + start) % size === 0;
    const buffer = aligned ? raw : raw.slice();
    const Ctor = type === "i32" ? Int32Array : type === "f32" ? Float32Array : Uint8Array;
    sections.set(name, new Ctor(buffer.buffer as ArrayBuffer, buffer.byteOffset, length));
  }
  delete header.sections;
  return { header, sections };
}
