export * from "./oip.ts";
export * from "./model_config.ts";
export * from "./openapi.ts";
