import { OnnxFormatError } from "./errors.ts";
import { type Int64Like, int64ToNumber } from "./int64.ts";
import { onnx } from "./proto.ts";

export { OnnxFormatError } from "./errors.ts";

function checkModel(model: onnx.ModelProto, source?: string): void {
  let irVersion = 0;
  try {
    irVersion = int64ToNumber((model.irVersion ?? 0) as Int64Like);
  } catch {
    // Reported below as a missing version.
  }
  if (irVersion <= 0) throw new OnnxFormatError("missing ir_version", { source });
  if (!model.graph) throw new OnnxFormatError("missing graph", { source });
  // ONNX requires at least one opset import since IR v3, and onnxruntime refuses models
  // without one. It is encoded after the graph, so this also catches most truncations.
  if (!model.opsetImport || model.opsetImport.length === 0) {
    throw new OnnxFormatError("missing opset_import", { source });
  }
}

/**
 * Parses ONNX protobuf bytes, with every failure reported as one error type so callers (e.g. an
 * upload endpoint) can answer "bad model" without knowing protobufjs' error messages.
 *
 * Checks only what every loadable model needs (ir_version, graph, opset_import); operator-level
 * validity is left to the runtime.
 *
 * @throws {OnnxFormatError} for empty, garbage or truncated bytes.
 */
export function decodeModel(bytes: Uint8Array, source?: string): onnx.ModelProto {
  if (bytes.byteLength === 0) throw new OnnxFormatError("empty input (0 bytes)", { source });
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new OnnxFormatError(`not a decodable ONNX protobuf (${reason})`, { source, cause });
  }
  checkModel(model, source);
  return model;
}

/**
 * Serialises a model to ONNX protobuf bytes, refusing messages whose fields have the wrong
 * JS types instead of silently writing a corrupt file.
 *
 * @throws {OnnxFormatError} when protobufjs' verifier rejects the message.
 */
export function encodeModel(model: onnx.IModelProto): Uint8Array<ArrayBuffer> {
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new OnnxFormatError(`cannot encode model: ${problem}`);
  const bytes = onnx.ModelProto.encode(model).finish();
  // protobufjs returns a Node Buffer, for small messages a slice of Node's shared pool. Hand out
  // a plain Uint8Array that owns its whole ArrayBuffer, so callers may transfer it (postMessage)
  // without detaching memory that other code still uses.
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Uint8Array(bytes.buffer as ArrayBuffer);
  }
  return new Uint8Array(bytes);
}
