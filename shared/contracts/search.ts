/**
 * The search Q&A API (`/v1/search/…`), with Amazon Kendra's names in camelCase: indexes hold
 * FAQs (updatable in place) and documents; `query` answers with `resultItems` typed ANSWER,
 * QUESTION_ANSWER or DOCUMENT, each with highlights, a `scoreConfidence` bucket and a
 * `feedbackToken`; `attributeFilter` is Kendra's AttributeFilter (any depth up to the
 * configured maximum). Each route is declared once here.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  ADMIN_SECURITY,
  jsonBody,
  jsonResponse as json,
  problemResponse as problem,
} from "./route_parts.ts";

export const SearchName = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
  "1-64 characters of A-Z a-z 0-9 _ -, starting with a letter or digit",
);

export const AttributeType = z.enum(["STRING", "STRING_LIST", "LONG", "DATE"]);
export type AttributeType = z.infer<typeof AttributeType>;

/** Kendra's DocumentAttributeValue: exactly one of the four. */
export const DocumentAttributeValue = z.object({
  stringValue: z.string().max(2048).optional(),
  stringListValue: z.array(z.string().max(2048)).max(100).optional(),
  longValue: z.number().int().optional(),
  dateValue: z.string().datetime({ offset: true }).optional(),
}).refine(
  (v) =>
    [v.stringValue, v.stringListValue, v.longValue, v.dateValue].filter((x) => x !== undefined)
      .length === 1,
  "give exactly one of stringValue, stringListValue, longValue, dateValue",
);
export const DocumentAttribute = z.object({
  key: z.string().min(1).max(200),
  value: DocumentAttributeValue,
});

export interface AttributeFilter {
  andAllFilters?: AttributeFilter[];
  orAllFilters?: AttributeFilter[];
  notFilter?: AttributeFilter;
  equalsTo?: z.infer<typeof DocumentAttribute>;
  containsAny?: z.infer<typeof DocumentAttribute>;
  containsAll?: z.infer<typeof DocumentAttribute>;
  greaterThan?: z.infer<typeof DocumentAttribute>;
  greaterThanOrEquals?: z.infer<typeof DocumentAttribute>;
  lessThan?: z.infer<typeof DocumentAttribute>;
  lessThanOrEquals?: z.infer<typeof DocumentAttribute>;
}
/** Depth is checked by the service against its configured maximum (422 filter_too_deep). */
export const AttributeFilter: z.ZodType<AttributeFilter> = z.lazy(() =>
  z.object({
    andAllFilters: z.array(AttributeFilter).max(100).optional(),
    orAllFilters: z.array(AttributeFilter).max(100).optional(),
    notFilter: AttributeFilter.optional(),
    equalsTo: DocumentAttribute.optional(),
    containsAny: DocumentAttribute.optional(),
    containsAll: DocumentAttribute.optional(),
    greaterThan: DocumentAttribute.optional(),
    greaterThanOrEquals: DocumentAttribute.optional(),
    lessThan: DocumentAttribute.optional(),
    lessThanOrEquals: DocumentAttribute.optional(),
  }).strict()
);

export const CreateIndexRequest = z.object({
  name: SearchName,
  description: z.string().max(1000).optional(),
  /** Attribute types; `_source_uri`, `_category` and `city` are predefined. */
  attributeSchema: z.record(z.string().min(1).max(200), AttributeType).default({}),
  /** Synonyms in Solr's synonyms.txt format. */
  synonyms: z.string().max(1_000_000).optional(),
  /**
   * Train a learned re-ranker with each index version and serve it on the worker pool. Off by
   * default: on the FAQ benchmark it does not yet beat BM25F (docs/benchmarks.md), and training
   * adds seconds to every rebuild.
   */
  learnedReranker: z.boolean().default(false),
});
export type CreateIndexRequest = z.input<typeof CreateIndexRequest>;

