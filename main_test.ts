/**
 * The README's start command end to end: `main.ts` seeds the demo models, starts the pool and
 * the gateway, the README's curl request answers through the gateway; SIGINT stops it all, a
 * signal to a launcher above it stops it all, and SIGKILL leaves no worker process behind.
 */
import assert from "node:assert/strict";
import { createOipClient } from "@edgeml/gpu-workers/client";
import { freePort, waitForBanner } from "@edgeml/gateway/testing";

/** Every live descendant of `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry.name)]);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      visit(c);
    }
  };
  visit(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Waits (bounded) until every pid has exited; returns those still alive at the deadline. */
async function exited(pids: number[], timeoutMs = 20_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return pids.filter(alive);
}

interface Started {
  child: Deno.ChildProcess;
  gateway: string;
  banner: string;
  dataDir: string;
  /** The main.ts process (the child itself, or the child's child under a wrapper). */
  mainPid: number;
}

const WRAPPER = `const c = new Deno.Command(Deno.execPath(), { args: Deno.args }).spawn();
Deno.exit((await c.status).code);`;

/** Starts main.ts (under a `deno` wrapper that forwards no signal, as npx does, if asked). */
async function start(
  { wrapped = false, isolation = "thread" }: { wrapped?: boolean; isolation?: string } = {},
): Promise<Started> {
  const dataDir = await Deno.makeTempDir({ prefix: "edgeml-data-" });
  const gatewayPort = freePort();
  const main = ["run", "--allow-all", new URL("./main.ts", import.meta.url).pathname];
  const child = new Deno.Command(Deno.execPath(), {
    args: wrapped ? ["eval", WRAPPER, ...main] : main,
    env: {
      EDGEML_DATA_DIR: dataDir,
      EDGEML_GATEWAY_PORT: String(gatewayPort),
      EDGEML_POOL_PORT: String(freePort()),
      EDGEML_GPUS: "none",
      EDGEML_LOG_LEVEL: "error",
      EDGEML_ISOLATION: isolation,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const banner = await waitForBanner(child);
  const mainPid = wrapped ? descendants(child.pid)[0] : child.pid;
  return { child, gateway: `http://127.0.0.1:${gatewayPort}`, banner, dataDir, mainPid };
}

async function cleanUp({ child, dataDir }: Started) {
  try {
    child.kill("SIGKILL");
  } catch {
    // already gone
  }
  await child.status;
  await Deno.remove(dataDir, { recursive: true });
}

Deno.test("start: the embedded default serves both demo models and the README example answers", async () => {
  const started = await start();
  const { child, gateway, banner, dataDir } = started;
  try {
    assert.match(banner, /mlp_large@1, mlp_small@1/);
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
    // The admin token is generated once, kept 0600 under data/, printed once, and guards the
    // repository routes.
    const token = (await Deno.readTextFile(`${dataDir}/admin_token`)).trim();
    assert.equal((await Deno.stat(`${dataDir}/admin_token`)).mode! & 0o777, 0o600);
    assert.ok(banner.includes(token));
    const anonymous = await fetch(`${gateway}/v2/repository/index`, { method: "POST" });
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const admitted = await fetch(`${gateway}/v2/repository/index`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(admitted.status, 200);
    await admitted.body?.cancel();
    // The seeded repository is plain files a user can read.
    const config = await Deno.readTextFile(`${dataDir}/models/mlp_large/config.pbtxt`);
    assert.match(config, /^max_batch_size: 64$/m);
    await Deno.stat(`${dataDir}/models/mlp_large/1/model.onnx`);

    const tree = descendants(child.pid);
    child.kill("SIGINT");
    assert.equal((await child.status).code, 0);
    assert.deepEqual(await exited(tree), [], "processes left after SIGINT");
    const again = await fetch(`${gateway}/healthz`).then(() => "answered", () => "refused");
    assert.equal(again, "refused");
  } finally {
    await cleanUp(started);
  }
});

Deno.test("start: SIGTERM to a launcher that forwards no signal (as npx) stops everything", async () => {
  const started = await start({ wrapped: true });
  try {
    const tree = [started.mainPid, ...descendants(started.mainPid)];
    started.child.kill("SIGTERM");
    await started.child.status;
    assert.deepEqual(await exited(tree), [], "main.ts or its workers outlived the launcher");
  } finally {
    await cleanUp(started);
  }
});

Deno.test("start: with process isolation, when main.ts is SIGKILLed its worker processes exit by themselves", async () => {
  const started = await start({ isolation: "process" });
  try {
    const workers = descendants(started.child.pid);
    assert.ok(workers.length > 0, "the pool runs worker processes");
    started.child.kill("SIGKILL");
    await started.child.status;
    assert.deepEqual(await exited(workers), [], "worker processes outlived main.ts");
  } finally {
    await cleanUp(started);
  }
});
