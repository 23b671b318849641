/**
 * The search Q&A service over HTTP against the real embedded process: ingest FAQs in Kendra's
 * three formats and documents in four types, query every result type with filters and facets,
 * feedback moving a result on the next query, the flagged list, suggestions, chat answers, the
 * demo index answering the README's question, and bad input as 4xx problems.
 */
import assert from "node:assert/strict";
import type { QueryResponse } from "@edgeml/shared/contracts/search";
import { startEmbedded } from "@edgeml/gateway/testing";
import { minimalPdf } from "../testing/minimal_pdf.ts";

const FAQ_CSV =
  `How do I get a fishing licence?,Buy it online or at the town hall; it costs 20 dollars.,https://a.example/fishing
Where do I register a dog?,Dogs are registered at the animal office on Elm Street.,https://a.example/dogs
`;
const FAQ_HEADER = `_question,_answer,_source_uri,_category,city,audience
When is the swimming pool open?,The pool opens at 7:00 and closes at 21:00 every day.,https://b.example/pool,leisure,Springfield,"adults,children"
When is the swimming pool open?,Riverton's pool is open from 9:00 to 18:00 in summer only.,https://c.example/pool,leisure,Riverton,adults
`;
const FAQ_JSON = JSON.stringify({
  SchemaVersion: 1,
  FaqDocuments: [{
    Question: "How do I apply for a building permit?",
    Answer: "Submit the plans and the application form to the planning office.",
    Attributes: { _source_uri: "https://b.example/permits", city: "Springfield" },
  }],
});
const HTML = `<html><head><title>Recycling guide</title></head><body><nav>Home | News</nav>
<main><h1>Recycling</h1><h2>Glass</h2><p>Glass bottles go into the green container at the corner of Main Street.</p>
<h2>Batteries</h2><p>Old batteries are accepted at every supermarket checkout.</p></main></body></html>`;

async function expectProblem(res: Response, status: number, code: string) {
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.code, code, JSON.stringify(body));
  assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
  return body;
}