export const SearchIndexInfo = z.object({
  name: z.string(),
  description: z.string().optional(),
  attributeSchema: z.record(z.string(), AttributeType),
  learnedReranker: z.boolean(),
  /** The dense retriever's sentence encoder (`PUT …/encoder`), when the index has one. */
  denseEncoder: z.object({
    version: z.number().int(),
    dimension: z.number().int(),
    pooling: z.enum(["mean", "cls"]),
    maxTokens: z.number().int(),
  }).optional(),
  createdAt: z.string(),
  /** The snapshot version edges serve; 0 before anything was indexed. */
  version: z.number().int(),
  faqs: z.number().int(),
  documents: z.number().int(),
  items: z.number().int(),
}).meta({ id: "SearchIndexInfo" });
export type SearchIndexInfo = z.infer<typeof SearchIndexInfo>;

export const FaqFormat = z.enum(["CSV", "CSV_WITH_HEADER", "JSON"]);
export const FaqAccepted = z.object({
  faqId: z.string(),
  entries: z.number().int(),
  version: z.number().int(),
});
export const DocumentContentType = z.enum(["HTML", "PDF", "PLAIN_TEXT", "CSV"]);
export const DocumentAccepted = z.object({
  documentId: z.string(),
  title: z.string(),
  passages: z.number().int(),
  version: z.number().int(),
});

export const QueryResultType = z.enum(["ANSWER", "QUESTION_ANSWER", "DOCUMENT"]);
export const ScoreConfidence = z.enum(["VERY_HIGH", "HIGH", "MEDIUM", "LOW"]);
export const UserContext = z.object({
  userId: z.string().max(200).optional(),
  /** The caller's city: the default `city` filter when the query names none. */
  location: z.object({ city: z.string().max(200) }).optional(),
});

export const QueryRequest = z.object({
  queryText: z.string().min(1).max(1000),
  attributeFilter: AttributeFilter.optional(),
  facets: z.array(z.object({ documentAttributeKey: z.string().min(1) })).max(10).optional(),
  pageSize: z.number().int().min(1).max(100).default(10),
  pageNumber: z.number().int().min(1).max(100).default(1),
  queryResultTypeFilter: QueryResultType.optional(),
  userContext: UserContext.optional(),
});
export type QueryRequest = z.input<typeof QueryRequest>;

export const Highlight = z.object({
  beginOffset: z.number().int(),
  endOffset: z.number().int(),
  topAnswer: z.boolean(),
  type: z.enum(["STANDARD", "THESAURUS_SYNONYM"]),
});
export const TextWithHighlights = z.object({ text: z.string(), highlights: z.array(Highlight) });

export const QueryResultItem = z.object({
  id: z.string(),
  type: QueryResultType,
  documentId: z.string(),
  documentTitle: TextWithHighlights.optional(),
  documentExcerpt: TextWithHighlights.optional(),
  documentURI: z.string().optional(),
  documentAttributes: z.array(z.object({ key: z.string(), value: z.unknown() })),
  /** QUESTION_ANSWER: the matched FAQ. */
  questionText: TextWithHighlights.optional(),
  answerText: TextWithHighlights.optional(),
  scoreAttributes: z.object({ scoreConfidence: ScoreConfidence }),
  feedbackToken: z.string(),
});
export type QueryResultItem = z.infer<typeof QueryResultItem>;

export const QueryResponse = z.object({
  queryId: z.string(),
  resultItems: z.array(QueryResultItem),
  facetResults: z.array(z.object({
    documentAttributeKey: z.string(),
    documentAttributeValueCountPairs: z.array(
      z.object({ documentAttributeValue: z.unknown(), count: z.number().int() }),
    ),
  })),
  totalNumberOfResults: z.number().int(),
  spellCorrectedQueries: z.array(z.object({
    suggestedQueryText: z.string(),
    corrections: z.array(z.object({ term: z.string(), correctedTerm: z.string() })),
  })),
});
export type QueryResponse = z.infer<typeof QueryResponse>;

export const FeedbackRequest = z.object({
  queryId: z.string().min(1).max(100),
  clickFeedbackItems: z.array(
    z.object({ resultId: z.string().min(1), clickTime: z.string().optional() }),
  )
    .max(100).default([]),
  relevanceFeedbackItems: z.array(z.object({
    resultId: z.string().min(1),
    relevanceValue: z.enum(["RELEVANT", "NOT_RELEVANT"]),
  })).max(100).default([]),
});

export const FlaggedAnswer = z.object({
  resultId: z.string(),
  documentId: z.string(),
  type: QueryResultType,
  notRelevantVotes: z.number().int(),
  relevantVotes: z.number().int(),
  queries: z.array(z.string()),
  lastVotedAt: z.string(),
});

