import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveConnection } from "./global_options.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("flags win over the environment", () => {
  const env = envOf({ EDGEML_URL: "http://env:1", EDGEML_ADMIN_TOKEN: "from-env" });
  assert.deepEqual(resolveConnection({ url: "http://flag:2", token: "from-flag" }, env), {
    baseUrl: "http://flag:2",
    adminToken: "from-flag",
  });
  assert.deepEqual(resolveConnection({}, env), { baseUrl: "http://env:1", adminToken: "from-env" });
});

Deno.test("without either, the embedded default's token file under EDGEML_DATA_DIR", () => {
  const dir = Deno.makeTempDirSync({ prefix: "swa-cli-token-" });
  try {
    const env = envOf({ EDGEML_DATA_DIR: dir });
    assert.deepEqual(resolveConnection({}, env), { baseUrl: "http://127.0.0.1:8000" });
    Deno.writeTextFileSync(join(dir, "admin_token"), "file-token\n");
    assert.deepEqual(resolveConnection({}, env), {
      baseUrl: "http://127.0.0.1:8000",
      adminToken: "file-token",
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
