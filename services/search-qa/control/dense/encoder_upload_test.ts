/**
 * The dense retriever end to end below HTTP, with a tiny encoder the test builds and a real
 * worker pool: the upload is checked and served, the index is rebuilt with every item's vector,
 * a query in other words than the FAQ's finds it, requests of different lengths batch right,
 * and a model or tokenizer the encoder cannot use is refused with nothing left behind.
 */
import assert from "node:assert/strict";
import { startPoolServer } from "@edgeml/gpu-workers";
import { createInProcessClient } from "@edgeml/gpu-workers/client/in-process";
import { repositoryPublisher } from "@edgeml/gpu-workers/publisher";
import { createGraphBuilder, encodeModel } from "@edgeml/shared/onnx";
import type { TenantStores } from "@edgeml/shared/store";
import { rejectsDomainError, withStores } from "@edgeml/shared/testing";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { createDenseEncoder, loadTokenizer } from "../../domain/dense_encoder.ts";
import { decodeDenseVectors } from "../../domain/dense_vectors.ts";
import { createFeedbackPriors } from "../../domain/feedback.ts";
import {
  createIndexRecord,
  encoderPath,
  getIndex,
  vectorsPath,
} from "../../domain/index_catalog.ts";
import { createQueryService } from "../../domain/query_service.ts";
import { tinyEncoder } from "../../testing/tiny_encoder.ts";
import { createSearchControl } from "../mod.ts";
import { encoderSignature } from "./encoder_upload.ts";

const FAQS = `_question,_answer
How can I protect myself from COVID-19?,Wash your hands and keep your distance.
When is the library open?,The library opens at nine.
Where do I put old batteries?,Batteries go to the supermarket checkout.
`;
const TOPICS = [
  ["covid", "corona", "coronavirus", "protect", "safe"],
  ["library", "books", "borrow"],
  ["batteries", "recycling"],
];

async function withPool(
  fn: (
    stores: TenantStores,
    control: ReturnType<typeof createSearchControl>,
    workers: ReturnType<typeof createInProcessClient>,
  ) => Promise<void>,
) {
  await withStores(async (stores) => {
    const repository = await Deno.makeTempDir({ prefix: "search-encoder-" });
    const server = await startPoolServer({ repository, gpus: [] });
    try {
      const workers = createInProcessClient(server.pool);
      const publisher = repositoryPublisher({ repository, artifacts: stores.artifacts, workers });
      await fn(stores, createSearchControl(stores, { publisher, workers }), workers);
    } finally {
      await server.shutdown();
      await Deno.remove(repository, { recursive: true });
    }
  });
}

Deno.test("an uploaded encoder serves, the index is rebuilt with vectors, and a paraphrase finds its FAQ", async () => {
  await withPool(async (stores, control, workers) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    await control.putFaq("town", "faq", FAQS, "CSV_WITH_HEADER");
    const priors = createFeedbackPriors(stores.kv);
    const request = { queryText: "corona: staying safe", pageSize: 3, pageNumber: 1 };
    const top = async () =>
      (await createQueryService({ stores, priors, workers }).query("town", request)).resultItems
        .map((i) => i.questionText?.text);
    // Lexically nothing matches "corona" or "staying safe".
    assert.deepEqual(await top(), []);

    const { model, tokenizer, dimension } = tinyEncoder(TOPICS, {
      extraWords: ["how", "can", "i", "myself", "from", "19", "-"],
    });
    const accepted = await control.putEncoder("town", { model, tokenizer });
    assert.deepEqual(accepted, { encoderVersion: 1, dimension, version: 2 });
    const record = await getIndex(stores.kv, "town");
    assert.equal(record.encoder?.dimension, dimension);
    assert.deepEqual(record.encoder?.inputs.map((i) => i.role), ["input_ids", "attention_mask"]);
    const vectors = decodeDenseVectors((await stores.artifacts.get(vectorsPath("town", 2)))!);
    assert.equal(vectors.ids.length, 3);
    assert.equal(vectors.encoder.version, 1);

    // The dense retriever finds the COVID FAQ from words it does not contain.
    assert.deepEqual((await top())[0], "How can I protect myself from COVID-19?");
    // A later upload (a change of FAQs) embeds the new items too.
    await control.putFaq(
      "town",
      "more",
      "_question,_answer\nCan I borrow books?,Yes.\n",
      "CSV_WITH_HEADER",
    );
    const more = decodeDenseVectors((await stores.artifacts.get(vectorsPath("town", 3)))!);
    assert.equal(more.ids.length, 4);

    // Removing the encoder rebuilds lexical only; the pool stops serving it.
    await control.deleteEncoder("town");
    assert.equal((await getIndex(stores.kv, "town")).encoder, undefined);
    assert.equal(await stores.artifacts.stat(vectorsPath("town", 4)), undefined);
    assert.deepEqual(await top(), []);
    await rejectsDomainError(control.deleteEncoder("town"), "not_found", "encoder_not_found");
    // An encoder uploaded again gets a new number: vectors never name a model that changed.
    assert.equal((await control.putEncoder("town", { model, tokenizer })).encoderVersion, 2);
  });
});

