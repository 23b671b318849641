/**
 * Runs tasks one at a time per key, in call order (later keys' tasks run alongside): the
 * in-process guard for a read-modify-write of one run's state or one model's versions. A task
 * that fails does not stop the next.
 *
 * @example
 * ```ts
 * const perRun = createKeyedQueue();
 * await perRun.run("digits/run-1", () => ingest(bytes));
 * ```
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const result = (tails.get(key) ?? Promise.resolve()).then(task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
