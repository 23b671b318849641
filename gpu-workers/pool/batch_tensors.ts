/** Concatenation of requests along the batch dimension (dim 0) and the split back. */
import type { Tensor } from "@edgeml/shared/contracts";

/** Joins each input across requests; every request lists its inputs in the same order. */
export function concatRows(requests: readonly Tensor[][]): Tensor[] {
  if (requests.length === 1) return requests[0];
  return requests[0].map((first, i) => {
    let rows = 0;
    let size = 0;
    for (const request of requests) {
      rows += request[i].shape[0];
      size += request[i].bytes.byteLength;
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const request of requests) {
      bytes.set(request[i].bytes, offset);
      offset += request[i].bytes.byteLength;
    }
    return {
      name: first.name,
      datatype: first.datatype,
      shape: [rows, ...first.shape.slice(1)],
      bytes,
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
