/** Worker processes never outlive the pool that started them, however it dies. */
import assert from "node:assert/strict";
import { createFixtureRepository, SMALL } from "../testing/fixture_repository.ts";
import { processGone, untilProcessesGone, within } from "../testing/waits.ts";

const PARENT = new URL("../testing/pool_parent.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** Reads the child's stdout up to its first line. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    const end = text.indexOf("\n");
    if (end >= 0) return text.slice(0, end);
  }
  return text;
}

Deno.test({
  name: "worker processes exit by themselves when the pool's process is killed with SIGKILL",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const repo = await createFixtureRepository([{
      name: "small",
      config: { max_batch_size: 8 },
      versions: [SMALL],
    }]);
    const parent = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--quiet", `--config=${CONFIG}`, PARENT, repo],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      const line = await within(firstLine(parent.stdout), 60_000, "the pool to start");
      const { workers } = JSON.parse(line) as { workers: number[] };
      assert.equal(workers.length, 2);
      assert.ok(workers.every((pid) => !processGone(pid)), "the workers run");

      parent.kill("SIGKILL");
      assert.equal((await parent.status).signal, "SIGKILL");
      await untilProcessesGone(workers, { timeoutMs: 20_000 });
    } finally {
      try {
        parent.kill("SIGKILL");
      } catch {
        // Already dead.
      }
      await parent.status;
      await Deno.remove(repo, { recursive: true });
    }
  },
});
