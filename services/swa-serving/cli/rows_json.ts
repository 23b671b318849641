/**
 * Rows from a JSON document: an array of rows or an object with `inputs` (its other fields are
 * returned too). A row may be nested (a 1×8×8 image as `[[[…]]]`); it is flattened row-major,
 * as the API wants it.
 */

export interface RowsDocument {
  inputs: number[][];
  /** The document's other fields when it was an object (`labels`, `mode`, …). */
  fields: Record<string, unknown>;
}

/** @param source Named in error messages (a file path, `stdin`). */
export function parseRowsDocument(text: string, source: string): RowsDocument {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`);
  }
  const { inputs, ...fields } = Array.isArray(document)
    ? { inputs: document }
    : typeof document === "object" && document !== null
    ? document as Record<string, unknown>
    : {};
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new Error(`${source}: expected a non-empty array of rows or { "inputs": [...] }`);
  }
  return { inputs: inputs.map((row, i) => flattenRow(row, `${source}: row ${i}`)), fields };
}

function flattenRow(row: unknown, where: string): number[] {
  if (!Array.isArray(row)) throw new Error(`${where} is not an array`);
  const values = row.flat(Infinity as 1) as unknown[];
  if (values.length === 0) throw new Error(`${where} is empty`);
  if (!values.every((v) => typeof v === "number")) throw new Error(`${where} holds a non-number`);
  return values as number[];
}
