/**
 * A sentence-embedding model as the search service runs it: texts are tokenized with the
 * model's own `tokenizer.json` (`@huggingface/tokenizers`, the Hugging Face format), cut to
 * `maxTokens` (the closing special token kept), padded to the longest text of the call, and sent
 * to the worker pool as one binary OIP request; the output is pooled (mean over the attention
 * mask, or the first token) when it holds token states, then scaled to unit length. Used by the
 * control plane for every item at build time and by edges for each query, so both sides embed
 * alike. A model version that fails is left alone for `backoffMs` (queries then rank lexically).
 *
 * @example
 * ```ts
 * const encoder = createDenseEncoder(workers, record.encoder, tokenizerJson);
 * const [query] = await encoder.embed(["when is the library open"]);
 * ```
 */
import { Tokenizer } from "@huggingface/tokenizers";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { createFailureBackoff } from "@edgeml/gpu-workers/client/backoff";
import { failed, unprocessable } from "@edgeml/shared/errors";
import { normalize } from "./dense_vectors.ts";

/** The model inputs the encoder fills, by what they hold. */
export type EncoderInputRole = "input_ids" | "attention_mask" | "token_type_ids";

export interface DenseEncoderConfig {
  /** Worker model serving it, and its version there. */
  model: string;
  version: number;
  inputs: { name: string; role: EncoderInputRole; datatype: "INT64" | "INT32" }[];
  output: string;
  /** How token states ([batch, tokens, dim]) become one vector; unused for [batch, dim]. */
  pooling: "mean" | "cls";
  maxTokens: number;
  /** Length of the vectors (0 before an upload's trial run has found it). */
  dimension: number;
}

/** An encoder as uploaded: the ONNX model, its tokenizer.json and how to use its output. */
export interface EncoderUpload {
  model: Uint8Array;
  tokenizer: Uint8Array;
  pooling?: "mean" | "cls";
  maxTokens?: number;
  /** The model output holding the embedding, when the default choice is not it. */
  output?: string;
}

/** The worker model serving an index's encoder. */
export const encoderModelName = (index: string) => `search-${index}-encoder`;

export interface DenseEncoder {
  readonly config: DenseEncoderConfig;
  /** One unit-length vector per text, in order; throws when the worker call fails. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** False while the model is backing off after a failure. */
  available(): boolean;
}

export interface DenseEncoderOptions {
  /** How long a failed model version is not asked again (default 10 s). */
  backoffMs?: number;
  now?: () => number;
}

/** Parses a `tokenizer.json`; a 422 naming what is wrong when it is not one. */
export function loadTokenizer(json: unknown): Tokenizer {
  if (typeof json !== "object" || json === null || !("model" in json)) {
    throw unprocessable("invalid_tokenizer", "tokenizer.json has no 'model' section");
  }
  try {
    const tokenizer = new Tokenizer(json, {});
    tokenizer.encode("a test sentence");
    return tokenizer;
  } catch (err) {
    throw unprocessable(
      "invalid_tokenizer",
      `tokenizer.json cannot be used: ${(err as Error).message}`,
    );
  }
}

/** Token ids of `text`, at most `max`, the last special token (e.g. [SEP]) kept when cut. */
export function tokenIds(tokenizer: Tokenizer, special: Set<number>, text: string, max: number) {
  const { ids } = tokenizer.encode(text);
  if (ids.length <= max) return ids;
  const last = ids[ids.length - 1];
  return special.has(last) ? [...ids.slice(0, max - 1), last] : ids.slice(0, max);
}

