import assert from "node:assert/strict";
import { withStores } from "@edgeml/shared/testing";
import { createDataset, createDatasetGroup } from "../../domain/dataset/mod.ts";
import { readCreationTimes, readInteractions } from "./dataset_reader.ts";
import { importCsv } from "./import_csv.ts";

const body = (text: string) => new Blob([text]).stream();

Deno.test("interactions stream back typed, across parts and imports, in import order", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "INTERACTIONS");
    const lines = ["USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,IMPRESSION,DEVICE"];
    for (let i = 0; i < 250; i++) {
      lines.push(`u${i % 7},i${i},${1000 + i},click,${i / 2},i${i}|x,phone|tv`);
    }
    await importCsv(stores, "g", "INTERACTIONS", body(lines.join("\n")), { partRows: 100 });
    await importCsv(stores, "g", "INTERACTIONS", body("USER_ID,ITEM_ID,TIMESTAMP\nlate,z,5\n"));
    const read = [];
    for await (const interaction of readInteractions(stores, "g")) read.push(interaction);
    assert.equal(read.length, 251);
    assert.deepEqual(read[3], {
      userId: "u3",
      itemId: "i3",
      timestamp: 1003,
      eventType: "click",
      eventValue: 1.5,
      impression: ["i3", "x"],
      recommendationId: null,
      metadata: { DEVICE: ["phone", "tv"] },
    });
    assert.deepEqual(read.map((r) => r.itemId), [...lines.slice(1).map((_, i) => `i${i}`), "z"]);
  });
});

Deno.test("creation times: given, else the first interaction, else the latest timestamp", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "INTERACTIONS");
    await createDataset(stores.kv, "g", "ITEMS");
    await importCsv(
      stores,
      "g",
      "ITEMS",
      body("ITEM_ID,CREATION_TIMESTAMP\nold,100\nseen,\nnew,\n"),
    );
    await importCsv(
      stores,
      "g",
      "INTERACTIONS",
      body("USER_ID,ITEM_ID,TIMESTAMP\nu,seen,700\nu,seen,400\nu,old,900\nu,stray,800\n"),
    );
    assert.deepEqual(
      await readCreationTimes(stores, "g"),
      new Map([["old", 100], ["seen", 400], ["new", 900], ["stray", 800]]),
    );
  });
});
