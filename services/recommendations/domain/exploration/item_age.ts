/**
 * Item age and coldness for exploration, as Personalize defines the age cutoff:
 *
 *   ageDays = max(0, (referenceTimestamp − creationTimestamp) / 86 400)
 *   cold    ⇔ ageDays < explorationItemAgeCutoff
 *
 * `referenceTimestamp` is the latest interaction in the training data (epoch seconds), not the
 * wall clock, so a campaign's cold set does not drift between trainings. Items created after
 * it (they arrived since the last training) have age 0 and are cold. Only cold items are ever
 * explored; older ones can still be recommended on relevance.
 * Source: AWS Personalize developer guide, User-Personalization recipe,
 * `explorationItemAgeCutoff`.
 */

const SECONDS_PER_DAY = 86_400;

/** Days between an item's creation and the reference time (never negative). */
export function itemAgeDays(creationTimestamp: number, referenceTimestamp: number): number {
  return Math.max(0, (referenceTimestamp - creationTimestamp) / SECONDS_PER_DAY);
}

/** Whether an item of this age may be explored under the cutoff (strictly younger). */
export function isColdItem(ageDays: number, explorationItemAgeCutoff: number): boolean {
  return ageDays < explorationItemAgeCutoff;
}
