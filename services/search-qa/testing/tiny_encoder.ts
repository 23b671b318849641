/**
 * A tiny sentence encoder the tests build themselves: a WordPiece `tokenizer.json` over a small
 * vocabulary and an ONNX graph that looks each token up in an embedding table and zeroes the
 * padding (`last_hidden_state` [batch, tokens, dim]), so mean pooling gives the average of the
 * words' vectors. Words of one `topics` group share a direction, which is how a query in other
 * words than an item's ("corona" for "COVID-19") finds it, as a trained encoder's would.
 *
 * @example
 * ```ts
 * const { model, tokenizer } = tinyEncoder([["covid", "corona"], ["library", "books"]]);
 * ```
 */
import { createGraphBuilder, encodeModel } from "@edgeml/shared/onnx";

const SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];

export function tinyEncoder(
  topics: readonly (readonly string[])[],
  { extraWords = [] as readonly string[] } = {},
): { model: Uint8Array; tokenizer: Uint8Array; dimension: number } {
  const words = [...new Set([...topics.flat(), ...extraWords])];
  const vocab = Object.fromEntries([...SPECIAL, ...words].map((w, i) => [w, i]));
  const dimension = topics.length + 1;
  // Topic words point along their topic's axis; other words along the last one, weakly.
  const table = new Float32Array((SPECIAL.length + words.length) * dimension);
  words.forEach((word, i) => {
    const row = (SPECIAL.length + i) * dimension;
    const topic = topics.findIndex((t) => t.includes(word));
    if (topic >= 0) table[row + topic] = 1;
    else table[row + dimension - 1] = 0.1;
  });

  const b = createGraphBuilder("tiny_encoder");
  const ids = b.input("input_ids", "int64", ["batch", "tokens"]);
  const mask = b.input("attention_mask", "int64", ["batch", "tokens"]);
  const embeddings = b.initializer("embeddings", table, [table.length / dimension, dimension]);
  const [looked] = b.node("Gather", [embeddings, ids], 1, { axis: 0 });
  const [maskFloat] = b.node("Cast", [mask], 1, { to: 1 });
  const [maskColumn] = b.node("Unsqueeze", [maskFloat, b.constant(BigInt64Array.of(2n))], 1);
  b.output(
    b.mul(looked, maskColumn, { name: "last_hidden_state" }),
    "last_hidden_state",
    "float32",
    ["batch", "tokens", dimension],
  );
  const model = encodeModel(b.build({ opset: 17 }));

  const tokenizer = {
    version: "1.0",
    added_tokens: SPECIAL.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
      ],
      pair: [],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [2], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [3], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  return {
    model,
    tokenizer: new TextEncoder().encode(JSON.stringify(tokenizer)),
    dimension,
  };
}
