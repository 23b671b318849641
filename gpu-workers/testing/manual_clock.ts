/** A batcher clock that moves only when a test advances it, firing due timers in order. */
import type { BatcherClock } from "../batcher/clock.ts";

export interface ManualClock extends BatcherClock {
  /** Moves time forward by `ms`, running each timer that falls due, earliest first. */
  advance(ms: number): void;
  /** Timers scheduled and neither fired nor cancelled. */
  readonly pending: number;
}

export function createManualClock(startMs = 0): ManualClock {
  let now = startMs;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    schedule(delayUs, fn) {
      const id = ++seq;
      timers.set(id, { at: now + delayUs / 1000, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers) {
          if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
        }
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
    get pending() {
      return timers.size;
    },
  };
}
