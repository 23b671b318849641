import assert from "node:assert/strict";
import { withStores } from "@edgeml/shared/testing";
import type { TenantStores } from "@edgeml/shared/store";
import { createDataset, createDatasetGroup, getDataset } from "../../domain/dataset/mod.ts";
import { readLines } from "./dataset_files.ts";
import { readDatasetRows } from "./dataset_reader.ts";
import { importCsv } from "./import_csv.ts";
import { ERRORS_IN_RECORD, ERRORS_KEPT, getImportJob } from "./import_jobs.ts";

const body = (text: string) => new Blob([text]).stream();

const INTERACTIONS = {
  type: "record",
  name: "Interactions",
  fields: [
    { name: "USER_ID", type: "string" },
    { name: "ITEM_ID", type: "string" },
    { name: "TIMESTAMP", type: "long" },
    { name: "EVENT_TYPE", type: ["null", "string"] },
    { name: "IMPRESSION", type: ["null", "string"] },
  ],
};

async function rows(stores: TenantStores, type: "INTERACTIONS" | "ITEMS" | "USERS") {
  const out = [];
  for await (const row of readDatasetRows(stores, "g", type)) out.push(row);
  return out;
}

Deno.test("good rows are stored, bad rows reported with their line, and the counts add up", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "INTERACTIONS", INTERACTIONS);
    const csv = [
      "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,IMPRESSION", // 1
      "u1,i1,100,click,i1|i2", // 2
      "u1,i2,abc,click,", // 3: bad timestamp
      "", // 4: blank, skipped
      'u2,"i3",300,,', // 5
      "u2,i4,400", // 6: too few columns
      '"u3",i"5,500,view,', // 7: stray quote
      'u3,i6,600,"multi', // 8: a quoted field over two lines
      'line",i6', // 9
      ",i7,700,,", // 10: empty USER_ID
      "u4,i8,800,,", // 11
    ].join("\r\n");
    const job = await importCsv(stores, "g", "INTERACTIONS", body(csv), { partRows: 2 });
    assert.equal(job.status, "ACTIVE");
    assert.equal(job.rowsImported, 4);
    assert.equal(job.rowsFailed, 4);
    assert.deepEqual(job.errors.map((e) => [e.line, e.column]), [
      [3, "TIMESTAMP"],
      [6, undefined],
      [7, undefined],
      [10, "USER_ID"],
    ]);
    assert.deepEqual((await rows(stores, "INTERACTIONS")).map((r) => [r.USER_ID, r.ITEM_ID]), [
      ["u1", "i1"],
      ["u2", "i3"],
      ["u3", "i6"],
      ["u4", "i8"],
    ]);
    assert.equal((await getDataset(stores.kv, "g", "INTERACTIONS")).rows, 4);
    assert.deepEqual(await getImportJob(stores.kv, "g", job.jobId), job);
    const report = [];
    for await (const line of readLines(stores.artifacts, job.errorReport!)) report.push(line);
    assert.equal(report.length, 4);
    const stored = [];
    for await (const info of stores.artifacts.list("recommendations/g/")) stored.push(info.path);
    assert.deepEqual(stored, [
      "recommendations/g/datasets/INTERACTIONS/imports/" + job.jobId + "/part-000001.jsonl",
      "recommendations/g/datasets/INTERACTIONS/imports/" + job.jobId + "/part-000002.jsonl",
      "recommendations/g/datasets/INTERACTIONS/schema.json",
      "recommendations/g/import-jobs/" + job.jobId + "/errors.jsonl",
    ]);
    // A second import accumulates.
    const second = await importCsv(
      stores,
      "g",
      "INTERACTIONS",
      body("ITEM_ID,USER_ID,TIMESTAMP\ni9,u9,900\n"),
    );
    assert.equal(second.rowsImported, 1);
    assert.equal((await getDataset(stores.kv, "g", "INTERACTIONS")).rows, 5);
    assert.equal((await rows(stores, "INTERACTIONS")).at(-1)?.ITEM_ID, "i9");
  });
});

