/**
 * The recommendations API (`/v1/recommendations/…`): Amazon Personalize's resources and fields in
 * camelCase, so users of `aws-user-personalization` find what they know. Dataset groups hold up
 * to one dataset per type (interactions, items, users) with an Avro schema; import jobs stream a
 * CSV into a dataset; solutions train versions (FULL or UPDATE) with offline metrics; campaigns
 * serve a version with an exploration config and are updated in place; recommendations,
 * personalized ranking and related items read a campaign; events flow back through a dataset
 * group. Each route is declared once here; the edge app registers these objects and clients and
 * tests read the same types. Beyond Personalize, results say why an item is there (`reason`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  ADMIN_SECURITY,
  jsonBody,
  jsonResponse as json,
  problemResponse as problem,
} from "./route_parts.ts";

const TAG = ["recommendations"];

/** A dataset group, solution or campaign name: 1–63 of `[A-Za-z0-9_-]`, as Personalize's. */
export const RecsName = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
  "1-63 characters of A-Z a-z 0-9 _ -, starting with a letter or digit",
);
/** A user or item id, as Personalize bounds them. */
export const EntityId = z.string().min(1).max(256);

export const DatasetType = z.enum(["INTERACTIONS", "ITEMS", "USERS"]);
export type DatasetType = z.infer<typeof DatasetType>;

/** Long jobs' status, as Personalize reports it. */
export const JobStatus = z.enum(["PENDING", "IN_PROGRESS", "ACTIVE", "FAILED"]);

export const Progress = z.object({
  /** 0–1. */
  fraction: z.number(),
  stage: z.string(),
});

// ---- dataset groups, datasets, imports ------------------------------------------------------

export const CreateDatasetGroupRequest = z.object({ name: RecsName });
export const DatasetGroup = z.object({
  name: z.string(),
  createdAt: z.string(),
  datasets: z.array(z.object({
    datasetType: DatasetType,
    /** Rows held: interactions accumulate, items and users are kept by id. */
    rows: z.number().int(),
  })),
}).meta({ id: "DatasetGroup" });

export const CreateDatasetRequest = z.object({
  /** Personalize's schema in its Avro JSON form; inferred from the first import's header when absent. */
  schema: z.record(z.string(), z.unknown()).optional(),
});

export const ImportRowError = z.object({
  /** 1-based line of the CSV file. */
  line: z.number().int(),
  column: z.string().optional(),
  message: z.string(),
});

export const DatasetImportJob = z.object({
  jobId: z.string(),
  datasetGroup: z.string(),
  datasetType: DatasetType,
  status: JobStatus,
  progress: Progress.optional(),
  rowsImported: z.number().int(),
  rowsFailed: z.number().int(),
  /** The first row errors, each naming its line; `rowsFailed` counts them all. */
  errors: z.array(ImportRowError),
  /** Artifact path of every kept row error as JSON lines. */
  errorReport: z.string().optional(),
  failureReason: z.string().optional(),
  createdAt: z.string(),
  endedAt: z.string().optional(),
}).meta({ id: "DatasetImportJob" });

export const PutItemsRequest = z.object({
  items: z.array(z.object({
    itemId: EntityId,
    /** The item's metadata columns by schema field name (JSON values, `|`-lists as strings). */
    properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .default({}),
  })).min(1).max(10),
});
export const PutUsersRequest = z.object({
  users: z.array(z.object({
    userId: EntityId,
    properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .default({}),
  })).min(1).max(10),
});

// ---- solutions and versions -----------------------------------------------------------------

export const TrainingMode = z.enum(["FULL", "UPDATE"]);

export const CreateSolutionRequest = z.object({
  name: RecsName,
  datasetGroup: RecsName,
  /** The one recipe served: two-tower with item exploration. */
  recipe: z.literal("aws-user-personalization").default("aws-user-personalization"),
});

export const SolutionVersionMetrics = z.object({
  coverage: z.number(),
  "precision_at_5": z.number(),
  "precision_at_10": z.number(),
  "precision_at_25": z.number(),
  "normalized_discounted_cumulative_gain_at_5": z.number(),
  "normalized_discounted_cumulative_gain_at_10": z.number(),
  "normalized_discounted_cumulative_gain_at_25": z.number(),
  "mean_reciprocal_rank_at_25": z.number(),
  /** Share of items without training interactions that appear in some top-25 list. */
  coldItemCoverage: z.number(),
});

