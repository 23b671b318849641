/**
 * Datasets, imports and events over HTTP against the real embedded process: a dataset group
 * with Personalize schemas, a CSV import with bad rows reported by line and the rest imported,
 * PutItems / PutUsers, events recorded durably, and bad input as 4xx problems.
 */
import assert from "node:assert/strict";
import { startEmbedded } from "@edgeml/gateway/testing";

const INTERACTIONS_SCHEMA = {
  type: "record",
  name: "Interactions",
  namespace: "com.amazonaws.personalize.schema",
  fields: [
    { name: "USER_ID", type: "string" },
    { name: "ITEM_ID", type: "string" },
    { name: "TIMESTAMP", type: "long" },
    { name: "EVENT_TYPE", type: "string" },
  ],
  version: "1.0",
};

Deno.test("recommendations: dataset group, schema, CSV import with bad rows, items, users, events", async () => {
  const server = await startEmbedded({
    env: { EDGEML_SEARCH_DEMO: "off", EDGEML_SWA_DEMO: "off", RECS_MAX_IMPORT_BYTES: "4096" },
  });
  const auth = { authorization: `Bearer ${server.adminToken}` };
  const url = (path: string) => `${server.url}/v1/recommendations${path}`;
  const send = (
    method: string,
    path: string,
    body?: BodyInit,
    type = "application/json",
    headers = auth,
  ) => fetch(url(path), { method, body, headers: { ...headers, "content-type": type } });
  const sendJson = (method: string, path: string, body: unknown, headers = auth) =>
    send(method, path, JSON.stringify(body), "application/json", headers);
  const problem = async (res: Response, status: number, code: string) => {
    const body = await res.json();
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(body.code, code, JSON.stringify(body));
    assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
    return body;
  };
  try {
    let res = await sendJson("POST", "/dataset-groups", { name: "shop" });
    assert.equal(res.status, 201);
    assert.deepEqual((await res.json()).datasets, []);
    await problem(
      await sendJson("POST", "/dataset-groups", { name: "shop" }),
      409,
      "dataset_group_exists",
    );
    await problem(
      await sendJson("POST", "/dataset-groups", { name: "shop" }, {} as typeof auth),
      401,
      "unauthorized",
    );
    await problem(
      await sendJson("POST", "/dataset-groups", { name: "no spaces" }),
      400,
      "invalid_request",
    );

    // A schema that breaks Personalize's rules is refused, naming the field.
    const bad = await problem(
      await sendJson("PUT", "/dataset-groups/shop/datasets/INTERACTIONS", {
        schema: { ...INTERACTIONS_SCHEMA, fields: INTERACTIONS_SCHEMA.fields.slice(0, 2) },
      }),
      422,
      "schema_missing_required_field",
    );
    assert.equal(bad.field, "TIMESTAMP");
    res = await sendJson("PUT", "/dataset-groups/shop/datasets/INTERACTIONS", {
      schema: INTERACTIONS_SCHEMA,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();

    const csv = [
      "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE",
      "u1,i1,1700000000,click",
      "u1,i2,not-a-time,click",
      "u2,i1,1700000100,click",
      ",i3,1700000200,click",
      "u3,i3,1700000300,purchase",
    ].join("\n");
    res = await send(
      "POST",
      "/dataset-groups/shop/datasets/INTERACTIONS/import-jobs",
      csv,
      "text/csv",
    );
    assert.equal(res.status, 200);
    const job = await res.json();
    assert.equal(job.status, "ACTIVE");
    assert.equal(job.rowsImported, 3);
    assert.equal(job.rowsFailed, 2);
    assert.deepEqual(job.errors.map((e: { line: number }) => e.line), [3, 5]);
    const again = await (await fetch(url(`/dataset-groups/shop/import-jobs/${job.jobId}`))).json();
    assert.equal(again.status, "ACTIVE");
    const group = await (await fetch(url("/dataset-groups/shop"))).json();
    assert.deepEqual(group.datasets, [{ datasetType: "INTERACTIONS", rows: 3 }]);

    // Items without a schema: inferred from the header; PutItems adds and replaces.
    res = await sendJson("PUT", "/dataset-groups/shop/datasets/ITEMS", {});
    assert.equal(res.status, 200);
    await res.body?.cancel();
    res = await send(
      "POST",
      "/dataset-groups/shop/datasets/ITEMS/import-jobs",
      "ITEM_ID,GENRES\ni1,comedy|drama\ni2,horror\n",
      "text/csv",
    );
    assert.equal((await res.json()).rowsImported, 2);
    res = await sendJson("POST", "/dataset-groups/shop/items", {
      items: [{ itemId: "i3", properties: { GENRES: "drama" } }],
    });
    assert.equal(res.status, 204);
    res = await sendJson("PUT", "/dataset-groups/shop/datasets/USERS", {});
    await res.body?.cancel();
    res = await send(
      "POST",
      "/dataset-groups/shop/datasets/USERS/import-jobs",
      "USER_ID,AGE_GROUP\nu1,adult\n",
      "text/csv",
    );
    await res.body?.cancel();
    res = await sendJson("POST", "/dataset-groups/shop/users", { users: [{ userId: "u9" }] });
    assert.equal(res.status, 204);
    const after = await (await fetch(url("/dataset-groups/shop"))).json();
    assert.deepEqual(
      Object.fromEntries(
        after.datasets.map((d: { datasetType: string; rows: number }) => [d.datasetType, d.rows]),
      ),
      { INTERACTIONS: 3, ITEMS: 3, USERS: 2 },
    );

    // Events: recorded (an unknown item is kept), more than 10 or no group refused.
    res = await sendJson("POST", "/dataset-groups/shop/events", {
      sessionId: "s1",
      userId: "u1",
      eventList: [{
        eventId: "e1",
        eventType: "click",
        itemId: "not-yet-known",
        sentAt: 1700000400,
      }],
    }, {} as typeof auth);
    assert.equal(res.status, 204);
    const eleven = Array.from(
      { length: 11 },
      (_, i) => ({ eventType: "click", itemId: `i${i}`, sentAt: 1 }),
    );
    await problem(
      await sendJson("POST", "/dataset-groups/shop/events", { sessionId: "s", eventList: eleven }),
      400,
      "invalid_request",
    );
    await problem(
      await sendJson("POST", "/dataset-groups/shop/events", {
        sessionId: "s",
        eventList: [{
          eventType: "click",
          itemId: "a",
          sentAt: 1,
          properties: { note: "x".repeat(2000) },
        }],
      }),
      400,
      "invalid_request",
    );
    await problem(
      await sendJson("POST", "/dataset-groups/nowhere/events", {
        sessionId: "s",
        eventList: [{ eventType: "click", itemId: "a", sentAt: 1 }],
      }),
      404,
      "dataset_group_not_found",
    );
    // Imports above the size limit (4 KiB here) are a 413; the job says FAILED.
    const big = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n" + "u1,i1,1700000000,click\n".repeat(400);
    const tooBig = await problem(
      await send("POST", "/dataset-groups/shop/datasets/INTERACTIONS/import-jobs", big, "text/csv"),
      413,
      "body_too_large",
    );
    assert.equal(tooBig.limitBytes, 4096);
    const stillThree = await (await fetch(url("/dataset-groups/shop"))).json();
    assert.equal(
      stillThree.datasets.find((d: { datasetType: string }) => d.datasetType === "INTERACTIONS")
        .rows,
      3,
    );
    // Imports: only CSV, only into datasets that exist.
    await problem(
      await send(
        "POST",
        "/dataset-groups/shop/datasets/INTERACTIONS/import-jobs",
        "{}",
        "application/json",
      ),
      415,
      "unsupported_import_type",
    );
    await problem(
      await send(
        "POST",
        "/dataset-groups/nowhere/datasets/ITEMS/import-jobs",
        "ITEM_ID\na\n",
        "text/csv",
      ),
      404,
      "dataset_group_not_found",
    );
  } finally {
    await server.stop();
  }
});
