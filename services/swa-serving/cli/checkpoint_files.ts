/**
 * The files `upload` sends: a folder stands for its `*.onnx` files in natural order (epoch_2
 * before epoch_10), a file for itself, in the order given on the command line.
 */
import { join } from "node:path";

const natural = new Intl.Collator("en", { numeric: true });

/** Orders names with their digit runs compared as numbers: `epoch_2` < `epoch_10`. */
export function naturalCompare(a: string, b: string): number {
  return natural.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export interface CheckpointFile {
  path: string;
  bytes: number;
}

export async function checkpointFiles(paths: string[]): Promise<CheckpointFile[]> {
  const files: CheckpointFile[] = [];
  for (const path of paths) {
    const info = await Deno.stat(path);
    if (!info.isDirectory) {
      files.push({ path, bytes: info.size });
      continue;
    }
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) {
      if (entry.isFile && entry.name.toLowerCase().endsWith(".onnx")) names.push(entry.name);
    }
    if (names.length === 0) throw new Error(`no *.onnx files in ${path}`);
    for (const name of names.sort(naturalCompare)) {
      const file = join(path, name);
      files.push({ path: file, bytes: (await Deno.stat(file)).size });
    }
  }
  return files;
}
