/** One closed-loop load of a pool model: one binary-tensor row per request, failures counted. */
import { runLoad } from "@edgeml/loadtests";
import { inferBody } from "@edgeml/loadtests/scenarios";

export function loadPoolModel(
  poolUrl: string,
  model: string,
  width: number,
  connections: number,
  durationMs: number,
) {
  const { headers, body } = inferBody("binary", width);
  // Failed requests are reported with the result (and fail the caller's check), not thrown.
  return runLoad({
    url: `${poolUrl}/v2/models/${model}/infer`,
    headers,
    body,
    connections,
    durationMs,
    allowFailures: true,
  });
}
