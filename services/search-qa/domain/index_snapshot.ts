/**
 * An index's data as a snapshot (container format in `snapshot_codec.ts`). The JSON header holds
 * `format: "edgeml-search-index"`, the attribute `schema`, the `analyzer` options, `k1`,
 * `fieldWeights`, `fieldB`, `filterLimits` and `averageFieldLength`; the sections are
 *
 *   terms         u8   the term dictionary, UTF-8, terms joined by "\n", in term-number order
 *   termStart     i32  nTerms + 1 posting offsets
 *   postDocs      i32  document numbers, ascending within each term
 *   postWeight    f32  BM25F pseudo-frequency t̃f of each posting
 *   surfaceWords  u8   lowercased indexed words, UTF-8, joined by "\n"
 *   surfaceTerms  i32  the term number of each surface word
 *   items         u8   the items as UTF-8 JSON (document number = array index)
 *
 * Arrays are stored bit for bit, so a loaded index scores exactly as the one that was saved.
 */
import { invalid } from "@edgeml/shared/errors";
import type { IndexData } from "./index_data.ts";
import { decodeSnapshot, encodeSnapshot, type Section } from "./snapshot_codec.ts";

const FORMAT = "edgeml-search-index";

export function encodeIndexData(data: IndexData): Uint8Array {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const { schema, analyzer, k1, fieldWeights, fieldB, filterLimits, averageFieldLength } = data;
  return encodeSnapshot(
    {
      format: FORMAT,
      schema,
      analyzer,
      k1,
      fieldWeights,
      fieldB,
      filterLimits,
      averageFieldLength,
    },
    {
      terms: utf8(data.terms.join("\n")),
      termStart: data.termStart,
      postDocs: data.postDocs,
      postWeight: data.postWeight,
      surfaceWords: utf8(data.surfaceWords.join("\n")),
      surfaceTerms: data.surfaceTerms,
      items: utf8(JSON.stringify(data.items)),
    },
  );
}

export function decodeIndexData(bytes: Uint8Array): IndexData {
  const { header, sections } = decodeSnapshot(bytes);
  if (header.format !== FORMAT) throw invalid("invalid_snapshot", "not a search index snapshot");
  const get = <T extends Section>(name: string, type: new (n: number) => T): T => {
    const s = sections.get(name);
    if (!(s instanceof type)) throw invalid("invalid_snapshot", `section ${name} is missing`);
    return s;
  };
  const text = (name: string) => new TextDecoder().decode(get(name, Uint8Array));
  const lines = (name: string, count: number) => count === 0 ? [] : text(name).split("\n");
  const { format: _, ...options } = header;
  const termStart = get("termStart", Int32Array);
  const surfaceTerms = get("surfaceTerms", Int32Array);
  return {
    ...(options as Omit<IndexData, "items" | "terms" | "surfaceWords">),
    items: JSON.parse(text("items")),
    terms: lines("terms", termStart.length - 1),
    termStart,
    postDocs: get("postDocs", Int32Array),
    postWeight: get("postWeight", Float32Array),
    surfaceWords: lines("surfaceWords", surfaceTerms.length),
    surfaceTerms,
  };
}
