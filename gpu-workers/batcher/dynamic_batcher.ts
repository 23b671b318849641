/**
 * Triton's dynamic batcher: requests queue per model version; whenever an instance is free,
 * the oldest requests are taken together up to `maxBatchRows` rows (or a preferred size), or
 * after the oldest has waited `maxQueueDelayUs` if the batch is not yet full. While every
 * instance is busy the queue simply fills, which is where large batches come from under load.
 */
import { unavailable } from "@edgeml/shared/errors";
import { type BatcherClock, systemClock } from "./clock.ts";

export interface BatcherOptions<T, R> {
  /** Rows one execution may take; 0 or `batching: false` runs each request alone. */
  maxBatchRows: number;
  batching: boolean;
  maxQueueDelayUs: number;
  preferredBatchRows?: number[];
  /**
   * `maxQueueDelayUs` is a ceiling: a queue holding as many rows as the last batch took goes at
   * once (its callers are back), so a lone caller never waits and a crowd only for itself.
   */
  adaptiveDelay?: boolean;
  /** Requests allowed to wait (0 = unbounded); past it, submit fails: unavailable queue_full. */
  maxQueueSize?: number;
  /**
   * Requests run together only when their keys are equal (Triton batches only requests of the
   * same shape): the batch is the oldest request and those right behind it with its key. Without
   * it any requests may join.
   */
  batchKey?: (payload: T) => string;
  /** Executions allowed to run at once right now (live instances). */
  capacity(): number;
  /** Runs one batch; resolves with one result per item, in order. */
  execute(items: T[]): Promise<R[]>;
  /** Where time comes from (default: the system clock). */
  clock?: BatcherClock;
}

interface Queued<T, R> {
  payload: T;
  rows: number;
  enqueuedAt: number;
  cancelTimeout?: () => void;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** Seconds a client should wait before retrying when the queue is full. */
const RETRY_AFTER_S = 1;

export class DynamicBatcher<T, R> {
  #queue: Queued<T, R>[] = [];
  #running = 0;
  #cancelDelay?: () => void;
  #idleWaiters: Array<() => void> = [];
  /** With `adaptiveDelay`: rows the last batch took, what the next can expect (1 at first). */
  #expectedRows = 1;
  readonly #clock: BatcherClock;

  constructor(readonly options: BatcherOptions<T, R>) {
    this.#clock = options.clock ?? systemClock;
  }

  get queued(): number {
    return this.#queue.length;
  }

  get running(): number {
    return this.#running;
  }

  /** Queues one request of `rows` rows; `timeoutUs` > 0 drops it if it has not run by then. */
  submit(payload: T, rows: number, timeoutUs = 0): Promise<R> {
    const { maxQueueSize = 0 } = this.options;
    if (maxQueueSize > 0 && this.#queue.length >= maxQueueSize) {
      return Promise.reject(
        unavailable(
          "queue_full",
          `the model's queue holds its maximum of ${maxQueueSize} requests`,
          { retryAfterSeconds: RETRY_AFTER_S },
        ),
      );
    }
    return new Promise<R>((resolve, reject) => {
      const item: Queued<T, R> = {
        payload,
        rows,
        enqueuedAt: this.#clock.now(),
        resolve,
        reject,
      };
      if (timeoutUs > 0) {
        item.cancelTimeout = this.#clock.schedule(timeoutUs, () => this.#expire(item, timeoutUs));
      }
      this.#queue.push(item);
      this.pump();
    });
  }

  /** Dispatches what can run now; call it again when capacity comes back. */
  pump(): void {
    while (this.#queue.length > 0 && this.#running < this.options.capacity()) {
      const batch = this.#takeBatch();
      if (!batch) return;
      this.#run(batch);
    }
  }

  /** Resolves once nothing is queued or running (used before unloading a version). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Fails every queued request (shutdown without drain). */
  rejectAll(error: unknown): void {
    this.#disarmDelay();
    for (const item of this.#queue.splice(0)) {
      item.cancelTimeout?.();
      item.reject(error);
    }
    this.#notifyIdle();
  }

  #takeBatch(): Queued<T, R>[] | undefined {
    const { batching, maxBatchRows, maxQueueDelayUs, preferredBatchRows = [] } = this.options;
    if (!batching || maxBatchRows <= 0) return this.#queue.splice(0, 1);
    const { batchKey } = this.options;
    const key = batchKey?.(this.#queue[0].payload);
    let rows = 0;
    let count = 0;
    let differs = false;
    while (count < this.#queue.length && rows + this.#queue[count].rows <= maxBatchRows) {
      if (batchKey && count > 0 && batchKey(this.#queue[count].payload) !== key) {
        differs = true;
        break;
      }
      rows += this.#queue[count].rows;
      count++;
    }
    // An oversized request (validation normally stops it) still runs alone rather than stall.
    if (count === 0) return this.#queue.splice(0, 1);
    // A request of another shape behind this batch cannot join it: waiting gains nothing.
    const full = differs || count < this.#queue.length || rows === maxBatchRows;
    const preferred = preferredBatchRows.includes(rows);
    const expected = this.options.adaptiveDelay === true &&
      rows >= Math.min(this.#expectedRows, maxBatchRows);
    const waitedUs = (this.#clock.now() - this.#queue[0].enqueuedAt) * 1000;
    if (!full && !preferred && !expected && waitedUs < maxQueueDelayUs) {
      this.#armDelay(maxQueueDelayUs - waitedUs);
      return undefined;
    }
    // A delay that ran out short of the expectation lowers it: fewer callers than before.
    this.#expectedRows = rows;
    return this.#queue.splice(0, count);
  }

  #armDelay(remainingUs: number) {
    if (this.#cancelDelay) return;
    this.#cancelDelay = this.#clock.schedule(remainingUs, () => {
      this.#cancelDelay = undefined;
      this.pump();
    }, true);
  }

  #disarmDelay() {
    this.#cancelDelay?.();
    this.#cancelDelay = undefined;
  }

  #run(batch: Queued<T, R>[]) {
    // Whatever the pending delay waited for has just been dispatched.
    this.#disarmDelay();
    this.#running++;
    for (const item of batch) item.cancelTimeout?.();
    // The next batch goes out before this one's callers are answered: their continuations
    // (encoding responses) would otherwise keep the freed instance waiting.
    const settle = (answer: () => void) => {
      this.#running--;
      this.pump();
      answer();
      this.#notifyIdle();
    };
    this.options.execute(batch.map((b) => b.payload)).then(
      (results) => settle(() => batch.forEach((item, i) => item.resolve(results[i]))),
      (error) => settle(() => batch.forEach((item) => item.reject(error))),
    );
  }

  #expire(item: Queued<T, R>, timeoutUs: number) {
    const index = this.#queue.indexOf(item);
    if (index < 0) return;
    this.#queue.splice(index, 1);
    item.reject(
      unavailable(
        "queue_timeout",
        `the request waited ${timeoutUs} µs in the queue without running and was dropped`,
        { retryAfterSeconds: RETRY_AFTER_S },
      ),
    );
    this.#notifyIdle();
  }

  #notifyIdle() {
    if (this.#queue.length === 0 && this.#running === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
