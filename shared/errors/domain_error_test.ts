import assert from "node:assert/strict";
import { DomainError, invalid, unavailable } from "./domain_error.ts";

Deno.test("a factory fixes the kind and keeps code, detail and extras", () => {
  const err = invalid("bad_shape", "input must have 3 dims", { extra: { dims: 2 } });
  assert.ok(err instanceof DomainError);
  assert.ok(err instanceof Error);
  assert.equal(err.kind, "invalid");
  assert.equal(err.code, "bad_shape");
  assert.equal(err.message, "input must have 3 dims");
  assert.deepEqual(err.extra, { dims: 2 });
});

Deno.test("an unavailable error carries when to retry", () => {
  const err = unavailable("queue_full", "the queue is full", { retryAfterSeconds: 0.2 });
  assert.equal(err.kind, "unavailable");
  assert.equal(err.retryAfterSeconds, 0.2);
});
