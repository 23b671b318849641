/**
 * A timer for sub-millisecond batching delays. Deno's `setTimeout` fires no sooner than about
 * 2 ms after it is set, whatever the delay, which would turn a 500 µs `max_queue_delay_us` into
 * 2.5 ms. The tail of the wait polls with `setImmediate` instead: it yields to I/O between
 * checks, so requests keep arriving (and can fill the batch) while it waits.
 */
import { setImmediate } from "node:timers";

/** The part of a wait left to `setTimeout`'s coarse clock; the rest is polled. */
const COARSE_SLACK_MS = 3;
/** Delays from here on are not polled at all. */
const COARSE_FROM_US = 1_000;

/**
 * Calls `fn` once `delayUs` microseconds have passed; returns a function that cancels it.
 * Delays of a millisecond or more take `setTimeout` alone (it may fire a millisecond or two
 * late): polling for that long would take the CPU from the requests the wait is for.
 */
export function scheduleAfterUs(delayUs: number, fn: () => void): () => void {
  if (delayUs >= COARSE_FROM_US) {
    const timer = setTimeout(fn, delayUs / 1000);
    return () => clearTimeout(timer);
  }
  const deadline = performance.now() + delayUs / 1000;
  let cancelled = false;
  let coarse: ReturnType<typeof setTimeout> | undefined;
  const poll = () => {
    if (cancelled) return;
    if (performance.now() >= deadline) fn();
    else setImmediate(poll);
  };
  const coarseMs = delayUs / 1000 - COARSE_SLACK_MS;
  if (coarseMs > 0) coarse = setTimeout(poll, coarseMs);
  else setImmediate(poll);
  return () => {
    cancelled = true;
    clearTimeout(coarse);
  };
}
