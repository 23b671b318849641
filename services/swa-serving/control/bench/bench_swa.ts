/**
 * `deno task bench:swa`: what SWA and SWAG buy on held-out data, and how fast the engine is.
 *
 * Quality, on the test split of the PyTorch fixtures (sklearn digits, models trained by
 * tools/swa_fixtures): the last SGD checkpoint, SWA (equal average + update_bn), SWAG
 * (scale 0.5, S = 30 BN-recalibrated samples, Bayesian model average) and MultiSWAG (an equal
 * mixture of the SWAG posteriors of 3 independent runs): accuracy, NLL, ECE (15 bins), Brier.
 * Throughput: checkpoint ingest (MB/s of float32 parameters) for averaging and SWAG, and
 * update_bn time per 1k calibration samples. Results go to docs/benchmarks.md.
 *
 * Options: --samples S (30), --scale (0.5), --no-write.
 */
import { parseArgs } from "node:util";
import { type ClassificationMetrics, classificationMetrics } from "@edgeml/shared/eval";
import { buildMlpClassifier, DEMO_MODELS, encodeModel, type onnx } from "@edgeml/shared/onnx";
import {
  averageToModel,
  collectSwag,
  createAverage,
  createSwag,
  readCheckpoint,
  type SwagState,
  updateAverage,
} from "@edgeml/shared/swa";
// @edgeml/shared exports no report writer yet ("./eval" is the metrics module only); until it
// does, the one file is imported by path.
import { writeReportSection } from "@edgeml/shared/eval/report";
import { swagModels } from "../swag_models.ts";
import { updateBn } from "../update_bn.ts";
import {
  digitsLabels,
  digitsRows,
  fixtureCheckpoints,
  manifest,
  type ModelFixture,
  rowShape,
} from "../testing/fixtures.ts";
import { predictProbabilities } from "./predict.ts";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "30" },
    scale: { type: "string", default: "0.5" },
    "no-write": { type: "boolean", default: false },
  },
});
const SAMPLES = Number(values.samples);
const SCALE = Number(values.scale);
const progress = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));

const testRows = digitsRows(manifest.data.test_indices);
const testLabels = digitsLabels(manifest.data.test_indices);
const calibration = digitsRows(manifest.data.calibration_indices);
const metricsOf = (p: Float64Array) => classificationMetrics(p, testLabels, 10, 15);

function swagPosterior(model: ModelFixture, run: number) {
  const checkpoints = fixtureCheckpoints(model, run);
  // K = every SWA-phase checkpoint (the paper keeps 20 of many more epochs).
  return checkpoints.reduce(
    (s, c) => collectSwag(s, c),
    createSwag({ maxRows: checkpoints.length }),
  );
}

/** Bayesian model average over BN-recalibrated SWAG draws. */
async function predictFromDraws(model: ModelFixture, posteriors: SwagState[], seed: number) {
  let sum: Float64Array | undefined;
  let count = 0;
  const draws = swagModels(posteriors, {
    samplesPerPosterior: SAMPLES,
    scale: SCALE,
    cov: true,
    seed,
    calibration,
    rowShape: rowShape(model),
    batchSize: model.update_bn_batch_size,
  });
  for await (const { model: sampled } of draws) {
    const p = await predictProbabilities(sampled, testRows, rowShape(model));
    sum = sum ? sum.map((v, i) => v + p[i]) : p;
    count++;
  }
  return sum!.map((v) => v / count);
}

interface QualityRow {
  model: string;
  method: string;
  metrics: ClassificationMetrics;
  torch?: { accuracy: number; nll: number };
}

const quality: QualityRow[] = [];
for (const [name, model] of Object.entries(manifest.models)) {
  progress(`quality ${name}`);
  const shape = rowShape(model);
  const run0 = fixtureCheckpoints(model, 0);
  const last = run0[run0.length - 1];
  const lastInfo = model.runs[0].checkpoints.at(-1)! as unknown as {
    test: { accuracy: number; nll: number };
  };
  quality.push({
    model: name,
    method: "SGD (last checkpoint)",
    metrics: metricsOf(await predictProbabilities(last.model, testRows, shape)),
    torch: lastInfo.test,
  });
  const swa = await updateBn(
    averageToModel(
      run0.reduce((s, c) => updateAverage(s, c), createAverage({ strategy: "equal" })),
    ),
    calibration,
    shape,
    { batchSize: model.update_bn_batch_size },
  );
  quality.push({
    model: name,
    method: "SWA + update_bn",
    metrics: metricsOf(await predictProbabilities(swa, testRows, shape)),
    torch: model.expected.test_metrics.swa_update_bn,
  });
  const posteriors = model.runs.map((_, run) => swagPosterior(model, run));
  const swag = await predictFromDraws(model, posteriors.slice(0, 1), 1000);
  quality.push({
    model: name,
    method: `SWAG (scale ${SCALE}, S = ${SAMPLES})`,
    metrics: metricsOf(swag),
  });
  if (posteriors.length >= 3) {
    const mixture = await predictFromDraws(model, posteriors, 1000);
    quality.push({
      model: name,
      method: `MultiSWAG (${posteriors.length} runs × S = ${SAMPLES})`,
      metrics: metricsOf(mixture),
    });
  }
}

// ---- throughput ---------------------------------------------------------------------------

