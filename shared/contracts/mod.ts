export * from "./oip.ts";
export * from "./model_config.ts";
export * from "./problem.ts";
export * from "./oip_routes.ts";
export * from "./service_routes.ts";
export * from "./datatypes.ts";
export * from "./oip_tensors.ts";
export * from "./oip_binary.ts";