Deno.test("texts of different lengths embed alike alone and in one batch, and concurrently", async () => {
  await withPool(async (stores, control, workers) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    const { model, tokenizer } = tinyEncoder(TOPICS, { extraWords: ["the", "is", "open"] });
    await control.putEncoder("town", { model, tokenizer });
    const { encoder } = await getIndex(stores.kv, "town");
    const dense = createDenseEncoder(
      workers,
      encoder!,
      loadTokenizer(JSON.parse(new TextDecoder().decode(tokenizer))),
    );
    const texts = ["library", "the library is open", "corona", "batteries recycling books"];
    const batch = await dense.embed(texts);
    // One at a time and all at once: requests of several lengths meet in the pool's batcher.
    const alone = await Promise.all(texts.map(async (t) => (await dense.embed([t]))[0]));
    for (let i = 0; i < texts.length; i++) {
      assert.deepEqual(
        [...alone[i]].map((v) => v.toFixed(5)),
        [...batch[i]].map((v) => v.toFixed(5)),
      );
    }
    assert.ok(Math.abs(batch[0][1] - 1) < 1e-6); // "library" lies on its topic's axis
  });
});

Deno.test("an encoder the service cannot use is refused, naming why, and leaves nothing behind", async () => {
  await withPool(async (stores, control) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    await control.putFaq("town", "faq", FAQS, "CSV_WITH_HEADER");
    const { model, tokenizer } = tinyEncoder(TOPICS);
    const bad = new TextEncoder().encode(JSON.stringify({ model: { type: "Nonsense" } }));
    await rejectsDomainError(
      control.putEncoder("town", { model, tokenizer: bad }),
      "unprocessable",
      "invalid_tokenizer",
    );
    await rejectsDomainError(
      control.putEncoder("town", { model, tokenizer: new TextEncoder().encode("{") }),
      "unprocessable",
      "invalid_tokenizer",
    );
    await rejectsDomainError(
      control.putEncoder("town", { model: new Uint8Array([1, 2, 3]), tokenizer }),
      "unprocessable",
      "invalid_onnx",
    );
    // A model that runs but needs an input the tokenizer cannot fill.
    const b = createGraphBuilder("pixels");
    const x = b.input("pixel_values", "float32", ["batch", 4]);
    b.output(b.relu(x), "y", "float32", ["batch", 4]);
    const pixels = encodeModel(b.build({ opset: 17 }));
    const err = await rejectsDomainError(
      control.putEncoder("town", { model: pixels, tokenizer }),
      "unprocessable",
      "unsupported_encoder_input",
    );
    assert.match(err.detail, /pixel_values/);
    await rejectsDomainError(
      control.putEncoder("town", { model, tokenizer, output: "pooled" }),
      "unprocessable",
      "unsupported_encoder_output",
    );
    const record = await getIndex(stores.kv, "town");
    assert.equal(record.encoder, undefined);
    assert.equal(record.version, 1);
    assert.equal(await stores.artifacts.stat(encoderPath("town", 1)), undefined);
  });
});

Deno.test("encoderSignature recognises the inputs by name and picks the embedding output", () => {
  const { model } = tinyEncoder(TOPICS);
  assert.deepEqual(encoderSignature(model), {
    inputs: [
      { name: "input_ids", role: "input_ids", datatype: "INT64" },
      { name: "attention_mask", role: "attention_mask", datatype: "INT64" },
    ],
    output: "last_hidden_state",
  });
  domainErrorFrom(
    () => encoderSignature(model, "nope"),
    "unprocessable",
    "unsupported_encoder_output",
  );
});
