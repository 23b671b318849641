/**
 * `upload <name> <run> <folder-or-files…>`: streams each checkpoint to the run in turn, with a
 * progress bar (files and bytes), and stops at the first one the server refuses.
 */
import { basename } from "node:path";
import type { CheckpointAccepted } from "../client/swa_client.ts";
import { type CheckpointFile, checkpointFiles } from "./checkpoint_files.ts";
import type { Command } from "./command.ts";
import { formatBytes } from "./format_bytes.ts";
import { createProgressBar } from "./progress_bar.ts";

export const uploadCommand: Command = {
  usage: "<name> <run> <folder-or-files…>",
  summary: "upload checkpoints: a folder's *.onnx in natural order (epoch_2 before epoch_10)",
  options: {},
  positionals: { min: 3, max: Infinity },
  async run({ positionals: [name, run, ...paths] }, { io, client }) {
    const files = await checkpointFiles(paths);
    const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
    const bar = createProgressBar(io.stderr);
    const status = (done: number, sentBytes: number, file?: CheckpointFile) =>
      `${done}/${files.length} files, ${formatBytes(sentBytes)}/${formatBytes(totalBytes)}` +
      (file ? ` ${basename(file.path)}` : "");
    let sentBefore = 0;
    let last: CheckpointAccepted | undefined;
    for (const [index, file] of files.entries()) {
      try {
        let sent = 0;
        const counted = (await Deno.open(file.path)).readable.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              sent += chunk.byteLength;
              bar.update(
                (sentBefore + sent) / (totalBytes || 1),
                status(index, sentBefore + sent, file),
              );
              controller.enqueue(chunk);
            },
          }),
        );
        last = await client.uploadCheckpoint(name, run, counted);
      } catch (error) {
        bar.done();
        io.stderr.write(
          `stopped at ${file.path} (${
            index + 1
          } of ${files.length}); ${index} uploaded before it\n`,
        );
        throw error;
      }
      sentBefore += file.bytes;
      bar.step(sentBefore / (totalBytes || 1), status(index + 1, sentBefore));
    }
    bar.done();
    io.stdout.write(
      `uploaded ${files.length} checkpoints (${formatBytes(totalBytes)}) to ${name}/${run}: ` +
        `the run holds ${last!.checkpoints} checkpoints, ${last!.swagRows} SWAG rows\n`,
    );
  },
};
