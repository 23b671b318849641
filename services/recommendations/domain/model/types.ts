/**
 * The model's inputs as parallel typed arrays, so that a million interactions cost a few
 * megabytes and no objects. Users and items are dense indices (`0 … numUsers − 1`,
 * `0 … numItems − 1`) that the dataset layer assigns to Personalize's USER_ID / ITEM_ID.
 * @module
 */

/** Interactions: row r says user `user[r]` interacted with item `item[r]` at `time[r]` (epoch s). */
export interface Interactions {
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
}

/**
 * A list of token ids per entity (CSR): entity e owns `tokens[offsets[e] … offsets[e + 1])`.
 * `offsets` has one more entry than there are entities.
 */
export interface TokenLists {
  offsets: Int32Array;
  tokens: Int32Array;
}

/** Everything training reads: interactions plus item and user metadata as token lists. */
export interface TrainingData {
  interactions: Interactions;
  numUsers: number;
  numItems: number;
  /** Item metadata tokens (categorical values and words of textual fields), `numItems` lists. */
  itemTokens: TokenLists;
  /** Size of the item token space (e.g. the hash buckets of {@link hashMetadataTokens}). */
  numItemTokens: number;
  /** User metadata tokens, `numUsers` lists. */
  userTokens: TokenLists;
  numUserTokens: number;
  /** A sample of logged impressions, one row per item shown, for the CTR calibration. */
  impressions?: LoggedImpressions;
}

/** Logged impressions: row r showed item `item[r]` to user `user[r]` at `time[r]`. */
export interface LoggedImpressions {
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
  /** 1 where the user clicked (interacted with) the item of that showing. */
  clicked: Uint8Array;
}

/** Token lists where every entity has none: for data without metadata. */
export function emptyTokenLists(entities: number): TokenLists {
  return { offsets: new Int32Array(entities + 1), tokens: new Int32Array(0) };
}
