import assert from "node:assert/strict";
import { rejectsDomainError, withStores } from "@edgeml/shared/testing";
import { createDataset, createDatasetGroup, getDataset } from "../../domain/dataset/mod.ts";
import { readItems, readUsers } from "./dataset_reader.ts";
import { putItems, putUsers } from "./put_records.ts";

const ITEMS = {
  type: "record",
  name: "Items",
  fields: [
    { name: "ITEM_ID", type: "string" },
    { name: "GENRES", type: ["null", "string"], categorical: true },
    { name: "PRICE", type: ["null", "double"] },
  ],
};

Deno.test("PutItems adds and replaces by id; a bad record refuses the call and stores nothing", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await createDataset(stores.kv, "g", "ITEMS", ITEMS);
    await putItems(stores, "g", [
      { itemId: "a", properties: { GENRES: "Drama", PRICE: 3 } },
      { itemId: "b" },
    ]);
    assert.deepEqual(await putItems(stores, "g", [{ itemId: "a", properties: { PRICE: 4.5 } }]), {
      rows: 2,
    });
    const err = await rejectsDomainError(
      putItems(stores, "g", [{ itemId: "c" }, { itemId: "d", properties: { PRICE: "cheap" } }]),
      "invalid",
      "invalid_item_properties",
    );
    assert.deepEqual(err.extra, { index: 1, field: "PRICE" });
    const items = [];
    for await (const item of readItems(stores, "g")) items.push(item);
    assert.deepEqual(items, [
      { itemId: "b", creationTimestamp: null, metadata: { GENRES: null, PRICE: null } },
      { itemId: "a", creationTimestamp: null, metadata: { GENRES: null, PRICE: 4.5 } },
    ]);
    assert.equal((await getDataset(stores.kv, "g", "ITEMS")).rows, 2);
  });
});

Deno.test("PutUsers needs a dataset with a schema", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "g");
    await rejectsDomainError(
      putUsers(stores, "g", [{ userId: "u" }]),
      "not_found",
      "dataset_not_found",
    );
    await createDataset(stores.kv, "g", "USERS");
    await rejectsDomainError(
      putUsers(stores, "g", [{ userId: "u" }]),
      "conflict",
      "dataset_has_no_schema",
    );
    await createDataset(stores.kv, "g", "USERS", {
      type: "record",
      name: "Users",
      fields: [{ name: "USER_ID", type: "string" }, { name: "PLAN", type: ["null", "string"] }],
    });
    await putUsers(stores, "g", [{ userId: "u", properties: { PLAN: "pro" } }]);
    const users = [];
    for await (const user of readUsers(stores, "g")) users.push(user);
    assert.deepEqual(users, [{ userId: "u", metadata: { PLAN: "pro" } }]);
  });
});
