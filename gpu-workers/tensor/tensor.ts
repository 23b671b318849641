import type { Datatype } from "../../shared/contracts/oip.ts";

/** A tensor as it travels through the pool: raw little-endian bytes plus its description. */
export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  bytes: Uint8Array;
}
