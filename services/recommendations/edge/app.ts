/**
 * The recommendations edge app: `/v1/recommendations/…` routes validated by the contracts, each
 * one call into the domain or the control plane. Dataset groups and datasets are records here;
 * imports and PutItems / PutUsers go to the control plane (503 where a deployment has none);
 * events are written durably here, before the answer.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import {
  batchRecommendationsRoute,
  createCampaignRoute,
  createDatasetGroupRoute,
  createDatasetRoute,
  createImportJobRoute,
  createSolutionRoute,
  createSolutionVersionRoute,
  getCampaignRoute,
  getDatasetGroupRoute,
  getImportJobRoute,
  getRecommendationsRoute,
  getSolutionVersionRoute,
  personalizedRankingRoute,
  putEventsRoute,
  putItemsRoute,
  putUsersRoute,
  relatedItemsRoute,
  updateCampaignRoute,
} from "@edgeml/shared/contracts/recommendations";
import {
  adminOnly,
  bodyLimit,
  controlPlaneOf,
  createApiApp,
  type EdgeDeps,
  limitStream,
  payloadTooLarge,
  readBodyLimited,
  unsupportedMediaType,
} from "@edgeml/shared/http";
import type { TenantStores } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import {
  createDataset,
  createDatasetGroup,
  getDatasetGroup,
  listDatasets,
} from "../domain/dataset/catalog.ts";
import { putEvents } from "../domain/events/event_log.ts";
import {
  createCampaign,
  getCampaign,
  updateCampaign,
} from "../domain/campaigns/campaign_catalog.ts";
import { createSolution, getSolutionVersion } from "../domain/campaigns/solution_catalog.ts";
import {
  type CampaignServerOptions,
  createCampaignServer,
} from "../domain/serving/campaign_server.ts";
import { batchLines } from "../domain/serving/batch_lines.ts";
import { getImportJob } from "../control/import/import_jobs.ts";
import type { RecommendationsControl } from "../control/recommendations_control.ts";

export interface RecommendationsEdgeOptions {
  control?: RecommendationsControl;
  adminToken?: string;
  /** Serving knobs (tests and the simulator seed the exploration draws). */
  serving?: CampaignServerOptions;
}

const MiB = 1024 * 1024;

