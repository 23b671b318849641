/**
 * Web crawler data sources of a search index (`/v1/search/indexes/{index}/data-sources/…`):
 * Kendra's WEBCRAWLER data source in camelCase, with its sync jobs. A sync crawls the seed and
 * sitemap URLs and indexes each page as a document; later syncs re-index only what changed and
 * delete pages no longer reachable. Each route is declared once here.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_SECURITY, jsonResponse as json, problemResponse as problem } from "./route_parts.ts";
import { SearchName } from "./search.ts";

const HttpUrl = z.string().max(2048).refine((u) => {
  try {
    return ["http:", "https:"].includes(new URL(u).protocol);
  } catch {
    return false;
  }
}, "an absolute http or https URL");

export const CrawlScope = z.enum(["HOST_ONLY", "SUBDOMAINS", "EVERYTHING"]);

export const CreateDataSourceRequest = z.object({
  name: z.string().min(1).max(1000),
  type: z.literal("WEBCRAWLER"),
  description: z.string().max(1000).optional(),
  seedUrls: z.array(HttpUrl).max(100).default([]),
  /** sitemap.xml files or sitemap indexes; their URLs are crawled as seeds. */
  siteMaps: z.array(HttpUrl).max(3).default([]),
  /** Levels from the seeds: a seed is level 1, the pages it links to level 2 (Kendra's). */
  crawlDepth: z.number().int().min(0).max(10).default(2),
  maxLinksPerPage: z.number().int().min(1).max(1000).default(100),
  /** Pages over this size are not read past it (a per-URL error). */
  maxContentSizePerPageInMegaBytes: z.number().positive().max(50).default(5),
  /** Regular expressions over the whole URL: a page is indexed when it matches one (if any). */
  urlInclusionPatterns: z.array(z.string().min(1).max(150)).max(100).default([]),
  /** Regular expressions over the whole URL: a match is never fetched. */
  urlExclusionPatterns: z.array(z.string().min(1).max(150)).max(100).default([]),
  webCrawlerMode: CrawlScope.default("HOST_ONLY"),
  /** Requests per host per minute (robots.txt's Crawl-delay can only slow this down). */
  maxUrlsPerMinuteCrawlRate: z.number().int().min(1).max(6000).default(300),
  /** The longest one page may take, redirects and body included. */
  fetchTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Crawl loopback, private and link-local addresses (refused by default). */
  allowPrivateAddresses: z.boolean().default(false),
  schedule: z.object({ everyMinutes: z.number().int().min(1).max(525_600) }).optional(),
  /** Attributes every crawled page gets (checked against the index's schema). */
  attributes: z.record(
    z.string().min(1).max(200),
    z.union([
      z.string().max(2048),
      z.array(z.string().max(2048)).max(100),
      z.number().int(),
    ]),
  ).default({}),
}).refine(
  (r) => r.seedUrls.length + r.siteMaps.length > 0,
  "give at least one of seedUrls, siteMaps",
);
export type CreateDataSourceRequest = z.input<typeof CreateDataSourceRequest>;
export type DataSourceConfig = z.output<typeof CreateDataSourceRequest>;

export const DataSourceInfo = z.object({
  id: z.string(),
  index: z.string(),
  name: z.string(),
  type: z.literal("WEBCRAWLER"),
  description: z.string().optional(),
  seedUrls: z.array(z.string()),
  siteMaps: z.array(z.string()),
  crawlDepth: z.number().int(),
  maxLinksPerPage: z.number().int(),
  maxContentSizePerPageInMegaBytes: z.number(),
  urlInclusionPatterns: z.array(z.string()),
  urlExclusionPatterns: z.array(z.string()),
  webCrawlerMode: CrawlScope,
  maxUrlsPerMinuteCrawlRate: z.number().int(),
  fetchTimeoutMs: z.number().int(),
  allowPrivateAddresses: z.boolean(),
  schedule: z.object({ everyMinutes: z.number().int() }).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.number()])),
  status: z.literal("ACTIVE"),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSyncJobId: z.string().optional(),
  lastSyncStartedAt: z.string().optional(),
}).meta({ id: "SearchDataSource" });
export type DataSourceInfo = z.infer<typeof DataSourceInfo>;

