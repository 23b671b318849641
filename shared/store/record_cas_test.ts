import assert from "node:assert/strict";
import { withStores } from "../testing/temp_stores.ts";
import { insertRecord, updateRecord } from "./record_cas.ts";

const missing = () => new Error("missing");
const busy = () => new Error("busy");

Deno.test("insertRecord creates once; updateRecord lands every concurrent change", async () => {
  await withStores(async ({ kv }) => {
    await insertRecord(kv, ["r"], { n: 0 }, () => new Error("exists"));
    await assert.rejects(insertRecord(kv, ["r"], { n: 9 }, () => new Error("exists")), /exists/);
    await Promise.all(
      Array.from(
        { length: 40 },
        () => updateRecord<{ n: number }>(kv, ["r"], (r) => ({ n: r.n + 1 }), { missing, busy }),
      ),
    );
    assert.deepEqual((await kv.get(["r"])).value, { n: 40 });
    await assert.rejects(updateRecord(kv, ["none"], (r) => r, { missing, busy }), /missing/);
    // A change that refuses writes nothing.
    await assert.rejects(
      updateRecord(kv, ["r"], () => {
        throw new Error("refused");
      }, { missing, busy }),
      /refused/,
    );
    assert.deepEqual((await kv.get(["r"])).value, { n: 40 });
  });
});
