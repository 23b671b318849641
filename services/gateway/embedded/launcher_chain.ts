/**
 * The processes that launched this one (`npx` → `sh -c` → `deno task` → `main.ts`), so the
 * launcher can stop when any of them goes. `deno task` passes SIGINT/SIGTERM on to its child,
 * but `npx` does not: a signal to the npx process ends it and leaves the rest running. Watching
 * the chain makes a signal to any process of it stop everything, and so does SIGKILL to one.
 *
 * Linux reads `/proc`; elsewhere the chain is empty and only direct signals stop the launcher.
 */

/** The fields of `/proc/<pid>/stat` we need. */
interface ProcStat {
  pid: number;
  /** The executable's name, at most 15 characters (`deno`, `node`, `sh`, `npm exec deno t`). */
  comm: string;
  ppid: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // comm is parenthesised and may itself contain spaces or parentheses: split at the last ")".
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const [_state, ppid] = text.slice(close + 2).split(" ");
  return { pid, comm, ppid: Number(ppid) };
}

const LAUNCHERS = /^(deno|node|npm|npx)/;

/** True when `stat` is a launcher: Deno, Node (npx/npm) or a `sh` that one of them started. */
function isLauncher(stat: ProcStat): boolean {
  if (LAUNCHERS.test(stat.comm)) return true;
  if (stat.comm !== "sh") return false;
  const parent = readStat(stat.ppid);
  return parent !== undefined && LAUNCHERS.test(parent.comm);
}

/** This process's launcher ancestors, nearest first; stops at the first that is not one. */
export function launcherChain(pid = Deno.pid): number[] {
  const chain: number[] = [];
  let stat = readStat(pid);
  while (stat && stat.ppid > 1) {
    const parent = readStat(stat.ppid);
    if (!parent || !isLauncher(parent)) break;
    chain.push(parent.pid);
    stat = parent;
  }
  return chain;
}

/**
 * Calls `onGone` once, when any process of `chain` has exited (checked every `intervalMs`).
 * The timer does not keep the process alive. Returns a function that stops watching.
 *
 * @example
 * ```ts
 * watchLauncherChain(launcherChain(), () => stop("a launcher process exited"));
 * ```
 */
export function watchLauncherChain(
  chain: readonly number[],
  onGone: (pid: number) => void,
  intervalMs = 250,
): () => void {
  if (chain.length === 0) return () => {};
  const timer = setInterval(() => {
    const gone = chain.find((pid) => readStat(pid) === undefined);
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, intervalMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
