/**
 * Whether a model holds convolutions: the operators ONNX Runtime's CUDA provider plans with cuDNN
 * anew whenever the input shape changes, which is what decides batch padding's `auto` mode.
 * Subgraphs (If, Loop, Scan) and model-local functions are searched too.
 */
import { decodeModel, type onnx } from "@edgeml/shared/onnx";

const CONVOLUTIONS = new Set([
  "Conv",
  "ConvTranspose",
  "ConvInteger",
  "QLinearConv",
  "FusedConv",
  "NhwcConv",
]);

function graphHasConvolution(graph: onnx.IGraphProto | null | undefined): boolean {
  for (const node of graph?.node ?? []) {
    if (CONVOLUTIONS.has(node.opType ?? "")) return true;
    for (const attribute of node.attribute ?? []) {
      if (graphHasConvolution(attribute.g)) return true;
      if ((attribute.graphs ?? []).some(graphHasConvolution)) return true;
    }
  }
  return false;
}

export function hasConvolution(model: onnx.IModelProto): boolean {
  return graphHasConvolution(model.graph) ||
    (model.functions ?? []).some((f) =>
      (f.node ?? []).some((node) => CONVOLUTIONS.has(node.opType ?? ""))
    );
}

/**
 * `hasConvolution` of a model file. A file ONNX Runtime runs but protobufjs cannot decode (over
 * 2 GB) counts as having none: it is served unpadded rather than refused.
 */
export async function modelFileHasConvolution(path: string): Promise<boolean> {
  try {
    return hasConvolution(decodeModel(await Deno.readFile(path), path));
  } catch {
    return false;
  }
}
