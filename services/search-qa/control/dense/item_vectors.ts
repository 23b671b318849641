/**
 * Every item's dense vector for an index version, embedded by the index's encoder on the worker
 * pool: an FAQ by its question (what a resident's question is worded like), a passage by its
 * title, headings and body (cut by the encoder's token limit). Texts go in batches of similar
 * length, so little of each batch is padding.
 */
import type { DenseEncoder } from "../../domain/dense_encoder.ts";
import type { DenseVectors } from "../../domain/dense_vectors.ts";
import type { IndexedItem } from "../../domain/index_data.ts";

export function embeddingText(item: IndexedItem): string {
  const { question, title, headings, body } = item.fields;
  if (item.kind === "FAQ") return question ?? "";
  return [title, headings, body].filter((t) => t).join("\n");
}

export async function embedItems(
  encoder: DenseEncoder,
  items: readonly IndexedItem[],
  batchSize = 32,
): Promise<DenseVectors> {
  const { dimension } = encoder.config;
  const texts = items.map(embeddingText);
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  const data = new Float32Array(items.length * dimension);
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const vectors = await encoder.embed(batch.map((i) => texts[i]));
    batch.forEach((i, k) => data.set(vectors[k], i * dimension));
  }
  return { ids: items.map((i) => i.id), dimension, data, encoder: encoder.config };
}
