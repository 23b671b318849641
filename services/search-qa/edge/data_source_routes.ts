/**
 * The web crawler data source routes (`/v1/search/indexes/{index}/data-sources/…`): each one
 * call into the control plane, which owns the records and runs the syncs. A job read as
 * SUCCEEDED tells the query service to look for the new index version at once.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env, MiddlewareHandler } from "hono";
import {
  createDataSourceRoute,
  type DataSourceConfig,
  type DataSourceInfo,
  getDataSourceRoute,
  getSyncJobRoute,
  listDataSourcesRoute,
  listSyncJobsRoute,
  startDataSourceSyncRoute,
  type SyncJob,
} from "@edgeml/shared/contracts/search_crawler";

/** What the data source routes need of the control plane. */
export interface DataSourceControl {
  createDataSource(index: string, config: DataSourceConfig): Promise<DataSourceInfo>;
  listDataSources(index: string): Promise<DataSourceInfo[]>;
  getDataSource(index: string, id: string): Promise<DataSourceInfo>;
  /** Starts a sync in the background; the job comes back PENDING. */
  startDataSourceSync(index: string, id: string): Promise<SyncJob>;
  listSyncJobs(index: string, id: string): Promise<SyncJob[]>;
  getSyncJob(index: string, id: string, jobId: string): Promise<SyncJob>;
}

export interface DataSourceRouteOptions {
  /** The control plane, or a 503 when this deployment has none. */
  control: () => DataSourceControl;
  admin: MiddlewareHandler;
  json: MiddlewareHandler;
  /** Called when a job is seen SUCCEEDED: the index has a new version. */
  onIndexChanged: (index: string) => void;
}

export function registerDataSourceRoutes(
  app: OpenAPIHono<Env>,
  { control, admin, json, onIndexChanged }: DataSourceRouteOptions,
): void {
  app.openapi({ ...createDataSourceRoute, middleware: [admin, json] }, async (c) => {
    const { index } = c.req.valid("param");
    return c.json(await control().createDataSource(index, c.req.valid("json")), 201);
  });
  app.openapi(listDataSourcesRoute, async (c) => {
    const dataSources = await control().listDataSources(c.req.valid("param").index);
    return c.json({ dataSources }, 200);
  });
  app.openapi(getDataSourceRoute, async (c) => {
    const { index, id } = c.req.valid("param");
    return c.json(await control().getDataSource(index, id), 200);
  });
  app.openapi({ ...startDataSourceSyncRoute, middleware: [admin] }, async (c) => {
    const { index, id } = c.req.valid("param");
    return c.json(await control().startDataSourceSync(index, id), 202);
  });
  app.openapi(listSyncJobsRoute, async (c) => {
    const { index, id } = c.req.valid("param");
    return c.json({ syncJobs: await control().listSyncJobs(index, id) }, 200);
  });
  app.openapi(getSyncJobRoute, async (c) => {
    const { index, id, jobId } = c.req.valid("param");
    const job = await control().getSyncJob(index, id, jobId);
    if (job.status === "SUCCEEDED") onIndexChanged(index);
    return c.json(job, 200);
  });
}
