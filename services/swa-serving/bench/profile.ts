/**
 * Where one `swa` predict's time goes, for the report when a target is missed: single requests
 * one after another (no load), medians, next to gateway routes that do part of predict's work,
 * and predict's JSON and validation work timed in this process.
 */
import { PredictRequest } from "@edgeml/shared/contracts/swa";
import type { BenchModel } from "./setup.ts";
import { inferCall, inputName, predictCall } from "./targets.ts";

const ROUNDS = 400;

async function medianMs(call: () => Promise<Response>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 50; i++) {
    const t = performance.now();
    const response = await call();
    await response.arrayBuffer();
    if (i >= 50) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function medianUs(fn: () => unknown, rounds = 2000): number {
  for (let i = 0; i < 200; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] * 1000;
}

const post = (call: { url: string; body: string }) => () =>
  fetch(call.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: call.body,
  });

/** Markdown lines: a small table of single-request medians and in-process costs. */
export async function profilePredict(
  gatewayUrl: string,
  poolUrl: string,
  model: BenchModel,
  row: number[],
): Promise<string[]> {
  const swa = `swa-${model.name}-swa`;
  const direct = inferCall(poolUrl, swa, model.version, await inputName(poolUrl, swa, 1), row);
  const predict = predictCall(gatewayUrl, model.name, "swa", row);
  const response = await (await post(predict)()).text();
  const http = [
    ["pool direct infer, swa model (OIP JSON)", await medianMs(post(direct))],
    ["gateway `predict` swa", await medianMs(post(predict))],
    [
      "gateway `GET …/versions/{v}` (predict's two KV reads: model, version)",
      await medianMs(() => fetch(`${gatewayUrl}/v1/swa/models/${model.name}/versions/1`)),
    ],
    [
      "gateway 404 (`GET /nope`: HTTP + routing only)",
      await medianMs(() => fetch(`${gatewayUrl}/nope`)),
    ],
  ] as const;
  const local = [
    ["JSON.parse of the predict body", medianUs(() => JSON.parse(predict.body))],
    [
      "JSON.parse + `PredictRequest` validation (zod)",
      medianUs(() => PredictRequest.parse(JSON.parse(predict.body))),
    ],
    ["JSON.stringify of the swa response", medianUs(() => JSON.stringify(JSON.parse(response)))],
  ] as const;
  return [
    "### Where the time goes (a target was missed)",
    "",
    `Single requests back to back, no other load (median of ${ROUNDS}), and the gateway's own JSON`,
    "work timed in the benchmark process (median µs):",
    "",
    "| what | median |",
    "|---|---:|",
    ...http.map(([what, ms]) => `| ${what} | ${ms.toFixed(3)} ms |`),
    ...local.map(([what, us]) => `| ${what} | ${us.toFixed(1)} µs |`),
  ];
}