progress("throughput");
const large = DEMO_MODELS.find((m) => m.name === "mlp_large")!;
const CHECKPOINTS = 10;
const files = Array.from(
  { length: CHECKPOINTS },
  (_, i) => encodeModel(buildMlpClassifier({ ...large, seed: large.seed + i })),
);
const paramMB = (model: onnx.IModelProto) =>
  readCheckpoint(encodeModel(model)).tensors.reduce((n, t) => n + t.data.byteLength, 0) / 1e6;
const mbPerCheckpoint = paramMB(buildMlpClassifier({ ...large }));
const time = async (fn: () => unknown | Promise<unknown>) => {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
};
const ingestAverage = await time(() =>
  files.reduce(
    (s, bytes) => updateAverage(s, readCheckpoint(bytes)),
    createAverage({ strategy: "equal" }),
  )
);
const ingestSwag = await time(() =>
  files.reduce((s, bytes) => collectSwag(s, readCheckpoint(bytes)), createSwag({ maxRows: 20 }))
);
const bnRows = 1024;
const updateBnTimes: { model: string; msPer1k: number }[] = [];
for (const [name, model] of Object.entries(manifest.models)) {
  const rows = new Float32Array(
    bnRows * calibration.length / manifest.data.calibration_indices.length,
  );
  for (let offset = 0; offset < rows.length; offset += calibration.length) {
    rows.set(calibration.subarray(0, Math.min(calibration.length, rows.length - offset)), offset);
  }
  const swa = averageToModel(
    fixtureCheckpoints(model, 0).reduce(
      (s, c) => updateAverage(s, c),
      createAverage({ strategy: "equal" }),
    ),
  );
  await updateBn(swa, rows, rowShape(model), { batchSize: 32 }); // warm-up
  const seconds = await time(() => updateBn(swa, rows, rowShape(model), { batchSize: 32 }));
  updateBnTimes.push({ model: name, msPer1k: (seconds * 1000 * 1000) / bnRows });
}

// ---- report -------------------------------------------------------------------------------

const f = (x: number, d = 4) => x.toFixed(d);
const row = (model: string, method: string) =>
  quality.find((q) => q.model === model && q.method.startsWith(method))!;
const targets = Object.keys(manifest.models).flatMap((model) => {
  const sgd = row(model, "SGD").metrics;
  const swa = row(model, "SWA").metrics;
  const swag = row(model, "SWAG").metrics;
  return [
    `| ${model} | SWA NLL < SGD NLL | ${f(swa.nll)} vs ${f(sgd.nll)} | ${
      swa.nll < sgd.nll ? "yes" : "**no**"
    } |`,
    `| ${model} | SWA ECE < SGD ECE | ${f(swa.ece)} vs ${f(sgd.ece)} | ${
      swa.ece < sgd.ece ? "yes" : "**no**"
    } |`,
    `| ${model} | SWAG NLL < SWA NLL | ${f(swag.nll)} vs ${f(swa.nll)} | ${
      swag.nll < swa.nll ? "yes" : "**no**"
    } |`,
  ];
});
const markdown = [
  `Measured ${
    new Date().toISOString().slice(0, 10)
  } on ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}. Command: \`npx deno task bench:swa\`.`,
  `Test split: ${testLabels.length} held-out digits; SWAG/MultiSWAG samples are BN-recalibrated on the ${manifest.data.calibration_indices.length} calibration rows (batch 32).`,
  "The torch columns are PyTorch's own numbers for the same model (from the fixture manifest): the peer, side by side.",
  "",
  "### Targets",
  "",
  "| model | target | measured | met |",
  "|---|---|---|---|",
  ...targets,
  "",
  "### Quality (test split)",
  "",
  "| model | method | accuracy | NLL | ECE (15 bins) | Brier | torch accuracy | torch NLL |",
  "|---|---|---:|---:|---:|---:|---:|---:|",
  ...quality.map((q) =>
    `| ${q.model} | ${q.method} | ${f(q.metrics.accuracy)} | ${f(q.metrics.nll)} | ${
      f(q.metrics.ece)
    } | ${f(q.metrics.brier)} | ${q.torch ? f(q.torch.accuracy) : "–"} | ${
      q.torch ? f(q.torch.nll) : "–"
    } |`
  ),
  "",
  "### Throughput",
  "",
  "| operation | measured |",
  "|---|---:|",
  `| checkpoint ingest, equal average (${CHECKPOINTS} × ${
    f(mbPerCheckpoint, 1)
  } MB of float32 parameters, decode included) | ${
    f(CHECKPOINTS * mbPerCheckpoint / ingestAverage, 1)
  } MB/s |`,
  `| checkpoint ingest, SWAG collect (K = 20) | ${
    f(CHECKPOINTS * mbPerCheckpoint / ingestSwag, 1)
  } MB/s |`,
  ...updateBnTimes.map((t) =>
    `| update_bn, ${t.model} (${bnRows} rows, batch 32) | ${f(t.msPer1k, 1)} ms per 1k samples |`
  ),
].join("\n");
console.log(markdown);
if (!values["no-write"]) {
  await writeReportSection(
    new URL("../../../../docs/benchmarks.md", import.meta.url).pathname,
    "swa",
    "SWA engine (`npx deno task bench:swa`)",
    markdown,
  );
}
