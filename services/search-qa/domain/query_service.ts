/**
 * Queries against an index's current snapshot, held in memory: the edge loads the version the
 * index record names (read-only, from the artifact store) and swaps to a newer one only once it
 * is loaded, so no query is dropped. Candidates are ranked by BM25F times the feedback prior,
 * the first 30 fused with their resemblance to the query's wording (`head_fusion.ts`), or, when
 * the version has a learned re-ranker and the edge has workers, by the re-ranker's score times
 * the prior (`rerank.ts`; the first way if the worker call fails). When the version carries
 * dense vectors (the index has an encoder) the query is embedded on the worker pool too and the
 * nearest items are fused with that order (`dense_fusion.ts`; lexical alone if the call fails).
 * The ranking is then shaped into Kendra's result items; the caller's city becomes the default
 * `city` filter when the request names none. Each item's `scoreConfidence` is its c (`confidence.ts`) cut by
 * the version's calibrated thresholds (`<version>.calibration.json`), the fixed ones without.
 */
import type {
  AttributeFilter,
  ChatAnswerResponse,
  FeedbackRequest,
  QueryRequest,
  QueryResponse,
  QueryResultItem,
} from "@edgeml/shared/contracts/search";
import { failed } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import type { z } from "zod";
import { validateFilter } from "./attribute_filter.ts";
import type { FeedbackPriors } from "./feedback.ts";
import {
  confidenceLevel,
  confidenceScore,
  type ConfidenceThresholds,
  FIXED_THRESHOLDS,
} from "./confidence.ts";
import { parseCalibration } from "./confidence_calibration.ts";
import {
  calibrationPath,
  getIndex,
  type IndexRecord,
  rerankerManifestPath,
  RESERVED_ATTRIBUTES,
  snapshotPath,
  vectorsPath,
} from "./index_catalog.ts";
import { createEncoderCache } from "./dense_encoder_cache.ts";
import { fuseWithDense } from "./dense_fusion.ts";
import { decodeDenseVectors } from "./dense_vectors.ts";
import { rerank } from "./rerank.ts";
import { fuseWithHeadSimilarity } from "./head_fusion.ts";
import { createRerankerClient } from "./reranker_client.ts";
import { parseRerankerManifest, type RerankerManifest } from "./reranker_manifest.ts";
import { answerItem, type Confidence, resultItem, type StoredItem } from "./result_items.ts";
import { type Analyzer, createAnalyzer, MEMO_TOKENS } from "./analyzer.ts";
import { type AlignedVectors, loadSnapshot, type SearchIndex } from "./search_index.ts";

export interface QueryServiceOptions {
  stores: TenantStores;
  priors: FeedbackPriors;
  /** Deepest attribute filter accepted (Kendra: 2; here 5 by default). */
  maxFilterDepth?: number;
  /** How long an index record is trusted before its version is checked again. */
  recordTtlMs?: number;
  /** The worker pool, which serves index versions' re-rankers; without it, BM25F order. */
  workers?: OipClient;
}

/** Candidates re-ranked (re-ranker, feedback prior) before a page is cut. */
const CANDIDATES = 30;
/** Kendra's chatbot-friendly answer: two SMS. */
export const CHAT_CHARS = 320;

const mentionsCity = (f: AttributeFilter | undefined): boolean =>
  !!f && (
    [f.equalsTo, f.containsAny, f.containsAll].some((a) => a?.key === "city") ||
    [...(f.andAllFilters ?? []), ...(f.orAllFilters ?? [])].some(mentionsCity) ||
    mentionsCity(f.notFilter)
  );

const RANK: Record<Confidence, number> = { VERY_HIGH: 3, HIGH: 2, MEDIUM: 1, LOW: 0 };

