/**
 * Time as the dynamic batcher sees it: a monotonic `now()` in milliseconds and one-shot timers
 * in microseconds. The system clock is the default; tests pass a manual one and advance it.
 */
import { scheduleAfterUs } from "./precise_timer.ts";

export interface BatcherClock {
  /** Monotonic milliseconds (`performance.now()` for the system clock). */
  now(): number;
  /**
   * Calls `fn` once, `delayUs` microseconds from now; returns a function that cancels it.
   * `precise` asks for sub-millisecond accuracy (the queue delay) instead of a coarse timer
   * (request timeouts, of which many may be pending at once).
   */
  schedule(delayUs: number, fn: () => void, precise?: boolean): () => void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** `performance.now()`, `setTimeout` and, for precise delays, {@link scheduleAfterUs}. */
export const systemClock: BatcherClock = {
  now: () => performance.now(),
  schedule(delayUs, fn, precise = false) {
    if (precise) return scheduleAfterUs(delayUs, fn);
    // setTimeout fires at once past 2^31-1 ms: a longer timeout is as good as none.
    if (delayUs / 1000 > MAX_TIMER_MS) return () => {};
    const timer = setTimeout(fn, Math.max(1, delayUs / 1000));
    return () => clearTimeout(timer);
  },
};
