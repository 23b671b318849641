/**
 * The README's start command end to end: `main.ts` seeds the demo models, starts the pool and
 * the gateway, the README's curl request answers through the gateway, and SIGINT stops it all.
 */
import assert from "node:assert/strict";
import { createOipClient } from "./gpu-workers/client/oip_client.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("start: the embedded default serves both demo models and the README example answers", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "edgeml-data-" });
  const gatewayPort = freePort();
  const poolPort = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("./main.ts", import.meta.url).pathname],
    env: {
      EDGEML_DATA_DIR: dataDir,
      EDGEML_GATEWAY_PORT: String(gatewayPort),
      EDGEML_POOL_PORT: String(poolPort),
      EDGEML_GPUS: "none",
      EDGEML_LOG_LEVEL: "error",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let banner = "";
    while (!banner.includes("Ctrl-C stops everything")) {
      const { value, done } = await stdout.read();
      assert.ok(!done, `main.ts exited early: ${banner}`);
      banner += value;
    }
    assert.match(banner, /mlp_large@1, mlp_small@1/);
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    // The README's curl example, verbatim body.
    const res = await fetch(`${gateway}/v2/models/mlp_small/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body:
        '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]}]}',
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.model_name, "mlp_small");
    assert.deepEqual(body.outputs[0].shape, [1, 3]);
    const client = createOipClient(gateway);
    const large = await client.inferBinary("mlp_large", [
      { name: "input", datatype: "FP32", shape: [1, 784], data: new Float32Array(784).fill(0.1) },
    ]);
    assert.deepEqual(large.outputs.probabilities.shape, [1, 10]);
    for (const model of ["mlp_small", "mlp_large"]) {
      const meta = await client.modelMetadata(model);
      assert.equal(meta.parameters?.execution_provider, "cpu");
    }
    // The seeded repository is plain files a user can read.
    const config = JSON.parse(await Deno.readTextFile(`${dataDir}/models/mlp_large/config.json`));
    assert.equal(config.max_batch_size, 64);
    await Deno.stat(`${dataDir}/models/mlp_large/1/model.onnx`);
  } finally {
    child.kill("SIGINT");
    const status = await child.status;
    await stdout.cancel();
    await child.stderr.cancel();
    await Deno.remove(dataDir, { recursive: true });
    assert.equal(status.code, 0);
  }
});