Deno.test("search-qa: ingest every format, query with filters and facets, feedback, suggestions, chat", async () => {
  const server = await startEmbedded({ env: { EDGEML_SEARCH_DEMO: "on" } });
  const auth = { authorization: `Bearer ${server.adminToken}` };
  const call = (
    method: string,
    path: string,
    body?: BodyInit,
    headers: Record<string, string> = {},
  ) => fetch(`${server.url}/v1/search${path}`, { method, body, headers: { ...auth, ...headers } });
  const post = (path: string, body: unknown) =>
    call("POST", path, JSON.stringify(body), { "content-type": "application/json" });
  const query = async (body: unknown): Promise<QueryResponse> => {
    const res = await post("/indexes/town/query", body);
    assert.equal(res.status, 200);
    return await res.json();
  };
  try {
    // The demo index answers the README's question for the caller's city.
    const demo = await (await post("/indexes/city/query", {
      queryText: "When is the library open?",
      userContext: { location: { city: "Riverton" } },
    })).json();
    assert.equal(demo.resultItems[0].type, "QUESTION_ANSWER");
    assert.match(demo.resultItems[0].answerText.text, /Riverton Library/);

    let res = await post("/indexes", {
      name: "town",
      attributeSchema: { audience: "STRING_LIST" },
      synonyms: "pool, swimming pool, baths",
    });
    assert.equal(res.status, 201);
    await res.body?.cancel();
    for (
      const [id, format, text, type] of [
        ["basic", "CSV", FAQ_CSV, "text/csv"],
        ["leisure", "CSV_WITH_HEADER", FAQ_HEADER, "text/csv"],
        ["permits", "JSON", FAQ_JSON, "application/json"],
      ]
    ) {
      res = await call("PUT", `/indexes/town/faqs/${id}?format=${format}`, text, {
        "content-type": type,
      });
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
    }
    const documents: [string, string, BodyInit, Record<string, string>][] = [
      ["recycling", "text/html", HTML, { city: "Springfield" }],
      [
        "parks",
        "text/plain",
        "# Parks\n\nThe city park closes at sunset. Dogs must be kept on a leash.",
        { city: "Riverton" },
      ],
      ["fees", "text/csv", "service,fee\nParking permit,30 dollars\nFishing licence,20 dollars\n", {
        city: "Springfield",
      }],
      [
        "council",
        "application/pdf",
        minimalPdf([["Council meetings are held every first Monday at 18:00."]], "Council"),
        { city: "Riverton" },
      ],
    ];
    for (const [id, type, body, attributes] of documents) {
      res = await call("PUT", `/indexes/town/documents/${id}`, body as BodyInit, {
        "content-type": type,
        "edgeml-document-attributes": JSON.stringify(attributes),
      });
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
    }
    const info = await (await call("GET", "/indexes/town")).json();
    assert.deepEqual([info.faqs, info.documents], [3, 4]);

    // Every result type, filters, facets, the synonym and the caller's city.
    const pool = await query({
      queryText: "when does the baths open",
      facets: [{ documentAttributeKey: "city" }],
    });
    assert.equal(pool.resultItems[0].type, "QUESTION_ANSWER");
    assert.deepEqual(
      pool.facetResults[0].documentAttributeValueCountPairs.map((p) => p.count).sort(),
      [1, 1],
    );
    const riverton = await query({
      queryText: "swimming pool open",
      userContext: { location: { city: "Riverton" } },
    });
    assert.match(riverton.resultItems[0].answerText!.text, /Riverton's pool/);
    const children = await query({
      queryText: "swimming pool",
      attributeFilter: {
        andAllFilters: [
          { containsAny: { key: "audience", value: { stringListValue: ["children"] } } },
          { notFilter: { equalsTo: { key: "city", value: { stringValue: "Riverton" } } } },
        ],
      },
    });
    assert.deepEqual(children.resultItems.map((i) => i.answerText?.text.slice(0, 8)), ["The pool"]);
    const glass = await query({ queryText: "where do glass bottles go" });
    assert.equal(glass.resultItems[0].type, "ANSWER");
    assert.ok(glass.resultItems[0].documentExcerpt!.highlights[0].topAnswer);
    assert.ok(glass.resultItems.some((i) => i.type === "DOCUMENT" && i.documentId === "recycling"));
    const council = await query({
      queryText: "council meetings",
      queryResultTypeFilter: "DOCUMENT",
    });
    assert.equal(council.resultItems[0].documentId, "council");
    assert.ok(council.resultItems.every((i) => i.type === "DOCUMENT"));
    for (const item of glass.resultItems) {
      assert.ok((item.documentExcerpt?.text.length ?? 0) <= 291);
    }

    // Feedback: two not-relevant votes push the top result down on the very next query.
    const before = await query({ queryText: "swimming pool open" });
    const top = before.resultItems[0].id;
    res = await post("/indexes/town/feedback", {
      queryId: before.queryId,
      relevanceFeedbackItems: [{ resultId: top, relevanceValue: "NOT_RELEVANT" }],
    });
    assert.equal(res.status, 204);
    const again = await query({ queryText: "swimming pool open" });
    res = await post("/indexes/town/feedback", {
      queryId: again.queryId,
      relevanceFeedbackItems: [{ resultId: top, relevanceValue: "NOT_RELEVANT" }],
    });
    await res.body?.cancel();
    const after = await query({ queryText: "swimming pool open" });
    assert.notEqual(after.resultItems[0].id, top);
    const flagged = await (await call("GET", "/indexes/town/flagged")).json();
    assert.equal(flagged.flagged[0].resultId, top);
    assert.equal(flagged.flagged[0].notRelevantVotes, 2);
    assert.deepEqual(flagged.flagged[0].queries, ["swimming pool open"]);

    const suggestions = await (await call("GET", "/indexes/town/suggestions?prefix=when%20is"))
      .json();
    assert.deepEqual(suggestions.suggestions, ["When is the swimming pool open?"]);

    const chat = await (await post("/indexes/town/chat-answer", {
      utterance: "How much is a fishing licence?",
    })).json();
    assert.equal(chat.answered, true);
    assert.ok(chat.text.length <= 320);
    const noAnswer = await (await post("/indexes/town/chat-answer", {
      utterance: "quantum chromodynamics lecture notes",
    })).json();
    assert.equal(noAnswer.answered, false);

    // Bad input.
    await expectProblem(
      await post("/indexes/town/query", { queryText: "" }),
      400,
      "invalid_request",
    );
    await expectProblem(
      await post("/indexes/town/query", { queryText: "x".repeat(1001) }),
      400,
      "invalid_request",
    );
    const unknown = await expectProblem(
      await post("/indexes/town/query", {
        queryText: "pool",
        attributeFilter: { equalsTo: { key: "colour", value: { stringValue: "red" } } },
      }),
      422,
      "unknown_attribute",
    );
    assert.equal(unknown.attribute, "colour");
    let deep: Record<string, unknown> = { equalsTo: { key: "city", value: { stringValue: "a" } } };
    for (let i = 0; i < 8; i++) deep = { andAllFilters: [deep] };
    await expectProblem(
      await post("/indexes/town/query", { queryText: "pool", attributeFilter: deep }),
      400,
      "filter_too_deep",
    );
    await expectProblem(
      await post("/indexes/town/query", {
        queryText: "pool",
        attributeFilter: { greaterThan: { key: "city", value: { longValue: 3 } } },
      }),
      400,
      "filter_value_type",
    );
    const badCsv = await expectProblem(
      await call(
        "PUT",
        "/indexes/town/faqs/bad?format=CSV_WITH_HEADER",
        "_question,_answer\nok,fine\n,missing question\n",
        {
          "content-type": "text/csv",
        },
      ),
      400,
      "invalid_faq_file",
    );
    assert.equal(badCsv.line, 3);
    const badJson = await expectProblem(
      await call(
        "PUT",
        "/indexes/town/faqs/bad?format=JSON",
        '{\n  "FaqDocuments": [\n    {"Question": "Q",}\n  ]\n}',
        { "content-type": "application/json" },
      ),
      400,
      "invalid_faq_file",
    );
    assert.equal(badJson.line, 3);
    await expectProblem(
      await call("PUT", "/indexes/town/documents/huge", new Uint8Array(21 * 1024 * 1024), {
        "content-type": "text/plain",
      }),
      413,
      "body_too_large",
    );
    await expectProblem(
      await call("PUT", "/indexes/town/documents/broken", "%PDF-1.4 garbage", {
        "content-type": "application/pdf",
      }),
      422,
      "document_unreadable",
    );
    await expectProblem(
      await call("PUT", "/indexes/town/documents/deep", "<div>".repeat(100_000), {
        "content-type": "text/html",
      }),
      422,
      "document_unreadable",
    );
    await expectProblem(
      await call("PUT", "/indexes/town/documents/x", "hello", { "content-type": "image/png" }),
      415,
      "unsupported_document_type",
    );
    await expectProblem(
      await post("/indexes/nope/query", { queryText: "pool" }),
      404,
      "index_not_found",
    );
    // Refused uploads changed nothing.
    const still = await (await call("GET", "/indexes/town")).json();
    assert.deepEqual([still.faqs, still.documents], [3, 4]);
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
