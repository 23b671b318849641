/**
 * Where the CLI writes: stdout for results, stderr for progress and errors. `runCli` takes these
 * so that a test (or another program) can run it in-process and read what it printed.
 */

export interface CliOutput {
  write(text: string): void;
  /** Whether this is a terminal (progress bars redraw in place only there); default false. */
  isTerminal?(): boolean;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** The whole of standard input, for `--input -` (default: Deno's stdin). */
  readStdin?(): Promise<string>;
}

/** The process's own stdout, stderr and stdin. */
export function processIo(): CliIo {
  return {
    stdout: denoOutput(Deno.stdout),
    stderr: denoOutput(Deno.stderr),
    readStdin: () => new Response(Deno.stdin.readable).text(),
  };
}

function denoOutput(stream: typeof Deno.stdout): CliOutput {
  const encoder = new TextEncoder();
  return {
    write(text) {
      const bytes = encoder.encode(text);
      for (let written = 0; written < bytes.length;) {
        written += stream.writeSync(bytes.subarray(written));
      }
    },
    isTerminal: () => stream.isTerminal(),
  };
}
