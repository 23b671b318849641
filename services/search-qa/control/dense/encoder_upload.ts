/**
 * Uploading an index's dense encoder: any sentence-embedding ONNX model with its Hugging Face
 * `tokenizer.json`. The model's inputs are recognised by name (`input_ids`, `attention_mask`,
 * `token_type_ids`, int64 or int32) and anything else it requires is refused; its output is
 * `sentence_embedding` when it has one, else `last_hidden_state`, else its first (or the one
 * named), [batch, dim] or [batch, tokens, dim] float. The tokenizer must load. The model is
 * then served on the worker pool as version n (n − 1 stays served for edges still on the
 * version before), run once on a probe sentence to learn its dimension and prove it works with
 * that tokenizer, and the index is rebuilt so its next version carries every item's vector.
 * Removing the encoder rebuilds the index without vectors and stops serving it.
 *
 * @example
 * ```ts
 * await putEncoder(stores, "city", { model, tokenizer }, { publisher, workers, build });
 * ```
 */
import type { OipClient } from "@edgeml/gpu-workers/client";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { notFound, unprocessable } from "@edgeml/shared/errors";
import { decodeModel, onnx } from "@edgeml/shared/onnx";
import { createKeyedQueue, type TenantStores } from "@edgeml/shared/store";
import {
  createDenseEncoder,
  type DenseEncoderConfig,
  type EncoderInputRole,
  encoderModelName,
  type EncoderUpload,
  loadTokenizer,
} from "../../domain/dense_encoder.ts";
import {
  encoderPath,
  encoderTokenizerPath,
  getIndex,
  updateIndex,
} from "../../domain/index_catalog.ts";
import { type BuildOptions, rebuildIndex } from "../index_builder.ts";

export interface EncoderDeps {
  publisher: ModelPublisher;
  workers: OipClient;
  build: BuildOptions;
}

/** Uploads and removals of one index's encoder take turns (each numbers the next version). */
const turns = createKeyedQueue();

const ROLES: EncoderInputRole[] = ["input_ids", "attention_mask", "token_type_ids"];
const INT64 = onnx.TensorProto.DataType.INT64;
const INT32 = onnx.TensorProto.DataType.INT32;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** What the encoder feeds the model and reads back, from the model's graph. */
export function encoderSignature(bytes: Uint8Array, wantedOutput?: string) {
  const bad = (code: string, detail: string) => unprocessable(code, `encoder model: ${detail}`);
  const graph = decodeModel(bytes, "encoder model").graph;
  if (!graph) throw bad("invalid_encoder", "the ONNX file has no graph");
  const weights = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs: DenseEncoderConfig["inputs"] = [];
  for (const input of graph.input ?? []) {
    if (weights.has(input.name ?? "")) continue;
    const name = input.name ?? "";
    const role = ROLES.find((r) => name === r || name.endsWith(r));
    if (!role) {
      throw bad(
        "unsupported_encoder_input",
        `input '${name}' is none of ${ROLES.join(", ")}; the encoder cannot fill it`,
      );
    }
    const type = input.type?.tensorType?.elemType;
    if (type !== INT64 && type !== INT32) {
      throw bad("unsupported_encoder_input", `input '${name}' must be int64 or int32`);
    }
    inputs.push({ name, role, datatype: type === INT64 ? "INT64" : "INT32" });
  }
  if (!inputs.some((i) => i.role === "input_ids")) {
    throw bad("unsupported_encoder_input", "the model has no input_ids input");
  }
  const outputs = graph.output ?? [];
  const named = (n: string) => outputs.find((o) => o.name === n);
  const output = wantedOutput !== undefined
    ? named(wantedOutput)
    : named("sentence_embedding") ?? named("last_hidden_state") ?? outputs[0];
  if (!output) {
    throw bad(
      "unsupported_encoder_output",
      wantedOutput ? `the model has no output '${wantedOutput}'` : "the model has no output",
    );
  }
  const type = output.type?.tensorType;
  const rank = type?.shape?.dim?.length;
  if (type?.elemType !== FLOAT || (rank !== undefined && rank !== 2 && rank !== 3)) {
    throw bad(
      "unsupported_encoder_output",
      `output '${output.name}' must be float [batch, dim] or [batch, tokens, dim]`,
    );
  }
  return { inputs, output: output.name ?? "" };
}

export function putEncoder(
  stores: TenantStores,
  index: string,
  upload: EncoderUpload,
  deps: EncoderDeps,
) {
  return turns.run(
    `${stores.kv.tenant}/${index}`,
    () => replaceEncoder(stores, index, upload, deps),
  );
}

async function replaceEncoder(
  stores: TenantStores,
  index: string,
  upload: EncoderUpload,
  { publisher, workers, build }: EncoderDeps,
) {
  const record = await getIndex(stores.kv, index);
  const { inputs, output } = encoderSignature(upload.model, upload.output);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(upload.tokenizer));
  } catch {
    throw unprocessable("invalid_tokenizer", "tokenizer.json is not JSON");
  }
  const tokenizer = loadTokenizer(json);
  const previous = record.encoder?.version ?? 0;
  // Numbers are never reused (even after a removal), so a vector always names its model.
  let version = previous + 1;
  for await (const { path } of stores.artifacts.list(`search-qa/${index}/encoder/`)) {
    const n = Number(path.match(/\/(\d+)\.onnx$/)?.[1] ?? 0);
    if (n >= version) version = n + 1;
  }
  const model = encoderModelName(index);
  await stores.artifacts.put(encoderPath(index, version), upload.model);
  await stores.artifacts.put(encoderTokenizerPath(index, version), upload.tokenizer);
  const served = [{ version, artifact: encoderPath(index, version) }];
  if (previous > 0 && await stores.artifacts.stat(encoderPath(index, previous))) {
    served.unshift({ version: previous, artifact: encoderPath(index, previous) });
  }
  const probe: DenseEncoderConfig = {
    model,
    version,
    inputs,
    output,
    pooling: upload.pooling ?? "mean",
    maxTokens: upload.maxTokens ?? 256,
    dimension: 0,
  };
  let dimension: number;
  try {
    await publisher.serve(model, served);
    const [vector] = await createDenseEncoder(workers, probe, tokenizer).embed([
      "What are the opening hours of the public library?",
    ]);
    dimension = vector.length;
  } catch (err) {
    // The index keeps the encoder it had; the refused upload leaves nothing behind.
    await publisher.serve(model, served.filter((s) => s.version !== version)).catch(() => {});
    await stores.artifacts.delete(encoderPath(index, version));
    await stores.artifacts.delete(encoderTokenizerPath(index, version));
    throw unprocessable(
      "encoder_failed",
      `the encoder did not run with its tokenizer: ${(err as Error).message}`,
    );
  }
  await updateIndex(stores.kv, index, (r) => ({ ...r, encoder: { ...probe, dimension } }));
  const rebuilt = await rebuildIndex(stores, index, build);
  return { encoderVersion: version, dimension, version: rebuilt.version };
}

export function deleteEncoder(
  stores: TenantStores,
  index: string,
  { publisher, build }: EncoderDeps,
): Promise<void> {
  return turns.run(`${stores.kv.tenant}/${index}`, async () => {
    const record = await getIndex(stores.kv, index);
    if (!record.encoder) throw notFound("encoder_not_found", `index '${index}' has no encoder`);
    await updateIndex(stores.kv, index, ({ encoder: _e, ...r }) => r);
    await rebuildIndex(stores, index, build);
    await publisher.serve(encoderModelName(index), []);
  });
}