export function createQueryService(
  { stores, priors, maxFilterDepth = 5, recordTtlMs = 1000, workers }: QueryServiceOptions,
) {
  const loaded = new Map<
    string,
    {
      version: number;
      index: SearchIndex;
      analyzer: Analyzer;
      reranker?: RerankerManifest;
      thresholds: ConfidenceThresholds;
      vectors?: AlignedVectors;
    }
  >();
  const rerankers = workers && createRerankerClient(workers);
  const encoderOf = workers && createEncoderCache(stores.artifacts, workers);
  const records = new Map<string, { record: IndexRecord; at: number }>();

  async function record(name: string): Promise<IndexRecord> {
    const hit = records.get(name);
    if (hit && performance.now() - hit.at < recordTtlMs) return hit.record;
    const fresh = await getIndex(stores.kv, name);
    records.set(name, { record: fresh, at: performance.now() });
    return fresh;
  }

  async function current(
    name: string,
  ): Promise<{
    record: IndexRecord;
    index?: SearchIndex;
    analyzer?: Analyzer;
    reranker?: RerankerManifest;
    thresholds?: ConfidenceThresholds;
    vectors?: AlignedVectors;
  }> {
    const r = await record(name);
    const have = loaded.get(name);
    if (have?.version === r.version) return { record: r, ...have };
    if (r.version === 0) return { record: r };
    const bytes = await stores.artifacts.get(snapshotPath(name, r.version));
    if (!bytes) throw failed("snapshot_missing", `index '${name}' version ${r.version} is missing`);
    const manifest = await stores.artifacts.get(rerankerManifestPath(name, r.version));
    const calibration = await stores.artifacts.get(calibrationPath(name, r.version));
    const vectors = await stores.artifacts.get(vectorsPath(name, r.version));
    const index = loadSnapshot(bytes);
    // Queries keep using the version they found until this one is ready.
    const next = {
      version: r.version,
      index,
      vectors: vectors && index.alignVectors(decodeDenseVectors(vectors)),
      analyzer: createAnalyzer({ synonyms: r.synonyms, memoTokens: MEMO_TOKENS }),
      reranker: manifest ? parseRerankerManifest(manifest) : undefined,
      thresholds: (calibration && parseCalibration(calibration)) ?? FIXED_THRESHOLDS,
    };
    loaded.set(name, next);
    return { record: r, ...next };
  }

  /** Forgets the cached record, so the next query reads the newest version (after a write here). */
  function invalidate(name: string) {
    records.delete(name);
  }

  async function query(
    name: string,
    request: z.output<typeof QueryRequest>,
  ): Promise<QueryResponse> {
    const {
      record: r,
      index,
      analyzer,
      reranker,
      thresholds = FIXED_THRESHOLDS,
      vectors,
    } = await current(name);
    const schema = { ...RESERVED_ATTRIBUTES, ...r.attributeSchema };
    let filter = request.attributeFilter;
    if (filter) validateFilter(filter, schema, { maxDepth: maxFilterDepth });
    const city = request.userContext?.location?.city;
    if (city && !mentionsCity(filter)) {
      const byCity = { equalsTo: { key: "city", value: { stringValue: city } } };
      filter = filter ? { andAllFilters: [filter, byCity] } : byCity;
    }
    const queryId = crypto.randomUUID();
    const empty: QueryResponse = {
      queryId,
      resultItems: [],
      facetResults: [],
      totalNumberOfResults: 0,
      spellCorrectedQueries: [],
    };
    if (!index || !analyzer) return empty;
    const kinds = request.queryResultTypeFilter === "QUESTION_ANSWER"
      ? ["FAQ" as const]
      : request.queryResultTypeFilter
      ? ["PASSAGE" as const]
      : undefined;
    const prior = await priors.priors(name, request.queryText);
    const score = reranker && rerankers?.scorer(reranker);
    const wanted = request.pageNumber * request.pageSize;
    const queryVector = vectors && await embedQuery(name, vectors, request.queryText);
    const result = index.search({
      text: request.queryText,
      filter,
      facets: request.facets?.map((f) => f.documentAttributeKey),
      limit: Math.max(CANDIDATES, wanted),
      kinds,
      dense: queryVector && vectors
        ? { vector: queryVector, vectors, limit: CANDIDATES }
        : undefined,
    });
    // Only the first CANDIDATES are re-ranked; deeper hits keep the index's order, so every
    // page is cut from the same ranking whichever page is asked for.
    const byPrior = () => {
      const scored = result.hits.map((hit) => ({ hit, score: hit.score * prior(hit.id) }));
      const first = [
        ...scored.slice(0, CANDIDATES).sort((a, b) => b.score - a.score),
        ...scored.slice(CANDIDATES),
      ];
      return fuseWithHeadSimilarity(first, request.queryText, index.item, CANDIDATES);
    };
    const lexical = score
      ? await rerank(result.hits, {
        analyzer,
        item: index.item,
        queryText: request.queryText,
        prior,
        score,
        depth: CANDIDATES,
      }).catch(byPrior) // the worker failed: the order used without a re-ranker
      : byPrior();
    const ranked = fuseWithDense(lexical, result.denseHits, CANDIDATES);
    const groups = analyzer.expandQuery(request.queryText);
    // The lead is the best score's over the runner-up's, whatever order fusion chose.
    const [top = 0, second = 0] = ranked.slice(0, CANDIDATES).map((r) => r.score)
      .sort((a, b) => b - a);
    const confidence = (i: number): Confidence => {
      const { hit } = ranked[i];
      const c = confidenceScore(hit, {
        item: index.item(hit.id) as StoredItem,
        groups,
        analyzer,
        lead: i === 0 ? { top, second } : undefined,
      });
      return confidenceLevel(c, thresholds);
    };
    const start = (request.pageNumber - 1) * request.pageSize;
    const page = ranked.slice(start, start + request.pageSize);
    const answersOnly = request.queryResultTypeFilter === "ANSWER";
    const items: QueryResultItem[] = [];
    for (const [i, { hit }] of page.entries()) {
      const item = index.item(hit.id) as StoredItem;
      const answer = (level: Confidence) =>
        answerItem(item, hit.highlights, level, `${queryId}.answer:${hit.id}`);
      if (answersOnly) {
        // ANSWER results: each passage of the page that has an answer sentence.
        const found = answer(confidence(start + i));
        if (found) items.push(found);
        continue;
      }
      items.push(resultItem(item, hit.highlights, confidence(start + i), `${queryId}.${hit.id}`));
    }
    // The best passage on the first page also answers with its best sentence.
    const bestPassage = start === 0 && !answersOnly &&
        request.queryResultTypeFilter !== "QUESTION_ANSWER" &&
        request.queryResultTypeFilter !== "DOCUMENT"
      ? ranked.findIndex((r) => r.hit.kind === "PASSAGE")
      : -1;
    if (bestPassage >= 0 && RANK[confidence(bestPassage)] >= RANK.MEDIUM) {
      const { hit } = ranked[bestPassage];
      const answer = answerItem(
        index.item(hit.id) as StoredItem,
        hit.highlights,
        confidence(bestPassage),
        `${queryId}.answer:${hit.id}`,
      );
      if (answer) items.unshift(answer);
    }
    // Logged without holding up the answer; feedback on it can follow at once (same process).
    priors.log(name, queryId, {
      queryText: request.queryText,
      resultIds: items.map((i) => i.id),
      at: new Date().toISOString(),
    }).catch(() => undefined);
    return {
      queryId,
      resultItems: items,
      facetResults: result.facets.map((f) => ({
        documentAttributeKey: f.key,
        documentAttributeValueCountPairs: f.values.map((v) => ({
          documentAttributeValue: typeof v.value === "number"
            ? { longValue: v.value }
            : { stringValue: v.value },
          count: v.count,
        })),
      })),
      totalNumberOfResults: result.total,
      spellCorrectedQueries: Object.keys(result.suggestions).length > 0
        ? [{
          suggestedQueryText: request.queryText.replace(
            /[\p{L}\p{N}]+/gu,
            (w) => result.suggestions[w.toLowerCase()] ?? w,
          ),
          corrections: Object.entries(result.suggestions).map(([term, correctedTerm]) => ({
            term,
            correctedTerm,
          })),
        }]
        : [],
    };
  }

  async function chat(
    name: string,
    { utterance, city, callerLocation }: {
      utterance: string;
      city?: string;
      callerLocation?: { city: string };
    },
  ): Promise<ChatAnswerResponse> {
    const where = city ?? callerLocation?.city;
    const answer = await query(name, {
      queryText: utterance,
      pageSize: 3,
      pageNumber: 1,
      userContext: where ? { location: { city: where } } : undefined,
    });
    const best = answer.resultItems[0];
    if (!best || RANK[best.scoreAttributes.scoreConfidence] < RANK.MEDIUM) {
      return {
        answered: false,
        text: "I don't have a confident answer to that; let me connect you with a person.",
        queryId: answer.queryId,
      };
    }
    const full = best.type === "QUESTION_ANSWER"
      ? best.answerText!.text
      : best.documentExcerpt?.text ?? "";
    return {
      answered: true,
      text: shorten(full, CHAT_CHARS),
      uri: best.documentURI,
      scoreConfidence: best.scoreAttributes.scoreConfidence,
      queryId: answer.queryId,
    };
  }

  /** The query's vector, or undefined when the encoder is backing off or its call failed. */
  async function embedQuery(
    name: string,
    vectors: AlignedVectors,
    text: string,
  ): Promise<Float32Array | undefined> {
    try {
      const encoder = await encoderOf?.(name, vectors.encoder);
      if (!encoder?.available()) return undefined;
      return (await encoder.embed([text]))[0];
    } catch {
      return undefined; // lexical order alone, as without an encoder
    }
  }

  /**
   * Clicks and votes on a logged query's results, recorded as ranking priors. A result is
   * described by the item it showed (an `answer:` id is the ANSWER cut from a passage).
   */
  async function feedback(name: string, request: z.output<typeof FeedbackRequest>) {
    const { index } = await current(name);
    const items = [
      ...request.clickFeedbackItems.map((i) => ({ resultId: i.resultId, kind: "click" as const })),
      ...request.relevanceFeedbackItems.map((i) => ({
        resultId: i.resultId,
        kind: i.relevanceValue,
      })),
    ];
    await priors.record(name, request.queryId, items, (resultId) => {
      const answer = resultId.startsWith("answer:");
      const item = index?.item(answer ? resultId.slice("answer:".length) : resultId);
      if (!item) return undefined;
      const type = answer ? "ANSWER" : item.kind === "FAQ" ? "QUESTION_ANSWER" : "DOCUMENT";
      return { documentId: String(item.attributes._document_id ?? item.id), type };
    });
  }

  return { query, chat, feedback, current, invalidate };
}

/** At most `max` characters, cut after a sentence or at a word break, with an ellipsis. */
export function shorten(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const sentence = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("? "), cut.lastIndexOf("! "));
  if (sentence > max / 2) return cut.slice(0, sentence + 1);
  const space = cut.lastIndexOf(" ");
  return (space > 0 ? cut.slice(0, space) : cut) + "…";
}

export type QueryService = ReturnType<typeof createQueryService>;
