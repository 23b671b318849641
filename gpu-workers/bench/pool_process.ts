/** Runs the worker pool as its own process (as deployed) and waits until it listens. */
const MAIN = new URL("../main.ts", import.meta.url);
const CONFIG = new URL("../../deno.json", import.meta.url);

export interface PoolProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startPoolProcess(
  repository: string,
  extraArgs: string[] = [],
): Promise<PoolProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--quiet",
      `--config=${CONFIG.pathname}`,
      MAIN.pathname,
      `--repository=${repository}`,
      "--port=0",
      "--log-level=error",
      ...extraArgs,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the pool exited before listening");
    text += value;
    const match = /\{"listening":"([^"]+)"\}/.exec(text);
    if (match) {
      // Nothing else comes on stdout; logs go to stderr.
      lines.cancel().catch(() => {});
      return {
        url: match[1],
        pid: child.pid,
        async stop() {
          child.kill("SIGTERM");
          await child.status;
        },
      };
    }
  }
}
