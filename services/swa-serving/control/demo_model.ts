/**
 * The embedded default's demo SWA model, `digits`: the PyTorch fixtures' MLP on sklearn's 8×8
 * digits (three SWA-phase training runs of ten checkpoints each, `control/testdata/mlp`),
 * registered, uploaded and finalised through the same domain functions the API calls, so that
 * `/v1/swa/models/digits/predict` answers in every mode offline. S = 30 draws per run at scale
 * 0.5 with seed 1000: the settings of the engine's quality table (`deno task bench:swa`), which
 * `evaluate` on the fixtures' test split therefore reproduces.
 */
import type { TenantStores } from "@edgeml/shared/store";
import { putCalibrationSet } from "../domain/calibration.ts";
import { getModel, type ModelRecord } from "../domain/catalog.ts";
import { ingestCheckpoint, registerModel } from "../domain/ingest.ts";
import type { SwaControlPlane } from "./swa_control.ts";
import { digitsRows, manifest, readFixture } from "./testing/fixtures.ts";

export const DEMO_SWA_MODEL = "digits";

/** The demo's finalisation settings (the SWAG paper's scale; the quality table's seed). */
export const DEMO_FINALIZE = {
  samples: 30,
  scale: 0.5,
  covariance: true,
  seed: 1000,
  batchSize: 32,
  dropout: "inference" as const,
};

/** Registers, fills and finalises `digits` unless it exists; returns whether it seeded. */
export async function seedDemoSwaModel(
  stores: TenantStores,
  control: SwaControlPlane,
): Promise<boolean> {
  const exists = await getModel(stores.kv, DEMO_SWA_MODEL).then(() => true, () => false);
  if (exists) return false;
  const mlp = manifest.models.mlp;
  const model = await registerModel(stores, {
    name: DEMO_SWA_MODEL,
    task: "classification",
    input: { name: "input", shape: [64] },
    labels: Array.from({ length: 10 }, (_, i) => String(i)),
    regressionVariance: "none",
    averaging: { strategy: "equal", decay: 0.999, useBuffers: false },
    swagRank: 10,
  });
  const record = await getModel(stores.kv, model.name);
  for (const run of mlp.runs) {
    for (const { file } of run.checkpoints) {
      await ingestCheckpoint(stores, record, `run${run.run}`, readFixture(file), 1 << 30);
    }
  }
  await control.finalize(DEMO_SWA_MODEL, {
    ...DEMO_FINALIZE,
    calibration: undefined,
    runs: undefined,
    calibrationSet: await storeCalibrationSet(stores, record),
  });
  await control.drain();
  return true;
}

/** The fixtures' 256 calibration rows, stored as the demo's calibration set. */
async function storeCalibrationSet(stores: TenantStores, model: ModelRecord): Promise<string> {
  const rows = digitsRows(manifest.data.calibration_indices);
  const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  return (await putCalibrationSet(stores, model, "digits-calibration", bytes)).set;
}
