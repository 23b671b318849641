/**
 * What the benchmark loads: each target is one request of one row (64 floats, batch 1), either
 * the gateway's `predict` or the same row as OIP JSON straight to the pool's port (the limit:
 * no gateway, no KV reads, no summary), or several such calls sent at once.
 */
import type { OpenLoopCall } from "@edgeml/loadtests/open-loop";
import type { BenchModel } from "./setup.ts";

export interface Target {
  key: string;
  label: string;
  calls: OpenLoopCall[];
}

export const predictCall = (
  gatewayUrl: string,
  model: string,
  mode: "swa" | "swag",
  row: number[],
): OpenLoopCall => ({
  url: `${gatewayUrl}/v1/swa/models/${model}/predict`,
  body: JSON.stringify({ inputs: [row], mode }),
});

export const inferCall = (
  poolUrl: string,
  model: string,
  version: number,
  input: string,
  row: number[],
): OpenLoopCall => ({
  url: `${poolUrl}/v2/models/${model}/versions/${version}/infer`,
  body: JSON.stringify({
    inputs: [{ name: input, shape: [1, row.length], datatype: "FP32", data: row }],
  }),
});

/** The pool's name for a worker model's input (from its OIP metadata). */
export async function inputName(poolUrl: string, model: string, version: number) {
  const response = await fetch(`${poolUrl}/v2/models/${model}/versions/${version}`);
  const meta = await response.json();
  if (!response.ok) throw new Error(`${model} metadata: HTTP ${response.status}`);
  return meta.inputs[0].name as string;
}

/** Gateway and direct targets for each finalised model: swa for the first, swag for all. */
export async function servingTargets(
  gatewayUrl: string,
  poolUrl: string,
  models: readonly BenchModel[],
  row: number[],
): Promise<Target[]> {
  const targets: Target[] = [];
  for (const [i, m] of models.entries()) {
    if (i === 0) {
      const swa = `swa-${m.name}-swa`;
      const input = await inputName(poolUrl, swa, m.version);
      targets.push(
        {
          key: "gw-swa",
          label: "gateway `swa`",
          calls: [predictCall(gatewayUrl, m.name, "swa", row)],
        },
        {
          key: "pool-swa",
          label: "pool direct, swa model",
          calls: [inferCall(poolUrl, swa, m.version, input, row)],
        },
      );
    }
    const swag = `swa-${m.name}-swag-0`;
    const input = await inputName(poolUrl, swag, m.version);
    targets.push(
      {
        key: `gw-swag-${m.samples}`,
        label: `gateway \`swag\` S = ${m.samples}`,
        calls: [predictCall(gatewayUrl, m.name, "swag", row)],
      },
      {
        key: `pool-swag-${m.samples}`,
        label: `pool direct, stacked swag model S = ${m.samples}`,
        calls: [inferCall(poolUrl, swag, m.version, input, row)],
      },
    );
  }
  return targets;
}

/** Sends each target's calls once and checks that every one answers 200. */
export async function checkTargets(targets: readonly Target[]): Promise<void> {
  for (const t of targets) {
    for (const call of t.calls) {
      const response = await fetch(call.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: call.body,
      });
      const text = await response.text();
      if (!response.ok) {
        throw new Error(`${t.label}: HTTP ${response.status} ${text.slice(0, 300)}`);
      }
    }
  }
}
