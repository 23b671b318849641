/**
 * The FAQ benchmark data as an index of the embedded default (`main.ts`, started as its own
 * process), set up through the public API as a user would: the index (optionally with the
 * learned re-ranker), the FAQs as one CSV, and optionally a dense encoder uploaded from a folder
 * holding `model.onnx` and `tokenizer.json` (e.g. an exported sentence-transformers model).
 */
import { join } from "node:path";
import { startEmbedded } from "@edgeml/gateway/testing";
import type { Faq } from "./faq_data.ts";

export interface EmbeddedIndexOptions {
  learnedReranker?: boolean;
  /** A folder with `model.onnx` and `tokenizer.json`: the index's dense encoder. */
  encoderDir?: string;
}

const csvCell = (text: string) => `"${text.replaceAll('"', '""')}"`;

export async function startEmbeddedFaqIndex(
  faqs: readonly Faq[],
  { learnedReranker = false, encoderDir }: EmbeddedIndexOptions = {},
) {
  const server = await startEmbedded({ env: { EDGEML_LOG_LEVEL: "error" } });
  const stop = async () => {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  };
  try {
    const auth = { authorization: `Bearer ${server.adminToken}` };
    const api = `${server.url}/v1/search/indexes`;
    const ok = async (res: Response, what: string) => {
      if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    };
    await ok(
      await fetch(api, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({
          name: "covid",
          attributeSchema: { source: "STRING", country: "STRING" },
          learnedReranker,
        }),
      }),
      "index",
    );
    const csv = ["_question,_answer,source,country"].concat(
      faqs.map((f) => [f.question, f.answer, f.source, f.country].map(csvCell).join(",")),
    ).join("\n");
    await ok(
      await fetch(`${api}/covid/faqs/en?format=CSV_WITH_HEADER`, {
        method: "PUT",
        headers: { ...auth, "content-type": "text/csv" },
        body: csv,
      }),
      "faqs",
    );
    if (encoderDir) {
      const form = new FormData();
      form.append("model", new Blob([await Deno.readFile(join(encoderDir, "model.onnx"))]));
      form.append(
        "tokenizer",
        new Blob([await Deno.readFile(join(encoderDir, "tokenizer.json"))]),
      );
      await ok(
        await fetch(`${api}/covid/encoder`, { method: "PUT", headers: auth, body: form }),
        "encoder",
      );
    }
    const metadata = await fetch(`${server.url}/v2/models/search-covid-reranker`);
    const reranked = metadata.ok;
    await metadata.body?.cancel();
    return {
      queryUrl: `${api}/covid/query`,
      reranked,
      /** The query endpoint's top `limit` FAQ ids, as the benchmark numbers them (faq-N). */
      async rank(text: string, limit = 10): Promise<string[]> {
        const res = await fetch(`${api}/covid/query`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ queryText: text, pageSize: limit }),
        });
        if (!res.ok) throw new Error(`query: ${res.status} ${await res.text()}`);
        const { resultItems } = await res.json() as { resultItems: { id: string }[] };
        // Result ids are <queryId>.faq.en.<row>; row n of the CSV is the benchmark's faq-n.
        return resultItems.map((i) => `faq-${i.id.split(".").at(-1)}`);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
