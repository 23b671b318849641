import assert from "node:assert/strict";
import type { Command } from "./command.ts";
import { parseCommandLine } from "./command_line.ts";
import { UsageError } from "./usage_error.ts";

const command = (options: Command["options"], positionals: Command["positionals"]): Command => ({
  usage: "",
  summary: "",
  options,
  positionals,
  run: () => Promise.resolve(),
});
const commands = {
  predict: command({ input: { type: "string" }, mode: { type: "string" } }, { min: 1 }),
  upload: command({}, { min: 3, max: Infinity }),
};

Deno.test("global options before or after the command; the command's flags after it", () => {
  const line = parseCommandLine(
    ["--url", "http://swa:1", "predict", "mlp", "--input", "-", "--token=t"],
    commands,
  );
  assert.ok(!line.help);
  assert.equal(line.name, "predict");
  assert.deepEqual(line.input.positionals, ["mlp"]);
  assert.deepEqual({ ...line.input.values }, { url: "http://swa:1", input: "-", token: "t" });
});

Deno.test("help: the help command, --help alone or after a command", () => {
  for (const args of [["help"], ["--help"], ["-h"], ["predict", "--help"]]) {
    assert.deepEqual(parseCommandLine(args, commands), { help: true }, args.join(" "));
  }
});

Deno.test("variadic positionals", () => {
  const line = parseCommandLine(["upload", "m", "r", "a.onnx", "b.onnx"], commands);
  assert.ok(!line.help);
  assert.deepEqual(line.input.positionals, ["m", "r", "a.onnx", "b.onnx"]);
});

Deno.test("usage errors: none, unknown command, unknown flag, missing value, argument count", () => {
  const bad = [
    [],
    ["--url", "http://x"],
    ["train", "m"],
    ["toString"],
    ["predict", "m", "--bogus"],
    ["predict", "m", "--input"],
    ["predict"],
    ["predict", "a", "b"],
    ["upload", "m", "r"],
  ];
  for (const args of bad) {
    assert.throws(() => parseCommandLine(args, commands), UsageError, args.join(" "));
  }
});
