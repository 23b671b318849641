/**
 * Domain errors: what code below the edge throws instead of HTTP errors.
 * @module
 */
export * from "./domain_error.ts";
export * from "./redact_paths.ts";