export function createDenseEncoder(
  workers: OipClient,
  config: DenseEncoderConfig,
  tokenizer: Tokenizer,
  { backoffMs = 10_000, now = () => performance.now() }: DenseEncoderOptions = {},
): DenseEncoder {
  const special = new Set(
    [...tokenizer.get_added_tokens_decoder().entries()].filter(([, t]) => t.special).map(([id]) =>
      id
    ),
  );
  const padId = tokenizer.token_to_id("[PAD]") ?? tokenizer.token_to_id("<pad>") ?? 0;
  const backoff = createFailureBackoff({ backoffMs, now });

  async function embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const tokenized = texts.map((t) => tokenIds(tokenizer, special, t, config.maxTokens));
    const rows = texts.length;
    const width = Math.max(1, ...tokenized.map((ids) => ids.length));
    const ids = new Float64Array(rows * width).fill(padId);
    const mask = new Float64Array(rows * width);
    tokenized.forEach((row, r) => {
      row.forEach((id, i) => {
        ids[r * width + i] = id;
        mask[r * width + i] = 1;
      });
    });
    const values = { input_ids: ids, attention_mask: mask, token_type_ids: undefined };
    const inputs = config.inputs.map(({ name, role, datatype }) => {
      const source = values[role];
      const data = datatype === "INT64"
        ? BigInt64Array.from(source ?? new Float64Array(rows * width), (v) => BigInt(v))
        : Int32Array.from(source ?? new Float64Array(rows * width));
      return { name, datatype, shape: [rows, width], data };
    });
    try {
      const { outputs } = await workers.inferBinary(config.model, inputs, {
        version: String(config.version),
        outputs: [config.output],
      });
      const out = outputs[config.output];
      if (!out || !(out.data instanceof Float32Array)) {
        throw failed("encoder_output", `${config.model} answered no FP32 '${config.output}'`);
      }
      backoff.succeeded(config.model);
      return pooled(out.data, out.shape, mask, rows, width, config);
    } catch (err) {
      backoff.failed(config.model);
      throw err;
    }
  }

  return {
    config,
    embed,
    available: () => !backoff.resting(config.model),
  };
}

/** Row vectors from the model's output: token states pooled by the mask, or sentence vectors. */
function pooled(
  data: Float32Array,
  shape: number[],
  mask: Float64Array,
  rows: number,
  width: number,
  config: DenseEncoderConfig,
): Float32Array[] {
  const dim = shape[shape.length - 1];
  // dimension 0: not known yet (the first trial run of an upload finds it out).
  if ((config.dimension > 0 && dim !== config.dimension) || shape[0] !== rows) {
    throw failed(
      "encoder_output",
      `${config.model} answered shape [${shape}], expected [${rows}, …, ${config.dimension}]`,
    );
  }
  if (shape.length === 2) {
    return Array.from({ length: rows }, (_, r) => normalize(data.slice(r * dim, (r + 1) * dim)));
  }
  const tokens = shape[1];
  if (shape.length !== 3 || tokens !== width) {
    throw failed("encoder_output", `${config.model} answered shape [${shape}]`);
  }
  return Array.from({ length: rows }, (_, r) => {
    const v = new Float32Array(dim);
    const base = r * tokens * dim;
    if (config.pooling === "cls") {
      v.set(data.subarray(base, base + dim));
      return normalize(v);
    }
    let n = 0;
    for (let t = 0; t < tokens; t++) {
      if (mask[r * width + t] === 0) continue;
      n++;
      const at = base + t * dim;
      for (let k = 0; k < dim; k++) v[k] += data[at + k];
    }
    if (n > 0) { for (let k = 0; k < dim; k++) v[k] /= n; }
    return normalize(v);
  });
}

/**
 * The index's encoder as uploaded: its tokenizer read from the artifact store, the model served
 * on the pool as `config.model` at `config.version`.
 */
export async function loadDenseEncoder(
  artifacts: { get(path: string): Promise<Uint8Array | undefined> },
  workers: OipClient,
  tokenizerPath: string,
  config: DenseEncoderConfig,
  options?: DenseEncoderOptions,
): Promise<DenseEncoder> {
  const bytes = await artifacts.get(tokenizerPath);
  if (!bytes) throw failed("artifact_missing", `${tokenizerPath} is missing from the store`);
  const tokenizer = loadTokenizer(JSON.parse(new TextDecoder().decode(bytes)));
  return createDenseEncoder(workers, config, tokenizer, options);
}