export const SolutionVersion = z.object({
  solution: z.string(),
  version: z.number().int(),
  trainingMode: TrainingMode,
  status: JobStatus,
  progress: Progress.optional(),
  /** Offline metrics on the time-based holdout, and the popularity baseline's beside them. */
  metrics: SolutionVersionMetrics.optional(),
  baselineMetrics: SolutionVersionMetrics.optional(),
  trainingSeconds: z.number().optional(),
  failureReason: z.string().optional(),
  createdAt: z.string(),
}).meta({ id: "SolutionVersion" });

// ---- campaigns ------------------------------------------------------------------------------

export const ItemExplorationConfig = z.object({
  /**
   * 0: relevance only; 1: as much exploration as the rule allows. Outside [0, 1] is a 422 from
   * the exploration rule, not a schema error. Numeric strings are taken, as Personalize sends.
   */
  explorationWeight: z.union([z.number(), z.string()]).default(0.3),
  /**
   * Items created less than this many days before the latest training interaction are explored;
   * > 0 (else 422).
   */
  explorationItemAgeCutoff: z.union([z.number(), z.string()]).default(30),
});

const DEFAULT_EXPLORATION = { explorationWeight: 0.3, explorationItemAgeCutoff: 30 };

export const CreateCampaignRequest = z.object({
  name: RecsName,
  solution: RecsName,
  /** The solution version served (default: the latest ACTIVE one). */
  solutionVersion: z.number().int().min(1).optional(),
  campaignConfig: z.object({
    itemExplorationConfig: ItemExplorationConfig.default(DEFAULT_EXPLORATION),
  }).default({ itemExplorationConfig: DEFAULT_EXPLORATION }),
});
/** Only what is given changes (no defaults: a missing field keeps the campaign's value). */
export const UpdateCampaignRequest = z.object({
  solutionVersion: z.number().int().min(1).optional(),
  campaignConfig: z.object({
    itemExplorationConfig: z.object({
      explorationWeight: z.union([z.number(), z.string()]).optional(),
      explorationItemAgeCutoff: z.union([z.number(), z.string()]).optional(),
    }).optional(),
  }).optional(),
});

export const Campaign = z.object({
  name: z.string(),
  solution: z.string(),
  solutionVersion: z.number().int(),
  campaignConfig: z.object({ itemExplorationConfig: ItemExplorationConfig }),
  status: JobStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: "Campaign" });

// ---- serving --------------------------------------------------------------------------------

export const RecommendationReason = z.enum(["relevance", "exploration", "popular fallback"]);

export const PredictedItem = z.object({
  itemId: z.string(),
  score: z.number(),
  reason: RecommendationReason,
});

/** Personalize's INCLUDE / EXCLUDE on the items schema's categorical fields. */
export const ItemFilter = z.object({
  /** Keep only items with one of these values in every field named. */
  include: z.record(z.string(), z.array(z.string()).min(1).max(100)).optional(),
  /** Drop items with one of these values in any field named. */
  exclude: z.record(z.string(), z.array(z.string()).min(1).max(100)).optional(),
  /**
   * Drop items the user already interacted with (Personalize's `EXCLUDE ItemID WHERE
   * Interactions.EVENT_TYPE IN (…)` over every event type): those the version was trained on and
   * their events since, bare impressions aside.
   */
  excludeInteracted: z.boolean().optional(),
});

export const GetRecommendationsRequest = z.object({
  userId: EntityId,
  numResults: z.number().int().min(1).max(500).default(25),
  filter: ItemFilter.optional(),
});
export const GetRecommendationsResponse = z.object({
  itemList: z.array(PredictedItem),
  recommendationId: z.string(),
});

export const PersonalizedRankingRequest = z.object({
  userId: EntityId,
  inputList: z.array(EntityId).min(1).max(500),
  filter: ItemFilter.optional(),
});
export const PersonalizedRankingResponse = z.object({
  personalizedRanking: z.array(PredictedItem),
  recommendationId: z.string(),
});

