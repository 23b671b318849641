/**
 * Errors below the edge: a stable `code` and a `kind` saying what went wrong in domain terms,
 * with no knowledge of HTTP. The edge maps each kind to a status once
 * (`@edgeml/shared/http`'s problem handler); workers, SWA math, ONNX and the store never import
 * a web framework.
 *
 * @example
 * ```ts
 * throw new DomainError("unprocessable", "shape_mismatch", "tensor fc.weight is [3, 4], not [4, 4]");
 * throw new DomainError("unavailable", "queue_full", "the queue is full", { retryAfterSeconds: 1 });
 * ```
 * @module
 */

/**
 * What kind of failure a domain error is. Each kind has one meaning for every caller:
 *
 * - `invalid`: the input is malformed (HTTP 400)
 * - `unauthorized`: no valid credential (401)
 * - `forbidden`: a credential without the right (403)
 * - `not_found`: the named resource does not exist (404)
 * - `conflict`: the resource's current state forbids it (409)
 * - `too_large`: the input passes a size limit (413)
 * - `unsupported_media_type`: a content type the operation does not read (415)
 * - `unprocessable`: well-formed but semantically invalid (422)
 * - `rate_limited`: this caller is over its rate (429)
 * - `unavailable`: overloaded, starting or draining; try again later (503)
 * - `failed`: the operation broke for a reason the caller cannot fix (500)
 */
export type DomainErrorKind =
  | "invalid"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "rate_limited"
  | "unavailable"
  | "failed";

/** Optional parts of a {@link DomainError}. */
export interface DomainErrorOptions {
  /** Structured facts for the caller (e.g. `{ limitBytes: 1048576 }`); shown to API clients. */
  extra?: Record<string, unknown>;
  /** For `rate_limited` / `unavailable`: when a retry may succeed, in seconds. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A failure with a stable snake_case `code` clients may switch on and a `kind` the edge maps. */
export class DomainError extends Error {
  override name = "DomainError";
  readonly kind: DomainErrorKind;
  readonly code: string;
  /** What is wrong, for a person; safe to show to API clients (no server paths, no secrets). */
  readonly detail: string;
  readonly extra?: Record<string, unknown>;
  readonly retryAfterSeconds?: number;

  constructor(
    kind: DomainErrorKind,
    code: string,
    detail: string,
    { extra, retryAfterSeconds, cause }: DomainErrorOptions = {},
  ) {
    super(detail, { cause });
    this.kind = kind;
    this.code = code;
    this.detail = detail;
    this.extra = extra;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A factory for one kind: `invalid("bad_shape", "input must have 3 dims")`. */
export type DomainErrorFactory = (
  code: string,
  detail: string,
  options?: DomainErrorOptions,
) => DomainError;

const of = (kind: DomainErrorKind): DomainErrorFactory => (code, detail, options) =>
  new DomainError(kind, code, detail, options);

export const invalid: DomainErrorFactory = of("invalid");
export const notFound: DomainErrorFactory = of("not_found");
export const conflict: DomainErrorFactory = of("conflict");
export const tooLarge: DomainErrorFactory = of("too_large");
export const unsupportedMediaType: DomainErrorFactory = of("unsupported_media_type");
export const unprocessable: DomainErrorFactory = of("unprocessable");
export const unavailable: DomainErrorFactory = of("unavailable");
export const failed: DomainErrorFactory = of("failed");
