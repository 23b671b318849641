/**
 * The benchmark's server: the embedded default (pool + gateway in one process) as a child
 * process, with one SWA model per S finalised through the API from the PyTorch fixtures (the
 * mlp's run0, 10 checkpoints, swagRank 10; BatchNorm calibrated on the 256 calibration rows).
 */
import { createSwaClient } from "@edgeml/swa-serving/client";
import { digitsRows, manifest, readFixture } from "../control/testing/fixtures.ts";
import { type EmbeddedProcess, freePort, startEmbedded } from "@edgeml/gateway/testing";

export interface BenchModel {
  /** The SWA model's name and the S its version was finalised with. */
  name: string;
  samples: number;
  version: number;
}

export interface BenchServer {
  embedded: EmbeddedProcess;
  poolUrl: string;
  models: BenchModel[];
}

export const calibrationRows = (): Float32Array => digitsRows(manifest.data.calibration_indices);

/** Starts the embedded process and finalises `swa-bench-s<S>` for each S (seed 1). */
export async function startBenchServer(
  sampleCounts: readonly number[],
  progress: (text: string) => void,
): Promise<BenchServer> {
  const poolPort = freePort();
  const embedded = await startEmbedded({ env: { EDGEML_POOL_PORT: String(poolPort) } });
  try {
    const api = createSwaClient({ baseUrl: embedded.url, adminToken: embedded.adminToken });
    const calibration = calibrationRows();
    const models: BenchModel[] = [];
    for (const samples of sampleCounts) {
      const name = `bench-s${samples}`;
      progress(`finalising ${name} (S = ${samples})`);
      await api.createModel({
        name,
        task: "classification",
        input: { shape: [64] },
        labels: Array.from({ length: 10 }, (_, i) => String(i)),
        swagRank: 10,
      });
      for (const { file } of manifest.models.mlp.runs[0].checkpoints) {
        await api.uploadCheckpoint(name, "run0", readFixture(file));
      }
      await api.putCalibrationSet(name, "calibration", calibration);
      const job = await api.finalize(name, { calibrationSet: "calibration", samples, seed: 1 });
      const done = await api.waitForJob(job.jobId, { intervalMs: 100 });
      models.push({ name, samples, version: done.version });
    }
    return { embedded, poolUrl: `http://127.0.0.1:${poolPort}`, models };
  } catch (e) {
    await embedded.stop();
    throw e;
  }
}