export const Event = z.object({
  /** Repeated ids are ignored, so a client may retry. */
  eventId: z.string().min(1).max(256).optional(),
  eventType: z.string().min(1).max(256),
  itemId: EntityId,
  /** When it happened: epoch seconds, or an ISO-8601 time. */
  sentAt: z.union([z.number(), z.string().datetime({ offset: true })]),
  eventValue: z.number().optional(),
  /** The items shown with it. */
  impression: z.array(EntityId).max(500).optional(),
  /** The recommendation it answers: its items count as shown. */
  recommendationId: z.string().max(256).optional(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .refine((p) => JSON.stringify(p).length <= 1024, "properties above 1 KB")
    .optional(),
});

export const PutEventsRequest = z.object({
  sessionId: z.string().min(1).max(256),
  userId: EntityId.optional(),
  eventList: z.array(Event).min(1).max(10),
});

// ---- routes ---------------------------------------------------------------------------------

const GroupParams = z.object({ datasetGroup: RecsName });
const CampaignParams = z.object({ campaign: RecsName });

export const createDatasetGroupRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/dataset-groups",
  tags: TAG,
  summary: "Create a dataset group",
  security: ADMIN_SECURITY,
  request: { body: jsonBody(CreateDatasetGroupRequest) },
  responses: { 201: json(DatasetGroup, "Created"), 409: problem("Exists") },
});

export const getDatasetGroupRoute = createRoute({
  method: "get",
  path: "/v1/recommendations/dataset-groups/{datasetGroup}",
  tags: TAG,
  summary: "A dataset group and its datasets",
  request: { params: GroupParams },
  responses: { 200: json(DatasetGroup, "The group"), 404: problem("Unknown") },
});

export const createDatasetRoute = createRoute({
  method: "put",
  path: "/v1/recommendations/dataset-groups/{datasetGroup}/datasets/{datasetType}",
  tags: TAG,
  summary: "Create a dataset with its schema (Personalize's Avro JSON)",
  security: ADMIN_SECURITY,
  request: {
    params: GroupParams.extend({ datasetType: DatasetType }),
    body: jsonBody(CreateDatasetRequest),
  },
  responses: {
    200: json(
      z.object({ datasetType: DatasetType, schema: z.unknown(), rows: z.number().int() }),
      "Created",
    ),
    404: problem("Unknown group"),
    422: problem("A schema that breaks Personalize's rules, the field named"),
  },
});

export const createImportJobRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/dataset-groups/{datasetGroup}/datasets/{datasetType}/import-jobs",
  tags: TAG,
  summary:
    "Import a CSV into the dataset: streamed through the job as it arrives, bad rows reported with their line; answers the job's final record (poll GET …/import-jobs/{jobId} meanwhile)",
  security: ADMIN_SECURITY,
  request: {
    params: GroupParams.extend({ datasetType: DatasetType }),
    body: {
      required: true,
      content: { "text/csv": { schema: { type: "string" as const, format: "binary" } } },
    },
  },
  responses: {
    200: json(DatasetImportJob, "Ended: ACTIVE (rows imported, bad rows listed) or FAILED"),
    404: problem("Unknown group or dataset"),
    413: problem("Above the import size limit"),
    415: problem("Not text/csv"),
  },
});

export const getImportJobRoute = createRoute({
  method: "get",
  path: "/v1/recommendations/dataset-groups/{datasetGroup}/import-jobs/{jobId}",
  tags: TAG,
  summary: "An import job: status, progress, row errors",
  request: { params: GroupParams.extend({ jobId: z.string().min(1).max(64) }) },
  responses: { 200: json(DatasetImportJob, "The job"), 404: problem("Unknown") },
});

export const putItemsRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/dataset-groups/{datasetGroup}/items",
  tags: TAG,
  summary: "Add or replace items (Personalize's PutItems)",
  security: ADMIN_SECURITY,
  request: { params: GroupParams, body: jsonBody(PutItemsRequest) },
  responses: { 204: { description: "Stored" }, 400: problem("Invalid"), 404: problem("Unknown") },
});

export const putUsersRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/dataset-groups/{datasetGroup}/users",
  tags: TAG,
  summary: "Add or replace users (Personalize's PutUsers)",
  security: ADMIN_SECURITY,
  request: { params: GroupParams, body: jsonBody(PutUsersRequest) },
  responses: { 204: { description: "Stored" }, 400: problem("Invalid"), 404: problem("Unknown") },
});

export const putEventsRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/dataset-groups/{datasetGroup}/events",
  tags: TAG,
  summary: "Record 1–10 events (durable before the answer; repeated eventIds ignored)",
  request: { params: GroupParams, body: jsonBody(PutEventsRequest) },
  responses: {
    204: { description: "Recorded" },
    400: problem("More than 10 events, oversized properties, bad fields"),
    404: problem("Unknown group"),
  },
});

export const createSolutionRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/solutions",
  tags: TAG,
  summary: "Create a solution (aws-user-personalization)",
  security: ADMIN_SECURITY,
  request: { body: jsonBody(CreateSolutionRequest) },
  responses: { 201: json(z.object({ name: z.string() }), "Created"), 409: problem("Exists") },
});

