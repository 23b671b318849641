import assert from "node:assert/strict";
import { createFailureBackoff } from "./failure_backoff.ts";

Deno.test("failure backoff: a failed key rests for backoffMs, a success clears it", () => {
  let clock = 0;
  const backoff = createFailureBackoff({ backoffMs: 100, now: () => clock });
  assert.equal(backoff.resting("m@1"), false);
  backoff.failed("m@1");
  assert.equal(backoff.resting("m@1"), true);
  assert.equal(backoff.resting("m@2"), false);
  clock = 99;
  assert.equal(backoff.resting("m@1"), true);
  clock = 100;
  assert.equal(backoff.resting("m@1"), false);
  backoff.failed("m@1");
  backoff.succeeded("m@1");
  assert.equal(backoff.resting("m@1"), false);
});
