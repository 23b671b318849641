/**
 * Self-supervised queries from an index's own content, for training the re-ranker. For each FAQ:
 * its question with word dropout, with two neighbouring words swapped and a word of another
 * question inserted, with dropout and one misspelt word, and the first sentence of its answer
 * with dropout; the relevant items are that
 * FAQ and every FAQ asking the same question. For each passage: the first sentence of its body
 * with dropout (relevant: that passage), and its headings with dropout (relevant: every passage
 * under the same title and headings). Seeded: the same items give the same queries.
 *
 * @example
 * ```ts
 * pseudoQueries(items, { seed: 1 }); // [{ text: "library open sunday", relevant: ["faq.city.3"] }, …]
 * ```
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import type { IndexedItem } from "../../domain/index_data.ts";
import { headText } from "../../domain/rerank_features.ts";

export interface PseudoQuery {
  text: string;
  /** Ids of the items that answer it. */
  relevant: string[];
}

export interface PseudoQueryOptions {
  seed?: number;
  /** Share of words dropped (default 0.3); at least two words are kept. */
  dropout?: number;
  /** Longest query, in words (default 16). */
  maxWords?: number;
}

const words = (text: string) => text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
const firstSentence = (text: string) => text.split(/(?<=[.?!])\s+/)[0] ?? "";
const normal = (text: string) => words(text.toLowerCase()).join(" ");

export function pseudoQueries(
  items: readonly IndexedItem[],
  { seed = 1, dropout = 0.3, maxWords = 16 }: PseudoQueryOptions = {},
): PseudoQuery[] {
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const drop = (ws: string[]) => {
    const kept = ws.filter(() => random() >= dropout);
    return kept.length >= Math.min(2, ws.length) ? kept : ws.slice(0, 2);
  };
  const swap = (ws: string[]) => {
    const out = [...ws];
    if (out.length < 2) return out;
    const i = pick(out.length - 1);
    [out[i], out[i + 1]] = [out[i + 1], out[i]];
    return out;
  };
  /** One edit inside a word of 5+ letters: a letter dropped, doubled or swapped. */
  const misspell = (ws: string[]) => {
    const long = ws.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 5);
    if (long.length === 0) return ws;
    const [w, i] = long[pick(long.length)];
    const at = 1 + pick(w.length - 2);
    const edits = [
      w.slice(0, at) + w.slice(at + 1),
      w.slice(0, at) + w[at] + w.slice(at),
      w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2),
    ];
    return ws.map((x, j) => (j === i ? edits[pick(3)] : x));
  };
  const text = (ws: string[]) => ws.slice(0, maxWords).join(" ");
  const questionWords = items.flatMap((i) => words(i.fields.question ?? headText(i)));
  /** A word of some other item's question or head, at a random place. */
  const insert = (ws: string[]) => {
    if (questionWords.length === 0) return ws;
    const at = pick(ws.length + 1);
    return [...ws.slice(0, at), questionWords[pick(questionWords.length)], ...ws.slice(at)];
  };

  const byHead = new Map<string, string[]>();
  for (const item of items) {
    const key = `${item.kind} ${normal(headText(item))}`;
    byHead.set(key, [...(byHead.get(key) ?? []), item.id]);
  }
  const sameHead = (item: IndexedItem) => byHead.get(`${item.kind} ${normal(headText(item))}`)!;

  const out: PseudoQuery[] = [];
  const add = (ws: string[], relevant: string[]) => {
    if (ws.length > 0) out.push({ text: text(ws), relevant });
  };
  for (const item of items) {
    if (item.kind === "FAQ") {
      const question = words(item.fields.question ?? "");
      const relevant = sameHead(item);
      add(drop(question), relevant);
      add(insert(swap(question)), relevant);
      add(misspell(drop(question)), relevant);
      add(drop(words(firstSentence(item.fields.answer ?? ""))), relevant);
    } else {
      add(drop(words(firstSentence(item.fields.body ?? ""))), [item.id]);
      add(drop(words(headText(item))), sameHead(item));
    }
  }
  return out;
}
