/** CPU time of processes from /proc (Linux), to show where a benchmark's cycles went. */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The fields of /proc/PID/stat after the command name (index 0 is field 3, the state). */
function statFields(pid: number | "self"): string[] | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far; 0 where /proc is unavailable. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0;
}

/**
 * User + system CPU seconds of this process's children that have exited and been waited for
 * (`cutime + cstime`): how a benchmark charges a load generator it ran as a child process.
 */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields("self");
  return fields ? (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND : 0;
}

/** Pids whose parent is `pid`. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const fields = statFields(Number(entry.name));
      // The process may have ended while we looked.
      if (fields && Number(fields[1]) === pid) children.push(Number(entry.name));
    }
  } catch {
    // No /proc: not Linux.
  }
  return children;
}

/** `pid` and all its descendants (worker processes of worker processes included). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const fields = statFields(Number(entry.name));
      if (!fields) continue;
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry.name)]);
    }
  } catch {
    // No /proc: not Linux.
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** Whether `pid` is alive (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== "Z";
}

/**
 * CPU seconds the whole machine has been busy so far, all cores: `tasks` (user, nice, system,
 * steal: what processes are charged, plus what the hypervisor took) and `interrupts` (irq and
 * softirq: loopback TCP is mostly softirq, charged to no process). Zeros without /proc.
 */
export function machineCpuSeconds(): { tasks: number; interrupts: number } {
  try {
    const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/)
      .slice(1).map(Number);
    return {
      tasks: (user + nice + system + (steal || 0)) / TICKS_PER_SECOND,
      interrupts: (irq + softirq) / TICKS_PER_SECOND,
    };
  } catch {
    return { tasks: 0, interrupts: 0 };
  }
}
