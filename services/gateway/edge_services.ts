/**
 * The services the gateway mounts, one line each. A service lands here when its edge app does
 * (recommendations, search-qa, swa-serving); its routes and OpenAPI entries come with it.
 */
import type { EdgeService } from "@edgeml/shared/http";

export const EDGE_SERVICES: readonly EdgeService[] = [];
