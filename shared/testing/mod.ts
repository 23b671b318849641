/**
 * Test helpers shared by every workspace member: one way to assert a problem+json response
 * and one way to assert a thrown or rejected `DomainError`.
 * @module
 */
export * from "./problem_assertions.ts";
