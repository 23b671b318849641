/**
 * The dense retriever over HTTP against the real embedded process: an encoder the test builds
 * is uploaded as a multipart form, the index answers a question worded unlike its FAQ, the index
 * info shows the encoder, and bad uploads are 4xx problems naming what is wrong.
 */
import assert from "node:assert/strict";
import { startEmbedded } from "@edgeml/gateway/testing";
import { tinyEncoder } from "../testing/tiny_encoder.ts";

const FAQS = `_question,_answer,city
How can I protect myself from COVID-19?,Wash your hands and keep your distance.,Springfield
When is the library open?,The library opens at nine.,Springfield
`;

Deno.test("search-qa: a dense encoder uploaded over HTTP answers paraphrases; bad uploads are 4xx", async () => {
  const server = await startEmbedded({ env: { EDGEML_SEARCH_DEMO: "off" } });
  const auth = { authorization: `Bearer ${server.adminToken}` };
  const url = (path: string) => `${server.url}/v1/search${path}`;
  const form = (parts: Record<string, Uint8Array | string>) => {
    const body = new FormData();
    for (const [name, part] of Object.entries(parts)) {
      body.append(
        name,
        typeof part === "string" ? part : new Blob([part as Uint8Array<ArrayBuffer>]),
        name,
      );
    }
    return body;
  };
  const putEncoder = (body: BodyInit, index = "town", headers: Record<string, string> = auth) =>
    fetch(url(`/indexes/${index}/encoder`), { method: "PUT", body, headers });
  const problem = async (res: Response, status: number, code: string) => {
    const body = await res.json();
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(body.code, code, JSON.stringify(body));
    assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
    return body;
  };
  const query = async (queryText: string) => {
    const res = await fetch(url("/indexes/town/query"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ queryText, userContext: { location: { city: "Springfield" } } }),
    });
    assert.equal(res.status, 200);
    return (await res.json()).resultItems.map((i: { questionText?: { text: string } }) =>
      i.questionText?.text
    );
  };
  try {
    let res = await fetch(url("/indexes"), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ name: "town" }),
    });
    assert.equal(res.status, 201);
    await res.body?.cancel();
    res = await fetch(url("/indexes/town/faqs/faq"), {
      method: "PUT",
      headers: { ...auth, "content-type": "text/csv" },
      body: FAQS,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.deepEqual(await query("corona: staying safe"), []);

    const { model, tokenizer, dimension } = tinyEncoder([
      ["covid", "corona", "protect", "safe"],
      ["library", "books"],
    ], { extraWords: ["how", "to", "stay", "can", "i", "myself", "from"] });

    // Bad uploads first: each a 4xx naming the problem, the index unchanged.
    await problem(await putEncoder(form({ model, tokenizer }), "town", {}), 401, "unauthorized");
    await problem(await putEncoder(form({ model, tokenizer }), "nowhere"), 404, "index_not_found");
    await problem(
      await putEncoder(new Blob([model as Uint8Array<ArrayBuffer>])),
      415,
      "unsupported_encoder_upload",
    );
    await problem(await putEncoder(form({ model })), 400, "missing_encoder_part");
    await problem(
      await putEncoder(form({ model, tokenizer, pooling: "max" })),
      400,
      "invalid_pooling",
    );
    await problem(
      await putEncoder(form({ model, tokenizer, maxTokens: "0" })),
      400,
      "invalid_max_tokens",
    );
    await problem(
      await putEncoder(form({ model, tokenizer: new TextEncoder().encode("[]") })),
      422,
      "invalid_tokenizer",
    );
    await problem(
      await putEncoder(form({ model: new Uint8Array([9, 9, 9]), tokenizer })),
      422,
      "invalid_onnx",
    );
    await problem(
      await fetch(url("/indexes/town/encoder"), { method: "DELETE", headers: auth }),
      404,
      "encoder_not_found",
    );

    res = await putEncoder(form({ model, tokenizer, pooling: "mean", maxTokens: "64" }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { encoderVersion: 1, dimension, version: 2 });
    const info = await (await fetch(url("/indexes/town"))).json();
    assert.deepEqual(info.denseEncoder, { version: 1, dimension, pooling: "mean", maxTokens: 64 });
    assert.deepEqual(
      (await query("corona: staying safe"))[0],
      "How can I protect myself from COVID-19?",
    );
    // Lexical matches still come first where the words are there.
    assert.deepEqual((await query("library open"))[0], "When is the library open?");

    res = await fetch(url("/indexes/town/encoder"), { method: "DELETE", headers: auth });
    assert.equal(res.status, 204);
    assert.deepEqual(await query("corona: staying safe"), []);
  } finally {
    await server.stop();
  }
});