export const ChatAnswerRequest = z.object({
  utterance: z.string().min(1).max(1000),
  city: z.string().max(200).optional(),
  callerLocation: z.object({ city: z.string().max(200) }).optional(),
});
export const ChatAnswerResponse = z.object({
  /** False: no confident answer; hand the conversation to a person. */
  answered: z.boolean(),
  text: z.string(),
  uri: z.string().optional(),
  scoreConfidence: ScoreConfidence.optional(),
  queryId: z.string(),
});
export type ChatAnswerResponse = z.infer<typeof ChatAnswerResponse>;
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

// ---- routes ---------------------------------------------------------------------------------

const TAG = ["search-qa"];
const IndexParams = z.object({ index: SearchName });
const admin = ADMIN_SECURITY;
/**
 * A body read raw by the handler (files): documented, not validated by the route (a zod schema
 * there would make the validator parse JSON bodies before the handler reads them).
 */
const raw = (types: string[]) => ({
  required: true,
  content: Object.fromEntries(
    types.map((t) => [t, { schema: { type: "string" as const, format: "binary" } }]),
  ),
});

export const createIndexRoute = createRoute({
  method: "post",
  path: "/v1/search/indexes",
  tags: TAG,
  summary: "Create an index: attribute schema, synonyms",
  security: admin,
  request: { body: jsonBody(CreateIndexRequest) },
  responses: { 201: json(SearchIndexInfo, "Created"), 409: problem("Exists") },
});

export const listIndexesRoute = createRoute({
  method: "get",
  path: "/v1/search/indexes",
  tags: TAG,
  summary: "Indexes",
  responses: { 200: json(z.object({ indexes: z.array(SearchIndexInfo) }), "Indexes") },
});

export const getIndexRoute = createRoute({
  method: "get",
  path: "/v1/search/indexes/{index}",
  tags: TAG,
  summary: "One index",
  request: { params: IndexParams },
  responses: { 200: json(SearchIndexInfo, "The index"), 404: problem("Unknown index") },
});

export const putFaqRoute = createRoute({
  method: "put",
  path: "/v1/search/indexes/{index}/faqs/{faqId}",
  tags: TAG,
  summary: "Create or replace an FAQ file (Kendra's CSV, CSV_WITH_HEADER or JSON), indexed at once",
  security: admin,
  request: {
    params: IndexParams.extend({ faqId: SearchName }),
    query: z.object({ format: FaqFormat.default("CSV_WITH_HEADER") }),
    body: raw(["text/csv", "application/json"]),
  },
  responses: {
    200: json(FaqAccepted, "Indexed"),
    400: problem("Malformed file: the line is named"),
    404: problem("Unknown index"),
    413: problem("Too large"),
  },
});

export const deleteFaqRoute = createRoute({
  method: "delete",
  path: "/v1/search/indexes/{index}/faqs/{faqId}",
  tags: TAG,
  summary: "Remove an FAQ file and its entries",
  security: admin,
  request: { params: IndexParams.extend({ faqId: SearchName }) },
  responses: { 204: { description: "Removed" }, 404: problem("Unknown") },
});

export const EncoderAccepted = z.object({
  /** The encoder's version (1 for the first upload to this index). */
  encoderVersion: z.number().int(),
  /** Length of its vectors, found by running it once. */
  dimension: z.number().int(),
  /** The index version built with every item's vector. */
  version: z.number().int(),
}).meta({ id: "EncoderAccepted" });

export const putEncoderRoute = createRoute({
  method: "put",
  path: "/v1/search/indexes/{index}/encoder",
  tags: TAG,
  summary:
    "Upload the dense retriever's sentence encoder: an ONNX model and its tokenizer.json, served on the worker pool and fused with BM25F",
  security: admin,
  request: {
    params: IndexParams,
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            type: "object" as const,
            required: ["model", "tokenizer"],
            properties: {
              model: { type: "string" as const, format: "binary", description: "ONNX model" },
              tokenizer: {
                type: "string" as const,
                format: "binary",
                description: "Hugging Face tokenizer.json",
              },
              pooling: { type: "string" as const, enum: ["mean", "cls"], default: "mean" },
              maxTokens: { type: "integer" as const, minimum: 1, maximum: 8192, default: 256 },
              output: { type: "string" as const, description: "the output holding the embedding" },
            },
          },
        },
      },
    },
  },
  responses: {
    200: json(EncoderAccepted, "Serving; the index was rebuilt with dense vectors"),
    400: problem("Malformed form"),
    404: problem("Unknown index"),
    413: problem("Too large"),
    415: problem("Not multipart/form-data"),
    422: problem("A model or tokenizer the encoder cannot use, named"),
    503: problem("No worker pool to run it on"),
  },
});

