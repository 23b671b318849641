import assert from "node:assert/strict";
import { rejectsDomainError, withStores } from "@edgeml/shared/testing";
import {
  adoptSchema,
  createDataset,
  createDatasetGroup,
  datasetSchema,
  getDataset,
  listDatasets,
  updateDataset,
} from "./catalog.ts";
import { inferSchema } from "./infer_schema.ts";

const USERS = {
  type: "record",
  name: "Users",
  fields: [{ name: "USER_ID", type: "string" }, { name: "AGE", type: ["null", "int"] }],
};

Deno.test("groups hold one dataset per type, each with its checked schema", async () => {
  await withStores(async ({ kv }) => {
    await createDatasetGroup(kv, "movies", new Date("2025-01-01T00:00:00Z"));
    await rejectsDomainError(createDatasetGroup(kv, "movies"), "conflict", "dataset_group_exists");
    await rejectsDomainError(createDatasetGroup(kv, "../x"), "invalid", "invalid_name");
    await rejectsDomainError(
      getDataset(kv, "nope", "USERS"),
      "not_found",
      "dataset_group_not_found",
    );
    await rejectsDomainError(getDataset(kv, "movies", "USERS"), "not_found", "dataset_not_found");
    await rejectsDomainError(
      createDataset(kv, "movies", "USERS", { type: "record", name: "U", fields: [] }),
      "unprocessable",
      "invalid_schema",
    );
    const users = await createDataset(kv, "movies", "USERS", USERS);
    assert.equal(users.rows, 0);
    assert.equal(datasetSchema(users)?.fields[1].type, "int");
    await createDataset(kv, "movies", "INTERACTIONS");
    assert.equal(datasetSchema(await getDataset(kv, "movies", "INTERACTIONS")), undefined);
    assert.deepEqual((await listDatasets(kv, "movies")).map((d) => d.datasetType), [
      "INTERACTIONS",
      "USERS",
    ]);
  });
});

Deno.test("a schema may change until the dataset holds rows; an inferred one never replaces one", async () => {
  await withStores(async ({ kv }) => {
    await createDatasetGroup(kv, "g");
    await createDataset(kv, "g", "USERS");
    const inferred = await adoptSchema(kv, "g", inferSchema("USERS", ["USER_ID", "CITY"]));
    assert.deepEqual(inferred.fields.map((f) => f.name), ["USER_ID", "CITY"]);
    const again = await adoptSchema(kv, "g", inferSchema("USERS", ["USER_ID"]));
    assert.deepEqual(again.fields.map((f) => f.name), ["USER_ID", "CITY"]);
    await createDataset(kv, "g", "USERS", USERS); // no rows yet: replaced
    await updateDataset(kv, "g", "USERS", (r) => ({ ...r, rows: 3 }));
    await createDataset(kv, "g", "USERS", USERS); // same schema: fine
    await rejectsDomainError(createDataset(kv, "g", "USERS"), "conflict", "dataset_has_rows");
  });
});
