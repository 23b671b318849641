/**
 * Test helpers shared by every workspace member: one way to assert a problem+json response,
 * one way to assert a thrown or rejected `DomainError`, and throwaway stores.
 * @module
 */
export * from "./problem_assertions.ts";
export * from "./temp_stores.ts";
