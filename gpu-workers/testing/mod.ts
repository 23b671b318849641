/**
 * Test fixtures of the worker pool, for its own tests and for other members' integration tests:
 * throwaway model repositories, a manual batcher clock, and bounded waits on observable state.
 * @module
 */
export * from "./fixture_repository.ts";
export * from "./manual_clock.ts";
export * from "./waits.ts";
