/**
 * Each item's creation time, the rule (and Personalize's for aws-user-personalization):
 *
 * 1. the item's `CREATION_TIMESTAMP` when the items dataset gives one;
 * 2. else the timestamp of the item's earliest interaction;
 * 3. else the latest timestamp in the data (the newest interaction, or the newest creation
 *    timestamp when there are no interactions): such an item is brand new, age 0.
 *
 * Items seen only in interactions are included (rule 2). Fed one row at a time, so the data is
 * read once and never held: memory is one number per item.
 *
 * @example
 * ```ts
 * const times = creationTimeTracker();
 * times.addItem("old", 1000);
 * times.addItem("fresh", null);
 * times.addInteraction("old", 5000);
 * times.addInteraction("seen", 3000);
 * times.addInteraction("seen", 2000);
 * times.resolve(); // Map { "old" => 1000, "fresh" => 5000, "seen" => 2000 }
 * ```
 * @module
 */

export interface CreationTimeTracker {
  /** An item of the items dataset and its `CREATION_TIMESTAMP` (null: not given). */
  addItem(itemId: string, creationTimestamp: number | null): void;
  addInteraction(itemId: string, timestamp: number): void;
  /**
   * Item id → creation time in epoch seconds. `fallback` is used for items with nothing to go
   * on when the data has no timestamp at all (default: now).
   */
  resolve(fallback?: number): Map<string, number>;
}

export function creationTimeTracker(): CreationTimeTracker {
  const given = new Map<string, number | null>();
  const firstSeen = new Map<string, number>();
  let latest = -Infinity;
  let latestCreation = -Infinity;
  return {
    addItem(itemId, creationTimestamp) {
      given.set(itemId, creationTimestamp);
      if (creationTimestamp !== null && creationTimestamp > latestCreation) {
        latestCreation = creationTimestamp;
      }
    },
    addInteraction(itemId, timestamp) {
      const seen = firstSeen.get(itemId);
      if (seen === undefined || timestamp < seen) firstSeen.set(itemId, timestamp);
      if (timestamp > latest) latest = timestamp;
    },
    resolve(fallback = Math.floor(Date.now() / 1000)) {
      const newest = Number.isFinite(latest)
        ? latest
        : Number.isFinite(latestCreation)
        ? latestCreation
        : fallback;
      const times = new Map<string, number>();
      for (const [itemId, creation] of given) {
        times.set(itemId, creation ?? firstSeen.get(itemId) ?? newest);
      }
      for (const [itemId, seen] of firstSeen) if (!times.has(itemId)) times.set(itemId, seen);
      return times;
    },
  };
}
