/**
 * The OIP wire codecs alone (datatype table, JSON and binary tensor codecs), without the zod
 * schemas and route declarations: what worker threads and load generators load, so a thread
 * starts without zod and `@hono/zod-openapi`.
 * @module
 */
export * from "./datatypes.ts";
export * from "./oip_tensors.ts";
export * from "./oip_binary.ts";
