/**
 * The gateway: mounts the services' edge apps and forwards the Open Inference Protocol to the
 * worker pool (over HTTP, or in process in the embedded default).
 * @module
 */
export { createGatewayApp, GATEWAY_API_INFO, type GatewayOptions } from "./app.ts";
export { edgeServices, type EdgeServicesOptions } from "./edge_services.ts";
export { httpUpstream, inProcessUpstream, type Upstream } from "./upstream.ts";
