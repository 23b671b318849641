/**
 * The one set of test assertions for errors: a problem+json response at the edge, a
 * `DomainError` thrown (or rejected) below it.
 *
 * @example
 * ```ts
 * const body = await assertProblem(await app.request("/v2/models/x"), 404, "model_not_found");
 * const err = domainErrorFrom(() => tensorFromJson(input), "invalid", "missing_tensor_data");
 * await rejectsDomainError(batcher.submit(job, 1), "unavailable", "queue_full");
 * ```
 * @module
 */
import assert from "node:assert/strict";
import type { Problem } from "../contracts/mod.ts";
import { DomainError, type DomainErrorKind } from "../errors/domain_error.ts";

/**
 * Checks that `res` is an `application/problem+json` response with this status and `code`
 * (and a `status` member equal to it); returns the parsed body.
 */
export async function assertProblem(
  res: Response | Promise<Response>,
  status: number,
  code: string,
): Promise<Problem> {
  const response = await res;
  const text = await response.text();
  const context = `${response.status} ${text.slice(0, 500)}`;
  assert.equal(response.status, status, context);
  assert.equal(
    response.headers.get("content-type")?.split(";")[0].trim(),
    "application/problem+json",
    context,
  );
  const body = JSON.parse(text) as Problem;
  assert.equal(body.code, code, context);
  assert.equal(body.status, status, context);
  return body;
}

function checkDomainError(err: unknown, kind: DomainErrorKind, code: string): DomainError {
  assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
  assert.equal(err.code, code, err.detail);
  assert.equal(err.kind, kind, err.detail);
  return err;
}

/** Runs `fn`, which must throw a `DomainError` of this kind and code; returns the error. */
export function domainErrorFrom(
  fn: () => unknown,
  kind: DomainErrorKind,
  code: string,
): DomainError {
  try {
    fn();
  } catch (err) {
    return checkDomainError(err, kind, code);
  }
  assert.fail(`expected a DomainError ${kind}/${code} to be thrown`);
}

/** Awaits `promise`, which must reject with a `DomainError` of this kind and code; returns it. */
export async function rejectsDomainError(
  promise: Promise<unknown> | (() => Promise<unknown>),
  kind: DomainErrorKind,
  code: string,
): Promise<DomainError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (err) {
    return checkDomainError(err, kind, code);
  }
  assert.fail(`expected a rejection with DomainError ${kind}/${code}`);
}
