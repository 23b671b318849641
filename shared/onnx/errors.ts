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
 */
export class OnnxFormatError extends Error {
  override name = "OnnxFormatError";
  /** What is wrong, without the generic prefix (stable enough to show to API clients). */
  readonly detail: string;
  /** Where the bytes came from, when known. */
  readonly source?: string;

  constructor(detail: string, options: OnnxFormatErrorOptions = {}) {
    const where = options.source === undefined ? "" : ` (${options.source})`;
    super(`invalid ONNX model${where}: ${detail}`, { cause: options.cause });
    this.detail = detail;
    this.source = options.source;
  }
}
