/**
 * A one-line progress bar on stderr. On a terminal it redraws in place (`\r`); elsewhere (a log
 * file, CI) it writes one line per step and nothing for the updates between steps.
 *
 * @example
 * ```ts
 * const bar = createProgressBar(io.stderr);
 * bar.update(0.4, "3/8 files, 1.2 MiB"); // terminal only
 * bar.step(0.5, "4/8 files");            // a line everywhere
 * bar.done();
 * ```
 */
import type { CliOutput } from "./cli_io.ts";

export interface ProgressBar {
  /** Redraws the bar on a terminal; writes nothing elsewhere. */
  update(fraction: number, text: string): void;
  /** Redraws the bar on a terminal; elsewhere writes a line, unless it repeats the last one. */
  step(fraction: number, text: string): void;
  /** Ends the bar's line (call before printing anything else). */
  done(): void;
}

/** `[#####---------------]  25% text`, the fraction clamped to [0, 1]. */
export function renderProgressLine(fraction: number, text: string, width = 20): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(clamped * width);
  const percent = `${Math.floor(clamped * 100)}%`.padStart(4);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}${text ? ` ${text}` : ""}`;
}

export function createProgressBar(out: CliOutput, { width = 20 } = {}): ProgressBar {
  const terminal = out.isTerminal?.() ?? false;
  let drawn = false;
  let lastLine = "";

  function draw(line: string) {
    out.write(`\r${line}\x1b[K`);
    drawn = true;
  }
  return {
    update(fraction, text) {
      if (terminal) draw(renderProgressLine(fraction, text, width));
    },
    step(fraction, text) {
      const line = renderProgressLine(fraction, text, width);
      if (terminal) return draw(line);
      if (line !== lastLine) out.write(line + "\n");
      lastLine = line;
    },
    done() {
      if (drawn) out.write("\n");
      drawn = false;
    },
  };
}