Deno.test("every bad row is counted; the first ones are kept", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "INTERACTIONS", INTERACTIONS);
    const lines = ["USER_ID,ITEM_ID,TIMESTAMP"];
    for (let i = 0; i < 1800; i++) lines.push(i % 3 === 0 ? `u${i},i${i},${i}` : `u${i},i${i},x`);
    const job = await importCsv(stores, "g", "INTERACTIONS", body(lines.join("\n")));
    assert.equal(job.rowsImported, 600);
    assert.equal(job.rowsFailed, 1200);
    assert.equal(job.errors.length, ERRORS_IN_RECORD);
    assert.equal(job.errors[0].line, 3);
    let kept = 0;
    for await (const _ of readLines(stores.artifacts, job.errorReport!)) kept++;
    assert.equal(kept, ERRORS_KEPT);
  });
});

Deno.test("a header the schema cannot read fails the job and stores nothing", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "INTERACTIONS", INTERACTIONS);
    const unknown = await importCsv(
      stores,
      "g",
      "INTERACTIONS",
      body("USER_ID,ITEM_ID,TIMESTAMP,X\nu,i,1,x\n"),
    );
    assert.equal(unknown.status, "FAILED");
    assert.match(unknown.failureReason!, /column "X" is not a field/);
    const empty = await importCsv(stores, "g", "INTERACTIONS", body("\n\n"));
    assert.equal(empty.status, "FAILED");
    assert.match(empty.failureReason!, /no header row/);
    assert.equal((await getDataset(stores.kv, "g", "INTERACTIONS")).rows, 0);
    assert.deepEqual(await rows(stores, "INTERACTIONS"), []);
  });
});

Deno.test("an upload that breaks off fails the job and leaves no parts behind", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "INTERACTIONS", INTERACTIONS);
    const encoder = new TextEncoder();
    let sent = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === 0) {
          controller.enqueue(encoder.encode("USER_ID,ITEM_ID,TIMESTAMP\nu,i,1\nu,j,2\n"));
        } else controller.error(new Error("connection reset"));
      },
    });
    const job = await importCsv(stores, "g", "INTERACTIONS", broken, { partRows: 1 });
    assert.equal(job.status, "FAILED");
    assert.match(job.failureReason!, /broke off: connection reset/);
    const left = [];
    for await (const info of stores.artifacts.list("recommendations/g/datasets/")) {
      left.push(info.path);
    }
    assert.deepEqual(left, []);
  });
});

Deno.test("items are upserted by id and a dataset without a schema takes the header's", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "ITEMS");
    const first = await importCsv(
      stores,
      "g",
      "ITEMS",
      body("item_id,GENRES,CREATION_TIMESTAMP\na,Drama|War,10\nb,,\na,Comedy,20\n"),
    );
    assert.equal(first.rowsImported, 3);
    assert.deepEqual(await rows(stores, "ITEMS"), [
      { ITEM_ID: "b", GENRES: null, CREATION_TIMESTAMP: null },
      { ITEM_ID: "a", GENRES: ["Comedy"], CREATION_TIMESTAMP: 20 },
    ]);
    await importCsv(stores, "g", "ITEMS", body("ITEM_ID,GENRES\nb,Horror\nc,Kids\n"));
    assert.deepEqual(await rows(stores, "ITEMS"), [
      { ITEM_ID: "a", GENRES: ["Comedy"], CREATION_TIMESTAMP: 20 },
      { ITEM_ID: "b", GENRES: ["Horror"], CREATION_TIMESTAMP: null },
      { ITEM_ID: "c", GENRES: ["Kids"], CREATION_TIMESTAMP: null },
    ]);
    const dataset = await getDataset(stores.kv, "g", "ITEMS");
    assert.equal(dataset.rows, 3);
    assert.deepEqual(dataset.schema?.fields.map((f) => f.name), [
      "ITEM_ID",
      "GENRES",
      "CREATION_TIMESTAMP",
    ]);
  });
});