export const createSolutionVersionRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/solutions/{solution}/versions",
  tags: TAG,
  summary: "Train a version: FULL from scratch, or UPDATE from the latest with new data",
  security: ADMIN_SECURITY,
  request: {
    params: z.object({ solution: RecsName }),
    body: jsonBody(z.object({ trainingMode: TrainingMode.default("FULL") })),
  },
  responses: {
    202: json(SolutionVersion, "Training"),
    404: problem("Unknown solution"),
    422: problem("Too little data (the minimums named), or UPDATE with no version to update"),
  },
});

export const getSolutionVersionRoute = createRoute({
  method: "get",
  path: "/v1/recommendations/solutions/{solution}/versions/{version}",
  tags: TAG,
  summary: "A solution version: status, progress, offline metrics",
  request: { params: z.object({ solution: RecsName, version: z.coerce.number().int().min(1) }) },
  responses: { 200: json(SolutionVersion, "The version"), 404: problem("Unknown") },
});

export const createCampaignRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/campaigns",
  tags: TAG,
  summary: "Serve a solution version with an exploration config",
  security: ADMIN_SECURITY,
  request: { body: jsonBody(CreateCampaignRequest) },
  responses: {
    201: json(Campaign, "Serving"),
    404: problem("Unknown solution or version"),
    409: problem("Exists"),
    422: problem("explorationWeight outside [0, 1] or a cutoff ≤ 0"),
  },
});

export const updateCampaignRoute = createRoute({
  method: "patch",
  path: "/v1/recommendations/campaigns/{campaign}",
  tags: TAG,
  summary: "Move a campaign to another version or exploration config, without downtime",
  security: ADMIN_SECURITY,
  request: { params: CampaignParams, body: jsonBody(UpdateCampaignRequest) },
  responses: { 200: json(Campaign, "Updated"), 404: problem("Unknown"), 422: problem("Invalid") },
});

export const getCampaignRoute = createRoute({
  method: "get",
  path: "/v1/recommendations/campaigns/{campaign}",
  tags: TAG,
  summary: "A campaign",
  request: { params: CampaignParams },
  responses: { 200: json(Campaign, "The campaign"), 404: problem("Unknown") },
});

export const getRecommendationsRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/campaigns/{campaign}/recommendations",
  tags: TAG,
  summary: "Recommendations for a user, with why each item is there",
  request: { params: CampaignParams, body: jsonBody(GetRecommendationsRequest) },
  responses: {
    200: json(GetRecommendationsResponse, "Recommended"),
    400: problem("numResults out of range"),
    404: problem("Unknown campaign"),
  },
});

export const personalizedRankingRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/campaigns/{campaign}/personalized-ranking",
  tags: TAG,
  summary: "Rank up to 500 given items for a user",
  request: { params: CampaignParams, body: jsonBody(PersonalizedRankingRequest) },
  responses: {
    200: json(PersonalizedRankingResponse, "Ranked"),
    400: problem("Invalid"),
    404: problem("Unknown campaign"),
  },
});

export const relatedItemsRoute = createRoute({
  method: "get",
  path: "/v1/recommendations/campaigns/{campaign}/related-items",
  tags: TAG,
  summary: "Items related to an item (nearest item vectors)",
  request: {
    params: CampaignParams,
    query: z.object({
      itemId: EntityId,
      numResults: z.coerce.number().int().min(1).max(500).default(25),
    }),
  },
  responses: {
    200: json(GetRecommendationsResponse, "Related"),
    404: problem("Unknown campaign or item"),
  },
});

export const batchRecommendationsRoute = createRoute({
  method: "post",
  path: "/v1/recommendations/campaigns/{campaign}/batch-recommendations",
  tags: TAG,
  summary:
    'Recommendations for many users: JSON lines in ({"userId": …, "numResults"?: …}), JSON lines out ({"input", "output" | "error"}), one per line, in order',
  request: {
    params: CampaignParams,
    body: {
      required: true,
      content: { "application/x-ndjson": { schema: { type: "string" as const } } },
    },
  },
  responses: {
    200: {
      description: "One JSON line per input line; a bad line answers its own error",
      content: { "application/x-ndjson": { schema: z.string() } },
    },
    404: problem("Unknown campaign"),
    413: problem("Too large"),
    415: problem("Not application/x-ndjson"),
  },
});
