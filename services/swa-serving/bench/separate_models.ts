/**
 * The two ways to serve S SWAG draws, built from the same S draws: S separate worker models
 * (one graph each) and one stacked graph carrying all S weight sets (`stackSamples`, what a
 * finalised version serves). The draws are sampled offline from run0's posterior as
 * `deno task bench:swa` does, BN-recalibrated, and published into the embedded pool's
 * repository with the served models' own config (`repositoryPublisher`) at version 1.
 */
import { join } from "node:path";
import { encodeModel } from "@edgeml/shared/onnx";
import { collectSwag, createSwag } from "@edgeml/shared/swa";
import type { TenantArtifactStore } from "@edgeml/shared/store";
import { createOipClient } from "@edgeml/gpu-workers/client";
import { repositoryPublisher, servingGraph, swagModels } from "@edgeml/swa-serving/control";
import { stackSamples } from "../control/stacked_graph.ts";
import { fixtureCheckpoints, manifest } from "../control/testing/fixtures.ts";
import { calibrationRows } from "./setup.ts";

export interface SampleModels {
  /** Worker model names, each served at version 1. */
  separate: string[];
  stacked: string;
  /** The encoded graphs, for raw ORT timing. */
  separateBytes: Uint8Array[];
  stackedBytes: Uint8Array;
}

/** Builds S draws of run0's posterior and serves them both ways in the pool at `poolUrl`. */
export async function publishSampleModels(
  { dataDir, poolUrl, samples }: { dataDir: string; poolUrl: string; samples: number },
): Promise<SampleModels> {
  const checkpoints = fixtureCheckpoints(manifest.models.mlp, 0);
  const posterior = checkpoints.reduce(
    (s, c) => collectSwag(s, c),
    createSwag({ maxRows: checkpoints.length }),
  );
  const draws = [];
  for await (
    const { model } of swagModels([posterior], {
      samplesPerPosterior: samples,
      scale: 0.5,
      cov: true,
      seed: 1,
      calibration: calibrationRows(),
      rowShape: [64],
    })
  ) draws.push(model);
  const separateBytes = draws.map((d) => encodeModel(servingGraph(d)));
  const stackedBytes = encodeModel(servingGraph(stackSamples(draws)));

  const files = new Map<string, Uint8Array>();
  const publisher = repositoryPublisher({
    repository: join(dataDir, "models"),
    artifacts: { get: (key: string) => Promise.resolve(files.get(key)) } as TenantArtifactStore,
    workers: createOipClient(poolUrl),
  });
  const serve = async (name: string, bytes: Uint8Array) => {
    files.set(name, bytes);
    await publisher.serve(name, [{ version: 1, artifact: name }]);
  };
  const separate = separateBytes.map((_, i) => `bench-separate-${i}`);
  for (const [i, name] of separate.entries()) await serve(name, separateBytes[i]);
  const stacked = `bench-stacked-${samples}`;
  await serve(stacked, stackedBytes);
  return { separate, stacked, separateBytes, stackedBytes };
}
