/**
 * Dropout in exported graphs. torch 1.13 leaves an eval-mode Dropout out of the ONNX export; a
 * Dropout module in train mode (`model.eval(); model.drop.train()`, then TrainingMode.PRESERVE)
 * exports as `Dropout(data, ratio, training_mode)` with Constant ratio and training_mode = true
 * (opset ≥ 12), which ONNX Runtime runs as real dropout: y = x·m/(1 − ratio), m ~ Bernoulli(1 − ratio)
 * per element (ONNX Dropout-13; the same as torch.nn.functional.dropout in train mode).
 *
 * {@link setDropoutMode} switches every such node on or off; {@link servingGraph} switches them
 * off, so a served SWA model is deterministic.
 */
import { unprocessable } from "@edgeml/shared/errors";
import { createTensor, decodeModel, encodeModel, onnx } from "@edgeml/shared/onnx";

const AttributeType = onnx.AttributeProto.AttributeType;

export interface DropoutMode {
  /** Run Dropout as in training (random masks) or as the identity. */
  training: boolean;
  /** Training only: node k gets the `seed` attribute seed + k, so masks are reproducible. */
  seed?: number;
}

function opsetOf(model: onnx.IModelProto): number {
  const entry = model.opsetImport?.find((o) => !o.domain || o.domain === "ai.onnx");
  return Number(entry?.version ?? 17);
}

const isDropout = (node: onnx.INodeProto) =>
  node.opType === "Dropout" && (!node.domain || node.domain === "ai.onnx");

/** How many Dropout nodes `model` has. */
export function countDropoutNodes(model: onnx.IModelProto): number {
  return (model.graph?.node ?? []).filter(isDropout).length;
}

/**
 * Rewrites every Dropout node of `model` in place to run with `training_mode` = `training`
 * (a new bool initializer replaces whatever fed that input), drops Constant nodes left without
 * consumers, and returns how many Dropout nodes there were. Before opset 12 Dropout has no
 * training mode (ONNX Runtime runs it as the identity): `training: true` is then refused with
 * `dropout_opset`.
 */
export function setDropoutMode(model: onnx.ModelProto, { training, seed }: DropoutMode): number {
  const graph = model.graph;
  const all = graph?.node ?? [];
  const nodes = all.filter(isDropout);
  if (!graph || nodes.length === 0) return 0;
  if (opsetOf(model) < 12) {
    if (!training) return nodes.length;
    throw unprocessable(
      "dropout_opset",
      `Dropout before opset 12 has no training mode; this model imports opset ${
        opsetOf(model)
      }: export it with opset_version >= 12`,
    );
  }
  const flag = `__dropout/training_mode_${training ? "true" : "false"}`;
  graph.initializer = [
    ...(graph.initializer ?? []).filter((t) => t.name !== flag),
    createTensor(flag, Uint8Array.of(training ? 1 : 0), [], "bool"),
  ];
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  nodes.forEach((node, k) => {
    const [data, ratio = ""] = node.input ?? [];
    node.input = [data, ratio, flag];
    const attributes = (node.attribute ?? []).filter((a) => a.name !== "seed");
    if (training && seed !== undefined) {
      attributes.push(
        onnx.AttributeProto.create({ name: "seed", type: AttributeType.INT, i: seed + k }),
      );
    }
    node.attribute = attributes as onnx.AttributeProto[];
    if (training) {
      // ONNX Runtime's EliminateDropout rewrite (graph optimization level "basic" and up)
      // removes a Dropout whatever its training_mode, unless the node produces a graph output:
      // the mask becomes one (never fetched) so the masks are really drawn.
      const mask = node.output?.[1] || `__dropout${k}/mask`;
      node.output = [node.output?.[0] ?? "", mask];
      if (!outputs.has(mask)) {
        graph.output = [
          ...(graph.output ?? []),
          onnx.ValueInfoProto.create({
            name: mask,
            type: { tensorType: { elemType: onnx.TensorProto.DataType.BOOL } },
          }),
        ];
      }
    }
  });
  const consumed = new Set([
    ...all.flatMap((n) => n.input ?? []),
    ...(graph.output ?? []).map((o) => o.name),
  ]);
  graph.node = all.filter((n) =>
    n.opType !== "Constant" || (n.output ?? []).some((o) => consumed.has(o))
  );
  return nodes.length;
}

/**
 * A copy of `model` whose Dropout nodes run in inference mode (the identity), so that the
 * served model is deterministic whichever way the checkpoints were exported. Models without
 * Dropout come back as an unchanged copy.
 *
 * @example
 * ```ts
 * const swa = await updateBn(averageToModel(average), rows, [64], { dropout: "training", seed: 1 });
 * await Deno.writeFile("swa.onnx", encodeModel(servingGraph(swa)));
 * ```
 */
export function servingGraph(model: onnx.IModelProto): onnx.ModelProto {
  const copy = decodeModel(encodeModel(model));
  setDropoutMode(copy, { training: false });
  return copy;
}