export function createRecommendationsEdgeApp(
  deps: EdgeDeps<OipClient | undefined, TenantStores>,
  { control, adminToken, serving }: RecommendationsEdgeOptions = {},
): OpenAPIHono<Env> {
  const { store, config } = deps;
  const maxImportBytes = Number(config.RECS_MAX_IMPORT_BYTES) || 4096 * MiB;
  const admin = adminOnly(adminToken, "Recommendations management");
  const json = bodyLimit({ maxSize: MiB });
  const controlPlane = controlPlaneOf(control, "import where the datasets are kept");
  const app = createApiApp();
  // RECS_EXPLORATION_SEED makes the exploration draws reproducible (the simulator sets it).
  const seed = config.RECS_EXPLORATION_SEED ? Number(config.RECS_EXPLORATION_SEED) : undefined;
  const campaigns = createCampaignServer(store, {
    ...(Number.isFinite(seed) ? { seed } : {}),
    workers: deps.workers,
    onScorerError: (error, model, version) =>
      deps.logger.warn("recommendations scored in process: the pool's scorer failed", {
        model,
        version,
        error: String(error),
      }),
    ...serving,
  });

  const groupInfo = async (name: string) => {
    const group = await getDatasetGroup(store.kv, name);
    const datasets = await listDatasets(store.kv, name);
    return {
      ...group,
      datasets: datasets.map((d) => ({ datasetType: d.datasetType, rows: d.rows })),
    };
  };

  app.openapi({ ...createDatasetGroupRoute, middleware: [admin, json] }, async (c) => {
    const { name } = c.req.valid("json");
    await createDatasetGroup(store.kv, name);
    return c.json(await groupInfo(name), 201);
  });
  app.openapi(getDatasetGroupRoute, async (c) => {
    return c.json(await groupInfo(c.req.valid("param").datasetGroup), 200);
  });
  app.openapi({ ...createDatasetRoute, middleware: [admin, json] }, async (c) => {
    const { datasetGroup, datasetType } = c.req.valid("param");
    const record = await createDataset(
      store.kv,
      datasetGroup,
      datasetType,
      c.req.valid("json").schema,
    );
    return c.json({ datasetType, schema: record.schema, rows: record.rows }, 200);
  });
  app.openapi({ ...createImportJobRoute, middleware: [admin] }, async (c) => {
    const { datasetGroup, datasetType } = c.req.valid("param");
    const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "text/csv") {
      throw unsupportedMediaType("unsupported_import_type", "imports are text/csv");
    }
    const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (s) => s.close() });
    const declared = Number(c.req.header("content-length"));
    const limited = limitStream(body, maxImportBytes);
    let overflowed = false;
    limited.overflow.then(() => (overflowed = true));
    const job = await controlPlane().importCsv(
      datasetGroup,
      datasetType,
      limited.stream,
      Number.isFinite(declared) && declared > 0 ? { totalBytes: declared } : {},
    );
    // The job record says FAILED too; the caller gets the limit as a 413.
    if (overflowed) {
      throw payloadTooLarge("body_too_large", `imports are at most ${maxImportBytes} bytes`, {
        limitBytes: maxImportBytes,
      });
    }
    return c.json(job, 200);
  });
  app.openapi(getImportJobRoute, async (c) => {
    const { datasetGroup, jobId } = c.req.valid("param");
    return c.json(await getImportJob(store.kv, datasetGroup, jobId), 200);
  });
  app.openapi({ ...putItemsRoute, middleware: [admin, json] }, async (c) => {
    const { datasetGroup } = c.req.valid("param");
    await controlPlane().putItems(datasetGroup, c.req.valid("json").items);
    return c.body(null, 204);
  });
  app.openapi({ ...putUsersRoute, middleware: [admin, json] }, async (c) => {
    const { datasetGroup } = c.req.valid("param");
    await controlPlane().putUsers(datasetGroup, c.req.valid("json").users);
    return c.body(null, 204);
  });
  app.openapi({ ...putEventsRoute, middleware: [json] }, async (c) => {
    const { datasetGroup } = c.req.valid("param");
    await getDatasetGroup(store.kv, datasetGroup);
    const { recorded } = await putEvents(store.kv, datasetGroup, c.req.valid("json"));
    campaigns.observe(datasetGroup, recorded);
    return c.body(null, 204);
  });
  app.openapi({ ...createSolutionRoute, middleware: [admin, json] }, async (c) => {
    const { name, datasetGroup } = c.req.valid("json");
    await createSolution(store.kv, { name, datasetGroup });
    return c.json({ name }, 201);
  });
  app.openapi({ ...createSolutionVersionRoute, middleware: [admin, json] }, async (c) => {
    const { solution } = c.req.valid("param");
    const version = await controlPlane().trainSolutionVersion(
      solution,
      c.req.valid("json").trainingMode,
    );
    return c.json(version, 202);
  });
  app.openapi(getSolutionVersionRoute, async (c) => {
    const { solution, version } = c.req.valid("param");
    return c.json(await getSolutionVersion(store.kv, solution, version), 200);
  });
  app.openapi({ ...createCampaignRoute, middleware: [admin, json] }, async (c) => {
    const { name, solution, solutionVersion, campaignConfig } = c.req.valid("json");
    const campaign = await createCampaign(store.kv, {
      name,
      solution,
      solutionVersion,
      itemExplorationConfig: campaignConfig.itemExplorationConfig,
    });
    return c.json(campaign, 201);
  });
  app.openapi({ ...updateCampaignRoute, middleware: [admin, json] }, async (c) => {
    const { campaign } = c.req.valid("param");
    const { solutionVersion, campaignConfig } = c.req.valid("json");
    const updated = await updateCampaign(store.kv, campaign, {
      solutionVersion,
      itemExplorationConfig: campaignConfig?.itemExplorationConfig,
    });
    campaigns.invalidate(campaign);
    return c.json(updated, 200);
  });
  app.openapi(getCampaignRoute, async (c) => {
    return c.json(await getCampaign(store.kv, c.req.valid("param").campaign), 200);
  });
  app.openapi({ ...getRecommendationsRoute, middleware: [json] }, async (c) => {
    const { campaign } = c.req.valid("param");
    return c.json(await campaigns.recommend(campaign, c.req.valid("json")), 200);
  });
  app.openapi({ ...personalizedRankingRoute, middleware: [json] }, async (c) => {
    const { campaign } = c.req.valid("param");
    return c.json(await campaigns.rank(campaign, c.req.valid("json")), 200);
  });
  app.openapi(relatedItemsRoute, async (c) => {
    const { campaign } = c.req.valid("param");
    return c.json(await campaigns.related(campaign, c.req.valid("query")), 200);
  });
  app.openapi(batchRecommendationsRoute, async (c) => {
    const { campaign } = c.req.valid("param");
    const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/x-ndjson" && type !== "application/jsonl") {
      throw unsupportedMediaType("unsupported_batch_type", "batches are application/x-ndjson");
    }
    await getCampaign(store.kv, campaign); // an unknown campaign is a 404, not a line per user
    const text = new TextDecoder().decode(await readBodyLimited(c.req.raw, 64 * MiB));
    const lines = await batchLines(text, (request) => campaigns.recommend(campaign, request));
    // JSON lines: a body the typed responses (JSON or problems) cannot express, as OIP's binary.
    return c.body(lines, 200, { "content-type": "application/x-ndjson" }) as never;
  });
  return app;
}