export const SyncJobStatus = z.enum(["PENDING", "IN_PROGRESS", "SUCCEEDED", "FAILED"]);
export type SyncJobStatus = z.infer<typeof SyncJobStatus>;

export const SyncJob = z.object({
  jobId: z.string(),
  dataSourceId: z.string(),
  status: SyncJobStatus,
  startTime: z.string(),
  endTime: z.string().optional(),
  progress: z.object({
    /** Pages done over pages known so far (it can fall as links are found). */
    fraction: z.number().min(0).max(1),
    stage: z.enum(["PENDING", "SITEMAPS", "CRAWLING", "DELETING", "INDEXING", "DONE"]),
  }),
  /** Documents, by what this sync did to them. */
  metrics: z.object({
    documentsAdded: z.number().int(),
    documentsModified: z.number().int(),
    documentsUnchanged: z.number().int(),
    documentsDeleted: z.number().int(),
    documentsFailed: z.number().int(),
  }),
  /** Per-URL failures (the first 100; `metrics.documentsFailed` counts all). */
  errors: z.array(z.object({ url: z.string(), code: z.string(), detail: z.string() })),
  /** Why a FAILED job failed as a whole. */
  errorMessage: z.string().optional(),
}).meta({ id: "SearchSyncJob" });
export type SyncJob = z.infer<typeof SyncJob>;

// ---- routes ---------------------------------------------------------------------------------

const TAG = ["search-qa"];
const admin = ADMIN_SECURITY;
const IndexParams = z.object({ index: SearchName });
const SourceParams = IndexParams.extend({ id: SearchName });
const BASE = "/v1/search/indexes/{index}/data-sources";

export const createDataSourceRoute = createRoute({
  method: "post",
  path: BASE,
  tags: TAG,
  summary: "Create a web crawler data source (sync it to crawl)",
  security: admin,
  request: {
    params: IndexParams,
    body: { required: true, content: { "application/json": { schema: CreateDataSourceRequest } } },
  },
  responses: {
    201: json(DataSourceInfo, "Created"),
    400: problem("Invalid: a URL pattern that is not a regular expression"),
    404: problem("Unknown index"),
    422: problem("An attribute the index's schema lacks"),
  },
});

export const listDataSourcesRoute = createRoute({
  method: "get",
  path: BASE,
  tags: TAG,
  summary: "The index's data sources",
  request: { params: IndexParams },
  responses: {
    200: json(z.object({ dataSources: z.array(DataSourceInfo) }), "Data sources"),
    404: problem("Unknown index"),
  },
});

export const getDataSourceRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}`,
  tags: TAG,
  summary: "One data source",
  request: { params: SourceParams },
  responses: { 200: json(DataSourceInfo, "The data source"), 404: problem("Unknown") },
});

export const startDataSourceSyncRoute = createRoute({
  method: "post",
  path: `${BASE}/{id}/sync`,
  tags: TAG,
  summary: "Start a sync job: crawl, re-index what changed, delete what is gone",
  security: admin,
  request: { params: SourceParams },
  responses: {
    202: json(SyncJob, "Started; poll the job"),
    404: problem("Unknown"),
    409: problem("A sync of this data source is running"),
  },
});

export const listSyncJobsRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}/sync-jobs`,
  tags: TAG,
  summary: "The data source's recent sync jobs, newest first",
  request: { params: SourceParams },
  responses: {
    200: json(z.object({ syncJobs: z.array(SyncJob) }), "Sync jobs"),
    404: problem("Unknown"),
  },
});

export const getSyncJobRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}/sync-jobs/{jobId}`,
  tags: TAG,
  summary: "One sync job: status, progress, metrics and per-URL errors",
  request: { params: SourceParams.extend({ jobId: SearchName }) },
  responses: { 200: json(SyncJob, "The job"), 404: problem("Unknown") },
});
