import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod";
import { DomainError, type DomainErrorKind } from "../errors/domain_error.ts";
import { redactPaths } from "../errors/redact_paths.ts";
import { getRequestId, getRequestIdHeader, markRequestIdEchoed } from "./request_id.ts";

/** Extension members added to a problem body (RFC 9457 §3.2). */
export type ProblemExtra = Record<string, unknown>;

/** Constructor options of {@link ProblemError}. */
export interface ProblemInit {
  status: ContentfulStatusCode;
  /** Stable snake_case identifier clients may switch on, e.g. `body_too_large`. */
  code: string;
  detail: string;
  title?: string;
  extra?: ProblemExtra;
  headers?: Record<string, string>;
}

const STATUS: Record<number, [title: string, code: string]> = {
  400: ["Bad Request", "bad_request"],
  401: ["Unauthorized", "unauthorized"],
  403: ["Forbidden", "forbidden"],
  404: ["Not Found", "not_found"],
  405: ["Method Not Allowed", "method_not_allowed"],
  408: ["Request Timeout", "request_timeout"],
  409: ["Conflict", "conflict"],
  413: ["Content Too Large", "body_too_large"],
  415: ["Unsupported Media Type", "unsupported_media_type"],
  422: ["Unprocessable Content", "unprocessable_content"],
  429: ["Too Many Requests", "too_many_requests"],
  500: ["Internal Server Error", "internal_error"],
  502: ["Bad Gateway", "bad_gateway"],
  503: ["Service Unavailable", "service_unavailable"],
  504: ["Gateway Timeout", "gateway_timeout"],
};

/**
 * An error rendered as an RFC 9457 `application/problem+json` response.
 *
 * It extends Hono's `HTTPException` (hence `Error`) so that Hono middleware expecting one
 * (`hono/timeout`) accepts it and Hono's default error handler renders it via `getResponse()`.
 *
 * @example
 * ```ts
 * throw new ProblemError({ status: 409, code: "model_busy", detail: "model is loading" });
 * ```
 */
export class ProblemError extends HTTPException {
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly extra?: ProblemExtra;
  readonly headers?: Record<string, string>;

  constructor({ status, code, detail, title, extra, headers }: ProblemInit) {
    super(status, { message: detail });
    this.name = "ProblemError";
    this.code = code;
    this.title = title ?? STATUS[status]?.[0] ?? "Error";
    this.detail = detail;
    this.extra = extra;
    this.headers = headers;
  }

  override getResponse(): Response {
    return problemResponse(this);
  }
}

/** Shorthand constructor for a problem with a fixed status. */
export type ProblemFactory = (code: string, detail: string, extra?: ProblemExtra) => ProblemError;

const make = (status: ContentfulStatusCode): ProblemFactory => (code, detail, extra) =>
  new ProblemError({ status, code, detail, extra });

/** 400 Bad Request. @example `throw badRequest("bad_shape", "input must have 3 dims")` */
export const badRequest: ProblemFactory = make(400);
/** 404 Not Found. */
export const notFound: ProblemFactory = make(404);
/** 409 Conflict. */
export const conflict: ProblemFactory = make(409);
/** 413 Content Too Large. */
export const payloadTooLarge: ProblemFactory = make(413);
/** 415 Unsupported Media Type. */
export const unsupportedMediaType: ProblemFactory = make(415);
/** 422 Unprocessable Content. */
export const unprocessable: ProblemFactory = make(422);

/** Like {@link ProblemFactory}, plus a `Retry-After` header (seconds, rounded up). */
export type RetryProblemFactory = (
  code: string,
  detail: string,
  retryAfterSeconds: number,
  extra?: ProblemExtra,
) => ProblemError;

const makeRetry = (status: 429 | 503): RetryProblemFactory => (code, detail, seconds, extra) =>
  new ProblemError({
    status,
    code,
    detail,
    extra,
    headers: { "Retry-After": String(Math.max(0, Math.ceil(seconds))) },
  });

/** 429 Too Many Requests. @example `throw tooManyRequests("rate_limited", "slow down", 2)` */
export const tooManyRequests: RetryProblemFactory = makeRetry(429);
/** 503 Service Unavailable. */
export const serviceUnavailable: RetryProblemFactory = makeRetry(503);

/** 400 `invalid_request` listing each zod issue as `{ path: "a.0.b", message }`. */
export function invalidRequest(
  error: z.core.$ZodError,
  detail = "Request validation failed",
): ProblemError {
  const issues = error.issues.map((i) => ({
    path: i.path.map(String).join("."),
    message: i.message,
  }));
  return badRequest("invalid_request", detail, { issues });
}

/** Options of {@link problemResponse}. */
export interface ProblemRenderOptions {
  /**
   * Also write the detail as `error`, the one field KServe v2 / Triton clients read from an
   * error body (Open Inference Protocol REST: `{ "error": "<message>" }`).
   */
  kserveErrorField?: boolean;
}

/**
 * Renders a problem as `application/problem+json`:
 * `{ type, title, status, code, detail, instance?, error?, ...extra }`. Details from below the
 * edge (domain errors, which may quote ONNX Runtime or Deno's file APIs) have had their
 * filesystem paths redacted by {@link domainProblem}.
 *
 * @example
 * ```ts
 * return problemResponse(notFound("model_not_found", "no model 'x'"), c.get("requestId"));
 * ```
 */
