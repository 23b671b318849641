import assert from "node:assert/strict";
import { openStores, tenantStores } from "./stores.ts";
import { startS3Double } from "./testing/s3_double.ts";

Deno.test("openStores: the embedded default is a KV file and an artifact folder; views per tenant", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stores-" });
  try {
    const env: Record<string, string> = {
      EDGEML_KV: `${dir}/data/kv.sqlite3`,
      EDGEML_ARTIFACTS: `${dir}/data/artifacts`,
    };
    const stores = await openStores({ env: (name) => env[name] });
    try {
      const { kv, artifacts } = tenantStores(stores, "default");
      await kv.set(["hello"], "world");
      await artifacts.put("hello.txt", new TextEncoder().encode("world"));
      assert.equal((await stores.kv.get(["default", "hello"])).value, "world");
      assert.equal(await Deno.readTextFile(`${dir}/data/artifacts/default/hello.txt`), "world");
      assert.ok((await Deno.stat(`${dir}/data/kv.sqlite3`)).isFile);
    } finally {
      stores.kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openStores: s3://bucket/prefix selects the S3 store, configured from the AWS variables", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stores-" });
  const credentials = {
    bucket: "artifacts",
    region: "eu-west-1",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "secret",
  };
  await using double = startS3Double(credentials);
  try {
    const env: Record<string, string> = {
      EDGEML_KV: `${dir}/kv.sqlite3`,
      EDGEML_ARTIFACTS: "s3://artifacts/edgeml",
      EDGEML_S3_FORCE_PATH_STYLE: "true",
      AWS_ENDPOINT_URL_S3: double.endpoint,
      AWS_REGION: credentials.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
    const stores = await openStores({ env: (name) => env[name] });
    try {
      await tenantStores(stores, "default").artifacts.put("a.txt", new Uint8Array([1]));
      assert.deepEqual([...double.objects.keys()], ["edgeml/default/a.txt"]);
    } finally {
      stores.kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
