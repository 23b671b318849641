/** An int64/uint64 protobuf field value as protobufjs may hand it out (a `Long` when installed). */
export type Int64Like = number | bigint | string | {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
};

/**
 * Converts a protobuf 64-bit integer to a bigint without losing precision.
 *
 * @param unsigned read the 64 bits as unsigned (uint64 fields); a `Long`'s own flag wins.
 */
export function int64ToBigInt(value: Int64Like, unsigned = false): bigint {
  if (typeof value === "bigint") {
    return unsigned ? BigInt.asUintN(64, value) : BigInt.asIntN(64, value);
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RangeError(`not an integer: ${value}`);
    return BigInt(value);
  }
  if (typeof value === "string") return BigInt(value);
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return (value.unsigned ?? unsigned) ? bits : BigInt.asIntN(64, bits);
}

/** Converts a protobuf 64-bit integer to a number; throws when it is not a safe integer. */
export function int64ToNumber(value: Int64Like, unsigned = false): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    return value;
  }
  const big = int64ToBigInt(value, unsigned);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`64-bit integer ${big} does not fit in a safe JS number`);
  }
  return Number(big);
}
