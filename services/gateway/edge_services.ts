/**
 * The services the gateway mounts, one line each; their routes and OpenAPI entries come with
 * them. A service lands here when its edge app does (recommendations, search-qa, swa-serving).
 */
import type { EdgeService } from "@edgeml/shared/http";
import { swaServingService } from "@edgeml/swa-serving/edge";
import type { SwaControl } from "@edgeml/swa-serving/control";
import { type SearchControl, searchQaService } from "@edgeml/search-qa/edge";
import { recommendationsService } from "@edgeml/recommendations/edge";
import type { RecommendationsControl } from "@edgeml/recommendations/control";

export interface EdgeServicesOptions {
  /** Bearer token of the services' management routes (absent → they answer 403). */
  adminToken?: string;
  /** The SWA control plane, where this process has one (the embedded default). */
  swaControl?: SwaControl;
  /** The search control plane (ingestion), where this process has one. */
  searchControl?: SearchControl;
  /** The recommendations control plane (imports), where this process has one. */
  recommendationsControl?: RecommendationsControl;
}

export function edgeServices(
  { adminToken, swaControl, searchControl, recommendationsControl }: EdgeServicesOptions,
): EdgeService[] {
  return [
    recommendationsService({ control: recommendationsControl, adminToken }) as EdgeService,
    searchQaService({ control: searchControl, adminToken }) as EdgeService,
    swaServingService({ control: swaControl, adminToken }) as EdgeService,
  ];
}
