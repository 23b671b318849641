/**
 * ONNX model utilities shared by the gateway and the GPU workers: decode/encode with one error
 * type, typed access to weights, a graph builder for generating test and demo models, and the
 * product's seeded demo models.
 *
 * Edge-safe: no file system and no ONNX Runtime. Reading and writing `.onnx` files is
 * `@edgeml/shared/onnx/files`.
 *
 * @example
 * ```ts
 * import { decodeModel, encodeModel, getInitializer } from "@edgeml/shared/onnx";
 * const model = decodeModel(bytes, "upload");
 * const weight = getInitializer(model, "fc1.weight");
 * ```
 * @module
 */

/** Re-exported so callers need neither the onnx-proto CommonJS import quirk nor its types. */
export { onnx } from "./proto.ts";

/** One error type for "these bytes are not a usable model", so APIs can map it to a 4xx. */
export { OnnxFormatError, type OnnxFormatErrorOptions } from "./errors.ts";

/** Model (de)serialisation with validation. */
export { decodeModel, encodeModel } from "./model_io.ts";

/** Weight access as typed arrays, hiding raw_data vs typed-field storage differences. */
export {
  getInitializer,
  type Initializer,
  type InitializerInfo,
  listInitializers,
  setInitializer,
} from "./initializers.ts";

/** A standalone named tensor (e.g. an initializer or constant to add to a graph). */
export { createTensor } from "./tensor_codec.ts";

/** Element type names shared with onnxruntime's Tensor, and conversions to ONNX codes. */
export {
  DATA_TYPE_NAMES,
  dataTypeCode,
  dataTypeFromCode,
  type DataTypeName,
  inferDataType,
  isDataTypeName,
  type TensorData,
  type TypedArrayByDataType,
} from "./dtypes.ts";

/** Build models in code (tests, demos) instead of shipping opaque .onnx fixtures. */
export {
  type Attributes,
  type AttributeValue,
  type BatchNormalizationOptions,
  type BuildOptions,
  type ConvOptions,
  createGraphBuilder,
  type Dim,
  type GemmOptions,
  GraphBuilder,
  type MaxPoolOptions,
  type NameOption,
  type NodeOptions,
  type TopKOptions,
} from "./graph_builder.ts";

/** Reproducible demo classifiers, identical on every machine for a given seed. */
export { buildMlpClassifier, DEMO_MODELS, type MlpClassifierSpec } from "./demo_models.ts";

/** Seeded randomness for reproducible weights and test inputs. */
export { mulberry32 } from "./prng.ts";