export const deleteEncoderRoute = createRoute({
  method: "delete",
  path: "/v1/search/indexes/{index}/encoder",
  tags: TAG,
  summary: "Remove the dense encoder: the index is rebuilt lexical only",
  security: admin,
  request: { params: IndexParams },
  responses: { 204: { description: "Removed" }, 404: problem("Unknown index or no encoder") },
});

export const putDocumentRoute = createRoute({
  method: "put",
  path: "/v1/search/indexes/{index}/documents/{documentId}",
  tags: TAG,
  summary:
    "Create or replace a document (HTML, PDF, text, CSV); attributes as JSON in the Edgeml-Document-Attributes header",
  security: admin,
  request: {
    params: IndexParams.extend({ documentId: SearchName }),
    body: raw(["text/html", "application/pdf", "text/plain", "text/csv"]),
  },
  responses: {
    200: json(DocumentAccepted, "Indexed"),
    404: problem("Unknown index"),
    413: problem("Too large"),
    415: problem("Unsupported content type"),
    422: problem("Unreadable document, unknown attribute"),
  },
});

export const deleteDocumentRoute = createRoute({
  method: "delete",
  path: "/v1/search/indexes/{index}/documents/{documentId}",
  tags: TAG,
  summary: "Remove a document",
  security: admin,
  request: { params: IndexParams.extend({ documentId: SearchName }) },
  responses: { 204: { description: "Removed" }, 404: problem("Unknown") },
});

export const queryRoute = createRoute({
  method: "post",
  path: "/v1/search/indexes/{index}/query",
  tags: TAG,
  summary: "Ask a question: FAQ answers, extracted answers and documents, filtered and faceted",
  request: { params: IndexParams, body: jsonBody(QueryRequest) },
  responses: {
    200: json(QueryResponse, "Results"),
    400: problem("Empty or overlong query, malformed filter"),
    404: problem("Unknown index"),
    422: problem("Unknown attribute, filter too deep, wrong value type"),
  },
});

export const feedbackRoute = createRoute({
  method: "post",
  path: "/v1/search/indexes/{index}/feedback",
  tags: TAG,
  summary: "Clicks and relevance votes; they move ranking within seconds",
  request: { params: IndexParams, body: jsonBody(FeedbackRequest) },
  responses: {
    204: { description: "Recorded" },
    404: problem("Unknown index or query"),
  },
});

export const flaggedRoute = createRoute({
  method: "get",
  path: "/v1/search/indexes/{index}/flagged",
  tags: TAG,
  summary: "Answers voted not relevant, with the queries, for an editor",
  request: { params: IndexParams },
  responses: { 200: json(z.object({ flagged: z.array(FlaggedAnswer) }), "Flagged") },
});

export const suggestionsRoute = createRoute({
  method: "get",
  path: "/v1/search/indexes/{index}/suggestions",
  tags: TAG,
  summary: "Query suggestions from FAQ questions and the query log",
  request: {
    params: IndexParams,
    query: z.object({
      prefix: z.string().min(1).max(200),
      size: z.coerce.number().int().min(1).max(20).default(5),
    }),
  },
  responses: { 200: json(z.object({ suggestions: z.array(z.string()) }), "Suggestions") },
});

export const chatAnswerRoute = createRoute({
  method: "post",
  path: "/v1/search/indexes/{index}/chat-answer",
  tags: TAG,
  summary: "One short answer (≤ 320 characters) with its link, or an explicit hand-over",
  request: { params: IndexParams, body: jsonBody(ChatAnswerRequest) },
  responses: { 200: json(ChatAnswerResponse, "The answer"), 404: problem("Unknown index") },
});
