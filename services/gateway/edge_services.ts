/**
 * The services the gateway mounts, one line each; their routes and OpenAPI entries come with
 * them. A service lands here when its edge app does (recommendations, search-qa, swa-serving).
 */
import type { EdgeService } from "@edgeml/shared/http";
import { swaServingService } from "@edgeml/swa-serving/edge";
import type { SwaControl } from "@edgeml/swa-serving/control";

export interface EdgeServicesOptions {
  /** Bearer token of the services' management routes (absent → they answer 403). */
  adminToken?: string;
  /** The SWA control plane, where this process has one (the embedded default). */
  swaControl?: SwaControl;
}

export function edgeServices({ adminToken, swaControl }: EdgeServicesOptions): EdgeService[] {
  return [swaServingService({ control: swaControl, adminToken }) as EdgeService];
}
