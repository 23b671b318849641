/**
 * The gateway process streams request bodies instead of buffering them: 256 MB sent chunked to
 * an infer route is refused with 413 while the gateway's peak memory grows by less than 64 MB.
 */
import assert from "node:assert/strict";
import { startPoolServer } from "@edgeml/gpu-workers";
import { createFixtureRepository, SMALL } from "@edgeml/gpu-workers/testing";

/** Resident and peak resident memory of a process, in bytes (Linux). */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (field: string) =>
    Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))![1]);
  return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
}

/** Sends `total` bytes as a chunked infer body; resolves with the status line of the answer. */
async function sendChunked(port: number, total: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const encoder = new TextEncoder();
  const answer = (async () => {
    const buf = new Uint8Array(4096);
    let text = "";
    while (!text.includes("\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return text.split("\r\n")[0];
  })();
  let answered = false;
  answer.then(() => (answered = true), () => (answered = true));
  const chunk = new Uint8Array(1 << 20).fill(0x20); // JSON whitespace, 1 MiB
  const frame = (
    bytes: Uint8Array,
  ) => [encoder.encode(bytes.length.toString(16) + "\r\n"), bytes, encoder.encode("\r\n")];
  // conn.write may write part of a buffer: write all of it or the chunked framing breaks.
  const writeAll = async (bytes: Uint8Array) => {
    for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
  };
  try {
    await writeAll(encoder.encode(
      "POST /v2/models/small/infer HTTP/1.1\r\nhost: gateway\r\n" +
        "content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
    ));
    for (let sent = 0; sent < total && !answered; sent += chunk.length) {
      for (const part of frame(chunk)) await writeAll(part);
    }
    if (!answered) await writeAll(encoder.encode("0\r\n\r\n"));
  } catch {
    // The gateway may close the connection once it has answered: that is the point.
  }
  const status = await answer;
  conn.close();
  return status;
}

Deno.test("gateway process: a 256 MB chunked body is a 413 and memory stays flat", async () => {
  const repo = await createFixtureRepository([{ name: "small", config: {}, versions: [SMALL] }]);
  const pool = await startPoolServer({ repository: repo, gpus: [] });
  const gateway = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("./main.ts", import.meta.url).pathname],
    env: {
      EDGEML_POOL_URL: pool.url,
      EDGEML_GATEWAY_PORT: "0",
      EDGEML_LOG_LEVEL: "error",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = gateway.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await lines.read();
      assert.ok(!done, "the gateway exited before listening");
      out += value;
    }
    const port = Number(new URL(JSON.parse(out.split("\n")[0]).listening).port);
    const before = await memory(gateway.pid);
    const status = await sendChunked(port, 256 << 20);
    const after = await memory(gateway.pid);
    assert.match(status, /^HTTP\/1\.1 413/);
    const grown = after.peak - before.rss;
    assert.ok(grown < 64 << 20, `gateway peak RSS grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    gateway.kill("SIGTERM");
    await gateway.status;
    await lines.cancel();
    await pool.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
});
