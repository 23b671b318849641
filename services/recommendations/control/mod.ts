/**
 * The recommendations service's control plane: dataset imports and training jobs.
 * @module
 */
export {};
