import assert from "node:assert/strict";
import { DomainError, invalid, unavailable } from "../errors/domain_error.ts";
import { assertProblem, domainErrorFrom, rejectsDomainError } from "./problem_assertions.ts";

const problem = (
  status: number,
  body: Record<string, unknown>,
  type = "application/problem+json",
) => new Response(JSON.stringify(body), { status, headers: { "content-type": type } });

Deno.test("assertProblem returns the body of a matching problem response", async () => {
  const body = await assertProblem(
    problem(404, {
      status: 404,
      code: "model_not_found",
      detail: "no model 'x'",
      title: "Not Found",
    }),
    404,
    "model_not_found",
  );
  assert.equal(body.detail, "no model 'x'");
  await assertProblem(Promise.resolve(problem(400, { status: 400, code: "c" })), 400, "c");
});

Deno.test("assertProblem fails on another status, code or media type", async () => {
  const body = { status: 400, code: "bad_shape" };
  await assert.rejects(assertProblem(problem(400, body), 422, "bad_shape"), assert.AssertionError);
  await assert.rejects(assertProblem(problem(400, body), 400, "other"), assert.AssertionError);
  await assert.rejects(
    assertProblem(problem(400, body, "application/json"), 400, "bad_shape"),
    assert.AssertionError,
  );
  await assert.rejects(
    assertProblem(problem(400, { status: 500, code: "bad_shape" }), 400, "bad_shape"),
    assert.AssertionError,
  );
});

Deno.test("domainErrorFrom returns the thrown DomainError of that kind and code", () => {
  const err = domainErrorFrom(
    () => {
      throw invalid("bad_shape", "input must have 3 dims", { extra: { given: 2 } });
    },
    "invalid",
    "bad_shape",
  );
  assert.deepEqual(err.extra, { given: 2 });
  assert.throws(
    () =>
      domainErrorFrom(
        () => {
          throw invalid("bad_shape", "x");
        },
        "unprocessable",
        "bad_shape",
      ),
    assert.AssertionError,
  );
  assert.throws(() => domainErrorFrom(() => 1, "invalid", "bad_shape"), assert.AssertionError);
  assert.throws(
    () =>
      domainErrorFrom(
        () => {
          throw new Error("plain");
        },
        "invalid",
        "bad_shape",
      ),
    assert.AssertionError,
  );
});

Deno.test("rejectsDomainError checks a rejected promise or the promise a function returns", async () => {
  const err = await rejectsDomainError(
    Promise.reject(unavailable("queue_full", "full", { retryAfterSeconds: 1 })),
    "unavailable",
    "queue_full",
  );
  assert.ok(err instanceof DomainError);
  assert.equal(err.retryAfterSeconds, 1);
  await rejectsDomainError(() => Promise.reject(invalid("c", "d")), "invalid", "c");
  await assert.rejects(
    rejectsDomainError(Promise.resolve(1), "invalid", "c"),
    assert.AssertionError,
  );
});
