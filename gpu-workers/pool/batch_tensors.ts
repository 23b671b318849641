/** Concatenation of requests along the batch dimension (dim 0) and the split back. */
import type { Tensor } from "@edgeml/shared/contracts";
import { datatypeInfo } from "@edgeml/shared/contracts/wire";

/**
 * Joins each input across requests; every request lists its inputs in the same order. With
 * `padToRows` over the joined row count, zero rows are appended in the same allocation (CUDA
 * batch padding, `batch_padding.ts`), unless an input's element size is not fixed (BYTES). A
 * lone request that needs no padding is returned as it is.
 */
export function concatRows(requests: readonly Tensor[][], padToRows = 0): Tensor[] {
  const first = requests[0];
  const rows = requests.reduce((n, request) => n + request[0].shape[0], 0);
  const target = padToRows > rows && rows > 0 && first.every((t) => datatypeInfo(t.datatype))
    ? padToRows
    : rows;
  if (requests.length === 1 && target === rows) return first;
  return first.map((input, i) => {
    let size = 0;
    for (const request of requests) size += request[i].bytes.byteLength;
    const bytes = new Uint8Array(target === rows ? size : (size / rows) * target);
    let offset = 0;
    for (const request of requests) {
      bytes.set(request[i].bytes, offset);
      offset += request[i].bytes.byteLength;
    }
    return {
      name: input.name,
      datatype: input.datatype,
      shape: [target, ...input.shape.slice(1)],
      bytes,
    };
  });
}

/** Keeps the first `rows` rows of each output (a padded batch's extra rows are dropped). */
export function trimRows(outputs: readonly Tensor[], rows: number): Tensor[] {
  return outputs.map((t) => {
    const total = t.shape[0];
    if (total === rows) return t;
    return {
      ...t,
      shape: [rows, ...t.shape.slice(1)],
      bytes: t.bytes.subarray(0, (t.bytes.byteLength / total) * rows),
    };
  });
}

/** Cuts each output back into per-request pieces of the given row counts, in order. */
export function splitRows(
  outputs: readonly Tensor[],
  rowsPerRequest: readonly number[],
): Tensor[][] {
  if (rowsPerRequest.length === 1) return [outputs.slice()];
  const totalRows = rowsPerRequest.reduce((a, b) => a + b, 0);
  const perRequest: Tensor[][] = rowsPerRequest.map(() => []);
  for (const output of outputs) {
    if (output.shape[0] !== totalRows) {
      throw new Error(
        `output '${output.name}' has ${output.shape[0]} rows for a batch of ${totalRows}`,
      );
    }
    const rowBytes = output.bytes.byteLength / totalRows;
    let offset = 0;
    rowsPerRequest.forEach((rows, r) => {
      const end = offset + rows * rowBytes;
      perRequest[r].push({
        name: output.name,
        datatype: output.datatype,
        shape: [rows, ...output.shape.slice(1)],
        bytes: output.bytes.subarray(offset, end),
      });
      offset = end;
    });
  }
  return perRequest;
}
