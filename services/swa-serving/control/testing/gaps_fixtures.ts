/**
 * Reads the torch fixtures of `control/testdata/gaps` (written by
 * tools/swa_fixtures/generate_gaps.py): Dropout, folded BatchNorm and changed-graph exports.
 */
import { join } from "node:path";
import { type Checkpoint, readCheckpoint } from "@edgeml/shared/swa";
import { TESTDATA } from "./fixtures.ts";

export const GAPS = join(TESTDATA, "gaps");

type Stats = Record<string, number[]>;

/** The max-abs distances torch's own update_bn runs show across seeds, per BN tensor. */
export interface Spread {
  max_pairwise_max_abs: number;
  median_pairwise_max_abs: number;
  max_seed_to_seed_mean_max_abs: number;
  max_leave_one_out_max_abs: number;
  reference_to_seed_mean_max_abs: number;
  reference_to_seed_mean_max_rel: number;
  seed_mean_over_reference_mean_ratio: number;
}

export interface GapsManifest {
  dropout: {
    input_shape: (string | number)[];
    files: { eval: string[]; dropout_kept: string[] };
    dropout_nodes: { name: string }[];
    update_bn: {
      batch_size: number;
      torch_seeds: number[];
      reference_dropout_off: Stats;
      dropout_on_per_seed: Stats[];
      dropout_on_seed_mean: Stats;
      spread: Record<string, Spread>;
    };
  };
  folded_batch_norm: { file: string; first_conv: { name: string; weight: string } };
  architecture: Record<string, {
    file: string;
    from: string;
    first_differing_node: {
      index: number;
      name: string;
      op_type: string;
      reference_op_type: string;
    };
  }>;
}

export const gaps: GapsManifest = JSON.parse(
  Deno.readTextFileSync(join(GAPS, "manifest.json")),
);

export const readGapsFixture = (file: string): Uint8Array => Deno.readFileSync(join(GAPS, file));

export const gapsCheckpoint = (file: string): Checkpoint =>
  readCheckpoint(readGapsFixture(file), { source: file });
