/**
 * The open-loop generator (`open_loop.ts`) as a child process of the benchmark, so that its
 * sends and timers do not share an event loop with the benchmark or the server: plans go down
 * its stdin, results come back on its stdout, one JSON line each.
 */
import type { OpenLoopPlan, OpenLoopResult } from "./open_loop.ts";

export type { OpenLoopCall, OpenLoopPlan, OpenLoopResult } from "./open_loop.ts";

export interface OpenLoopProcess {
  run(plan: OpenLoopPlan): Promise<OpenLoopResult>;
  /** Closes its stdin (it exits when it has no more plans) and waits for it. */
  stop(): Promise<void>;
}

const SCRIPT = new URL("./open_loop.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

export function startOpenLoopProcess(): OpenLoopProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--quiet", `--config=${CONFIG}`, SCRIPT],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const encoder = new TextEncoder();
  let buffered = "";

  async function nextLine(): Promise<string> {
    for (;;) {
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return line;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the load generator exited");
      buffered += value;
    }
  }

  return {
    async run(plan) {
      await writer.write(encoder.encode(JSON.stringify(plan) + "\n"));
      const answer = JSON.parse(await nextLine());
      if ("failed" in answer) throw new Error(`load generator: ${answer.failed}`);
      return answer as OpenLoopResult;
    },
    async stop() {
      await writer.close().catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      const exited = await Promise.race([
        child.status.then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000))),
      ]);
      clearTimeout(timer);
      if (!exited) {
        child.kill("SIGTERM");
        await child.status;
      }
      await reader.cancel().catch(() => {});
    },
  };
}
