/**
 * A set of row indices in [0, capacity) with O(1) insert and O(size) clear, for the rows of an
 * embedding table one mini-batch touches.
 * @module
 */
export interface RowSet {
  list: Int32Array;
  size: number;
  /** `mark[row] === epoch` when the row is in the set. */
  mark: Int32Array;
  epoch: number;
}

export function createRowSet(capacity: number): RowSet {
  return { list: new Int32Array(capacity), size: 0, mark: new Int32Array(capacity), epoch: 1 };
}

/** Adds `row`; returns true when it was not there yet. */
export function addRow(set: RowSet, row: number): boolean {
  if (set.mark[row] === set.epoch) return false;
  set.mark[row] = set.epoch;
  set.list[set.size++] = row;
  return true;
}

export function clearRows(set: RowSet): void {
  set.size = 0;
  set.epoch++;
}
