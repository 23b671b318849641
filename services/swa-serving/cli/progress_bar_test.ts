import assert from "node:assert/strict";
import { createProgressBar, renderProgressLine } from "./progress_bar.ts";

function recorder(terminal: boolean) {
  const writes: string[] = [];
  return {
    writes,
    out: { write: (text: string) => writes.push(text), isTerminal: () => terminal },
  };
}

Deno.test("renders the filled share of the width and the whole percent", () => {
  assert.equal(renderProgressLine(0, "queued", 10), "[----------]   0% queued");
  assert.equal(renderProgressLine(0.25, "", 8), "[##------]  25%");
  assert.equal(renderProgressLine(0.999, "x", 10), "[#########-]  99% x");
  assert.equal(renderProgressLine(1, "done", 4), "[####] 100% done");
});

Deno.test("clamps fractions outside [0, 1] and reads NaN as 0", () => {
  assert.equal(renderProgressLine(1.5, "", 4), "[####] 100%");
  assert.equal(renderProgressLine(-1, "", 4), "[----]   0%");
  assert.equal(renderProgressLine(NaN, "", 4), "[----]   0%");
});

Deno.test("on a terminal every update and step redraws the line in place", () => {
  const { writes, out } = recorder(true);
  const bar = createProgressBar(out, { width: 4 });
  bar.update(0.5, "a");
  bar.step(1, "b");
  bar.done();
  assert.deepEqual(writes, ["\r[##--]  50% a\x1b[K", "\r[####] 100% b\x1b[K", "\n"]);
});

Deno.test("elsewhere only steps are written, one line each, repeats skipped", () => {
  const { writes, out } = recorder(false);
  const bar = createProgressBar(out, { width: 4 });
  bar.update(0.1, "bytes");
  bar.step(0.5, "1/2");
  bar.step(0.5, "1/2");
  bar.step(1, "2/2");
  bar.done();
  assert.deepEqual(writes, ["[##--]  50% 1/2\n", "[####] 100% 2/2\n"]);
});

Deno.test("done writes nothing when nothing was drawn", () => {
  const { writes, out } = recorder(true);
  createProgressBar(out).done();
  assert.deepEqual(writes, []);
});
