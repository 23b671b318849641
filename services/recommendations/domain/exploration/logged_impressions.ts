/**
 * A bounded, seeded sample of logged impressions (what was shown to whom, and whether it was
 * clicked), gathered while the training data is read, for fitting the CTR calibration. Rows
 * are grouped into showings: one list shown once (a recommendationId, or a user's impression
 * list at one time), every interaction row or event naming it adding its item to the clicked
 * set. Which showings are kept is decided by a hash of their key, so all rows of a showing are
 * kept or dropped together, and memory stays bounded: when more than `limit` showings are held
 * the hash threshold halves and those above it go.
 *
 * @example
 * ```ts
 * const sample = createImpressionSample();
 * sample.add("u1@1700000000@a|b|c", "u1", 1_700_000_000, ["a", "b", "c"], "b");
 * sample.showings(); // [{ userId: "u1", time, shown: ["a", "b", "c"], clicked: Set{"b"} }]
 * ```
 */

export interface Showing {
  userId: string;
  /** Epoch seconds. */
  time: number;
  shown: readonly string[];
  clicked: Set<string>;
}

/** FNV-1a, 32 bits: stable across runs, so the same data gives the same sample. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createImpressionSample(limit = 2000) {
  let threshold = 2 ** 32;
  const held = new Map<string, Showing & { hash: number }>();
  return {
    /** Adds a row: its showing's key, who saw it when, the list, and the item it clicked. */
    add(key: string, userId: string, time: number, shown: readonly string[], clicked?: string) {
      const h = hash(key);
      if (h >= threshold) return;
      let showing = held.get(key);
      if (!showing) {
        held.set(key, showing = { userId, time, shown, clicked: new Set(), hash: h });
        while (held.size > limit) {
          threshold /= 2;
          for (const [k, s] of held) if (s.hash >= threshold) held.delete(k);
        }
      }
      if (clicked !== undefined) showing.clicked.add(clicked);
    },
    showings(): Showing[] {
      return [...held.values()].map(({ hash: _hash, ...showing }) => showing);
    },
  };
}
