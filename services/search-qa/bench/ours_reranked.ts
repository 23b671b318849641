/**
 * "ours + re-ranker" for the benchmark: our index over the FAQs, its re-ranker trained exactly as
 * an index build trains it (self-supervised from the FAQs' own questions and answers, never from
 * the benchmark's queries: `control/rerank_training.ts`), run in-process in an ONNX Runtime
 * session instead of on the worker pool. Each query re-ranks its first 30 BM25F candidates with
 * one [N, F] batch, as the edge does.
 */
import * as ort from "onnxruntime-node";
import { createAnalyzer, MEMO_TOKENS } from "../domain/analyzer.ts";
import { rerank } from "../domain/rerank.ts";
import { RERANK_FEATURES } from "../domain/rerank_features.ts";
import { buildIndex } from "../domain/search_index.ts";
import { trainIndexReranker } from "../control/rerank_training.ts";
import type { Faq } from "./faq_data.ts";
import { faqItems } from "./ours.ts";

export async function oursRerankedFaq(faqs: readonly Faq[]) {
  const items = faqItems(faqs);
  const index = buildIndex(items);
  const t0 = performance.now();
  const trained = await trainIndexReranker(index, items, { index: "bench", version: 1 });
  if (!trained) throw new Error("the FAQ set is too small to train a re-ranker");
  const trainMs = performance.now() - t0;
  trained.ranker.dispose();
  const session = await ort.InferenceSession.create(trained.onnx);
  const analyzer = createAnalyzer({ memoTokens: MEMO_TOKENS });
  const width = RERANK_FEATURES.length;
  const score = async (features: Float32Array, rows: number) => {
    const out = await session.run({ features: new ort.Tensor("float32", features, [rows, width]) });
    return out.score.data as Float32Array;
  };
  const rank = async (text: string, limit = 10): Promise<string[]> => {
    const { hits } = index.search({ text, limit: Math.max(30, limit) });
    const ranked = await rerank(hits, {
      analyzer,
      item: index.item,
      queryText: text,
      prior: () => 1,
      score,
    });
    return ranked.slice(0, limit).map((r) => r.hit.id);
  };
  return { rank, trainMs, manifest: trained.manifest, release: () => session.release() };
}
