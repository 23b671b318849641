/**
 * The CLI's exit codes and where it writes, run in-process. Calls that reach the network go to
 * a port nothing listens on; the service itself is exercised end to end elsewhere.
 */
import assert from "node:assert/strict";
import { runCli } from "./swa_cli.ts";

function captured() {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (text: string) => void (out.stdout += text) },
    stderr: { write: (text: string) => void (out.stderr += text) },
  };
  return { out, io };
}

function closedPortUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

Deno.test("help prints the usage on stdout, exit 0", async () => {
  const { out, io } = captured();
  assert.equal(await runCli(["help"], io), 0);
  assert.match(out.stdout, /^usage: deno task swa <command>/);
  for (const name of ["create", "upload", "finalize", "predict", "evaluate", "delete-version"]) {
    assert.match(out.stdout, new RegExp(`\\n  ${name} `));
  }
  assert.equal(out.stderr, "");
});

Deno.test("an unknown command or flag: the error and usage on stderr, exit 2", async () => {
  for (const args of [["train"], ["models", "--verbose"], ["create", "m", "--task", "ranking"]]) {
    const { out, io } = captured();
    assert.equal(await runCli([...args, "--url", closedPortUrl()], io), 2, args.join(" "));
    assert.match(out.stderr, /^error: .+\n\nusage: /);
    assert.equal(out.stdout, "");
  }
});

Deno.test("a service that cannot be reached: one error line, exit 1", async () => {
  const { out, io } = captured();
  assert.equal(await runCli(["models", "--url", closedPortUrl()], io), 1);
  assert.match(out.stderr, /^error: .+\n$/);
  assert.equal(out.stdout, "");
});

Deno.test("a missing input file: one error line naming nothing sent, exit 1", async () => {
  const { out, io } = captured();
  const args = ["predict", "m", "--input", "/nonexistent/rows.json", "--url", closedPortUrl()];
  assert.equal(await runCli(args, io), 1);
  assert.match(out.stderr, /^error: .*rows\.json/);
});
