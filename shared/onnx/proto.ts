import onnxProto from "onnx-proto";
import type { onnx as OnnxNamespace } from "onnx-proto";

/**
 * The generated ONNX protobuf classes, usable both as values (`onnx.ModelProto.decode`) and as
 * types (`onnx.ModelProto`).
 *
 * `onnx-proto` is CommonJS, so `import { onnx } from "onnx-proto"` fails at runtime in Deno;
 * importing it from here keeps that workaround in one place.
 */
export const onnx: typeof OnnxNamespace = onnxProto.onnx;

/** Type side of {@link onnx}: the protobuf message classes and their plain-object interfaces. */
export declare namespace onnx {
  type ModelProto = OnnxNamespace.ModelProto;
  type IModelProto = OnnxNamespace.IModelProto;
  type GraphProto = OnnxNamespace.GraphProto;
  type IGraphProto = OnnxNamespace.IGraphProto;
  type NodeProto = OnnxNamespace.NodeProto;
  type INodeProto = OnnxNamespace.INodeProto;
  type TensorProto = OnnxNamespace.TensorProto;
  type ITensorProto = OnnxNamespace.ITensorProto;
  type AttributeProto = OnnxNamespace.AttributeProto;
  type IAttributeProto = OnnxNamespace.IAttributeProto;
  type ValueInfoProto = OnnxNamespace.ValueInfoProto;
  type IValueInfoProto = OnnxNamespace.IValueInfoProto;
  type TypeProto = OnnxNamespace.TypeProto;
  type ITypeProto = OnnxNamespace.ITypeProto;
  type TensorShapeProto = OnnxNamespace.TensorShapeProto;
  type ITensorShapeProto = OnnxNamespace.ITensorShapeProto;
  type OperatorSetIdProto = OnnxNamespace.OperatorSetIdProto;
  type IOperatorSetIdProto = OnnxNamespace.IOperatorSetIdProto;
}