export function problemResponse(
  problem: ProblemError,
  instance?: string,
  { kserveErrorField = false }: ProblemRenderOptions = {},
): Response {
  return new Response(problemBody(problem, instance, { kserveErrorField }), {
    status: problem.status,
    headers: { ...problem.headers, "content-type": "application/problem+json" },
  });
}

/** What a problem body is made of: a {@link ProblemError}, or the same fields without an Error. */
type ProblemFields = Pick<
  ProblemError,
  "status" | "code" | "title" | "detail" | "extra" | "headers"
>;

function problemBody(
  problem: ProblemFields,
  instance: string | undefined,
  { kserveErrorField = false }: ProblemRenderOptions,
): string {
  const { status, code, title, detail } = problem;
  const body: Record<string, unknown> = {
    type: `https://edgeml.dev/problems/${code}`,
    title,
    status,
    code,
    detail,
  };
  if (instance !== undefined) body.instance = instance;
  if (kserveErrorField) body.error = detail;
  // Extension members follow the core ones and cannot override them.
  for (const key in problem.extra) if (!(key in body)) body[key] = problem.extra[key];
  return JSON.stringify(body);
}

/** The one place a domain error's kind becomes an HTTP status. */
const KIND_STATUS: Record<DomainErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  failed: 500,
};

/**
 * The problem a domain error becomes at the edge: its kind's status, its code and detail (with
 * filesystem paths redacted, {@link redactPaths}).
 */
export function domainProblem(err: DomainError): ProblemError {
  const retry = err.retryAfterSeconds;
  return new ProblemError({
    status: KIND_STATUS[err.kind],
    code: err.code,
    detail: redactPaths(err.detail),
    extra: err.extra,
    headers: retry === undefined
      ? undefined
      : { "Retry-After": String(Math.max(0, Math.ceil(retry))) },
  });
}

/** Maps a known error to a problem; `undefined` means "unexpected" (→ 500). */
function toProblem(err: Error): ProblemError | undefined {
  if (err instanceof ProblemError) return err;
  if (err instanceof DomainError) return domainProblem(err);
  if (err instanceof z.core.$ZodError) return invalidRequest(err);
  if (err instanceof SyntaxError) {
    return badRequest("malformed_json", "Request body is not valid JSON");
  }
  if (!(err instanceof HTTPException)) return undefined;
  const [title, code] = STATUS[err.status] ?? [undefined, `http_${err.status}`];
  const headers: Record<string, string> = {}; // keep e.g. WWW-Authenticate set by hono/basic-auth
  for (const [k, v] of err.res?.headers ?? []) if (!k.startsWith("content-")) headers[k] = v;
  return new ProblemError({
    status: err.status,
    code,
    title,
    detail: err.message || title || code,
    headers,
  });
}

const PROBLEM_JSON = { "content-type": "application/problem+json" };

function respond(
  c: Context,
  problem: ProblemFields,
  render: ProblemRenderOptions,
): Response {
  const instance = getRequestId(c);
  const headers: Record<string, string> = problem.headers
    ? { ...problem.headers, ...PROBLEM_JSON }
    : { ...PROBLEM_JSON };
  if (instance !== undefined) {
    headers[getRequestIdHeader(c) ?? "X-Request-Id"] = instance;
    markRequestIdEchoed(c);
  }
  // newResponse keeps headers already set on the context. The body goes as the string it is,
  // not as a Response's body stream, which would cost a chunked response on every error.
  return c.newResponse(problemBody(problem, instance, render), problem.status, headers);
}

/** Options of {@link createProblemHandler}. */
export interface ProblemHandlerOptions extends ProblemRenderOptions {
  /** Called with errors that become a 500 `internal_error` (log them here). */
  onUnexpected?: (err: Error, c: Context) => void;
}

/**
 * Builds an `app.onError` handler: `ProblemError` → itself, `DomainError` → its kind's status,
 * `HTTPException` → its status,
 * zod error → 400 `invalid_request`, `SyntaxError` (from `c.req.json()`) → 400 `malformed_json`,
 * anything else → 500 `internal_error` without the message or stack. `instance` is the request id.
 *
 * @example
 * ```ts
 * app.onError(createProblemHandler({ onUnexpected: (err) => log.error("unhandled", { err }) }));
 * ```
 */
export function createProblemHandler(
  { onUnexpected = (err) => console.error(err), ...render }: ProblemHandlerOptions = {},
): ErrorHandler {
  return function problemHandler(err, c) {
    let problem = toProblem(err);
    if (!problem) {
      onUnexpected(err, c);
      problem = new ProblemError({
        status: 500,
        code: "internal_error",
        detail: "Unexpected error",
      });
    }
    return respond(c, problem, render);
  };
}

/** `app.onError(problemHandler)`; unexpected errors are printed with `console.error`. */
export const problemHandler: ErrorHandler = createProblemHandler();

/** Builds an `app.notFound` handler answering 404 `route_not_found`. */
export function createNotFoundHandler(render: ProblemRenderOptions = {}): NotFoundHandler {
  return function notFoundHandler(c) {
    // The cheapest answer a server gives, so no Error (and its stack trace) is made for it.
    const problem = {
      status: 404 as const,
      code: "route_not_found",
      title: STATUS[404][0],
      detail: `No route for ${c.req.method} ${c.req.path}`,
    };
    return respond(c, problem, render);
  };
}

/** `app.notFound(notFoundHandler)`: 404 `route_not_found`. */
export const notFoundHandler: NotFoundHandler = createNotFoundHandler();
