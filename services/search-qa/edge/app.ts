/**
 * The search Q&A edge app: `/v1/search/…` routes validated by the contracts, each one call into
 * the domain. Queries, feedback, suggestions and chat answers run here from the in-memory
 * snapshot; ingestion (parsing HTML and PDF, building index versions) goes to the control
 * plane, which a deployment without one answers with 503.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import {
  chatAnswerRoute,
  createIndexRoute,
  deleteDocumentRoute,
  deleteEncoderRoute,
  deleteFaqRoute,
  feedbackRoute,
  flaggedRoute,
  getIndexRoute,
  listIndexesRoute,
  putDocumentRoute,
  putEncoderRoute,
  putFaqRoute,
  queryRoute,
  suggestionsRoute,
} from "@edgeml/shared/contracts/search";
import {
  adminOnly,
  bodyLimit,
  controlPlaneOf,
  createApiApp,
  type EdgeDeps,
  readBodyLimited,
} from "@edgeml/shared/http";
import type { TenantStores } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import type { EncoderUpload } from "../domain/dense_encoder.ts";
import { createFeedbackPriors } from "../domain/feedback.ts";
import { createIndexRecord, getIndex, indexInfo, listIndexes } from "../domain/index_catalog.ts";
import { createQueryService } from "../domain/query_service.ts";
import { suggest } from "../domain/suggestions.ts";
import { documentRequest } from "./document_request.ts";
import { encoderRequest } from "./encoder_request.ts";
import { type DataSourceControl, registerDataSourceRoutes } from "./data_source_routes.ts";

/** What the edge needs of the control plane: ingestion, which parses and builds. */
export interface SearchControl extends DataSourceControl {
  putFaq(index: string, faqId: string, text: string, format: string): Promise<{
    faqId: string;
    entries: number;
    version: number;
  }>;
  deleteFaq(index: string, faqId: string): Promise<void>;
  putDocument(
    index: string,
    documentId: string,
    bytes: Uint8Array,
    contentType: "HTML" | "PDF" | "PLAIN_TEXT" | "CSV",
    attributes: Record<string, unknown>,
  ): Promise<{ documentId: string; title: string; passages: number; version: number }>;
  deleteDocument(index: string, documentId: string): Promise<void>;
  putEncoder(index: string, upload: EncoderUpload): Promise<{
    encoderVersion: number;
    dimension: number;
    version: number;
  }>;
  deleteEncoder(index: string): Promise<void>;
}

export interface SearchEdgeOptions {
  control?: SearchControl;
  adminToken?: string;
}

const MiB = 1024 * 1024;

export function createSearchEdgeApp(
  deps: EdgeDeps<OipClient | undefined, TenantStores>,
  { control, adminToken }: SearchEdgeOptions = {},
): OpenAPIHono<Env> {
  const { store, config } = deps;
  const maxUploadBytes = Number(config.SEARCH_MAX_UPLOAD_BYTES) || 20 * MiB;
  // Sentence encoders run from a few MB to several hundred (MiniLM 90 MB, base models 440 MB).
  const maxEncoderBytes = Number(config.SEARCH_MAX_ENCODER_BYTES) || 1024 * MiB;
  const priors = createFeedbackPriors(store.kv);
  const queries = createQueryService({
    stores: store,
    priors,
    maxFilterDepth: Number(config.SEARCH_MAX_FILTER_DEPTH) || 5,
    workers: deps.workers,
  });
  const admin = adminOnly(adminToken, "Search index management");
  const json = bodyLimit({ maxSize: MiB });
  const controlPlane = controlPlaneOf(control, "ingest where the indexes are built");
  const app = createApiApp();

  app.openapi({ ...createIndexRoute, middleware: [admin, json] }, async (c) => {
    return c.json(indexInfo(await createIndexRecord(store.kv, c.req.valid("json"))), 201);
  });
  app.openapi(listIndexesRoute, async (c) => {
    return c.json({ indexes: (await listIndexes(store.kv)).map(indexInfo) }, 200);
  });
  app.openapi(getIndexRoute, async (c) => {
    return c.json(indexInfo(await getIndex(store.kv, c.req.valid("param").index)), 200);
  });
  app.openapi({ ...putFaqRoute, middleware: [admin] }, async (c) => {
    const { index, faqId } = c.req.valid("param");
    await getIndex(store.kv, index);
    const text = new TextDecoder().decode(await readBodyLimited(c.req.raw, maxUploadBytes));
    const accepted = await controlPlane().putFaq(index, faqId, text, c.req.valid("query").format);
    queries.invalidate(index);
    return c.json(accepted, 200);
  });
  app.openapi({ ...deleteFaqRoute, middleware: [admin] }, async (c) => {
    const { index, faqId } = c.req.valid("param");
    await controlPlane().deleteFaq(index, faqId);
    queries.invalidate(index);
    return c.body(null, 204);
  });
  app.openapi({ ...putDocumentRoute, middleware: [admin] }, async (c) => {
    const { index, documentId } = c.req.valid("param");
    await getIndex(store.kv, index);
    const { contentType, attributes } = documentRequest(c.req.raw);
    const bytes = await readBodyLimited(c.req.raw, maxUploadBytes);
    const accepted = await controlPlane().putDocument(
      index,
      documentId,
      bytes,
      contentType,
      attributes,
    );
    queries.invalidate(index);
    return c.json(accepted, 200);
  });
  app.openapi({ ...deleteDocumentRoute, middleware: [admin] }, async (c) => {
    const { index, documentId } = c.req.valid("param");
    await controlPlane().deleteDocument(index, documentId);
    queries.invalidate(index);
    return c.body(null, 204);
  });
  app.openapi({ ...putEncoderRoute, middleware: [admin] }, async (c) => {
    const { index } = c.req.valid("param");
    await getIndex(store.kv, index);
    const upload = await encoderRequest(c.req.raw, maxEncoderBytes);
    const accepted = await controlPlane().putEncoder(index, upload);
    queries.invalidate(index);
    return c.json(accepted, 200);
  });
  app.openapi({ ...deleteEncoderRoute, middleware: [admin] }, async (c) => {
    const { index } = c.req.valid("param");
    await controlPlane().deleteEncoder(index);
    queries.invalidate(index);
    return c.body(null, 204);
  });
  registerDataSourceRoutes(app, {
    control: controlPlane,
    admin,
    json,
    onIndexChanged: queries.invalidate,
  });
  app.openapi({ ...queryRoute, middleware: [json] }, async (c) => {
    return c.json(await queries.query(c.req.valid("param").index, c.req.valid("json")), 200);
  });
  app.openapi({ ...feedbackRoute, middleware: [json] }, async (c) => {
    await queries.feedback(c.req.valid("param").index, c.req.valid("json"));
    return c.body(null, 204);
  });
  app.openapi(flaggedRoute, async (c) => {
    const { index } = c.req.valid("param");
    await getIndex(store.kv, index);
    return c.json({ flagged: await priors.flagged(index) }, 200);
  });
  app.openapi(suggestionsRoute, async (c) => {
    const { index } = c.req.valid("param");
    const { prefix, size } = c.req.valid("query");
    return c.json({ suggestions: await suggest(store, priors, index, prefix, size) }, 200);
  });
  app.openapi({ ...chatAnswerRoute, middleware: [json] }, async (c) => {
    return c.json(await queries.chat(c.req.valid("param").index, c.req.valid("json")), 200);
  });
  return app;
}
