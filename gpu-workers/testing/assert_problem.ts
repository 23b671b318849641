/** Test helper: runs `fn`, which must throw a ProblemError of this status and code. */
import assert from "node:assert/strict";
import { ProblemError } from "../../shared/http/problem.ts";

export function problemFrom(fn: () => unknown, status: number, code: string): ProblemError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProblemError, `expected a ProblemError, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail("expected a ProblemError to be thrown");
}
