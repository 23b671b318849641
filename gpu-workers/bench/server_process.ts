/**
 * Starts a benchmark server as its own Deno process on a free port (each server binds port 0
 * and prints one JSON line of its URLs on stdout), and stops it with everything it started.
 */
import { isAlive, processTree } from "./cpu_usage.ts";

const CONFIG = new URL("../../deno.json", import.meta.url);

export interface ServerProcess {
  name: string;
  pid: number;
  /** The JSON line the server printed: its URLs by role (`listening`, `pool`, `gateway`). */
  urls: Record<string, string>;
  /** The process and its descendants (worker processes), now. */
  tree(): number[];
  /** SIGTERM, then SIGKILL to whatever of its tree is still alive after `graceMs`. */
  stop(graceMs?: number): Promise<{ forced: number[] }>;
}

export interface StartOptions {
  /** Marks the command line (`--bench-tag=…`) so `pgrep -f` can find leftovers. */
  tag: string;
  startTimeoutMs?: number;
}

export async function startServerProcess(
  name: string,
  script: URL,
  args: string[],
  { tag, startTimeoutMs = 120_000 }: StartOptions,
): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--quiet",
      `--config=${CONFIG.pathname}`,
      script.pathname,
      ...args,
      `--bench-tag=${tag}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let seen = new Set<number>([child.pid]);
  const remember = () => {
    const tree = processTree(child.pid);
    for (const pid of tree) seen.add(pid);
    return tree;
  };
  const stop = async (graceMs = 15_000) => {
    remember();
    const forced: number[] = [];
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!exited) {
      forced.push(child.pid);
      child.kill("SIGKILL");
      await child.status;
    }
    // Worker processes get a moment to notice that their parent is gone, then are killed.
    for (const pid of seen) {
      if (pid === child.pid) continue;
      for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (isAlive(pid)) {
        forced.push(pid);
        Deno.kill(pid, "SIGKILL");
      }
    }
    seen = new Set();
    return { forced };
  };

  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), startTimeoutMs);
  });
  const exited = child.status.then((s) => s);
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timeout, exited]);
      if (next === "timeout") throw new Error(`${name} did not start in ${startTimeoutMs} ms`);
      if ("success" in next) throw new Error(`${name} exited (code ${next.code}) before listening`);
      if (next.done) throw new Error(`${name} closed its stdout before listening`);
      text += next.value;
      const line = text.split("\n").find((l) => l.trim().startsWith("{") && l.includes("http"));
      if (!line) continue;
      clearTimeout(timer);
      const urls = JSON.parse(line) as Record<string, string>;
      // Nothing else is expected on stdout; keep draining it so the pipe never fills.
      (async () => {
        try {
          while (!(await reader.read()).done) { /* drain */ }
        } catch { /* closed */ }
      })();
      remember();
      return { name, pid: child.pid, urls, tree: remember, stop };
    }
  } catch (e) {
    clearTimeout(timer);
    await stop(2000);
    throw e;
  }
}

/** Pids of processes whose command line contains `tag` (none once every server has stopped). */
export async function pgrep(tag: string): Promise<number[]> {
  try {
    const out = await new Deno.Command("pgrep", { args: ["-f", tag], stdout: "piped" }).output();
    return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map(Number)
      .filter((pid) => pid !== Deno.pid);
  } catch {
    return [];
  }
}

/** Polls `probe` until it resolves true, or throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = "";
  while (performance.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (e) {
      last = String((e as Error).message ?? e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms ${last ? `(${last})` : ""}`);
}
