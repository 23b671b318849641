import { DomainError } from "../errors/domain_error.ts";

/** Options of {@link OnnxFormatError}. */
export interface OnnxFormatErrorOptions {
  /** Where the bytes came from (a file path), to name it in the message. */
  source?: string;
  /** The underlying error, e.g. the protobuf decoder's. */
  cause?: unknown;
}

/**
 * Bytes or a message that are not a usable ONNX model: undecodable protobuf, a required part
 * missing, or tensor contents that disagree with their declared type and shape.
 *
 * A {@link DomainError} of kind `unprocessable`, code `invalid_onnx`: an upload that is not a
 * model maps to 422 at the edge without this module knowing HTTP. `detail` omits the source
 * (a server path may not reach API clients); `message` names it for logs.
 *
 * @example
 * ```ts
 * throw new OnnxFormatError("missing graph", { source: "models/a.onnx" });
 * ```
 */
export class OnnxFormatError extends DomainError {
  override name = "OnnxFormatError";
  /** Where the bytes came from, when known. */
  readonly source?: string;

  constructor(detail: string, options: OnnxFormatErrorOptions = {}) {
    super("unprocessable", "invalid_onnx", detail, { cause: options.cause });
    const where = options.source === undefined ? "" : ` (${options.source})`;
    this.message = `invalid ONNX model${where}: ${detail}`;
    this.source = options.source;
  }
}
