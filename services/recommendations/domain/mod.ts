/**
 * The recommendations service's domain: Personalize-style datasets (schemas, rows), the hybrid
 * two-tower model and its training, and exploration of new items. Pure modules, no HTTP.
 * @module
 */
export {};
