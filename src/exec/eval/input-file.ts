/**
 * The file the rows being processed were read from, as Spark's `InputFileBlockHolder`. A file or
 * Delta source tags each chunk it hands out with its file (chunks never span files);
 * `executePhysical` makes a chunk's file current right before an operator processes the chunk and
 * tags the operator's output with it, so `input_file_name()` sees the file of the rows it is
 * evaluated on, wherever other queries' chunks are meanwhile. Rows a blocking operator emits later
 * (an aggregation's results) carry no file, as in Spark after a shuffle.
 */
import type { Batch } from "../../columnar/batch.js";

/** A file and the byte range read (the whole file: 0 and its size). */
export interface InputFileBlock {
  readonly path: string;
  readonly start: number;
  readonly length: number;
}

const NONE: InputFileBlock = { path: "", start: -1, length: -1 };
let current: InputFileBlock = NONE;
const tags = new WeakMap<Batch, InputFileBlock>();

/** The file block of the rows being processed; `path` is "" (and the range -1) when none. */
export function currentInputFile(): InputFileBlock {
  return current;
}

/** Records that `batch` was read from `block`; returns `batch`. */
export function tagInputFile(batch: Batch, block: InputFileBlock | undefined): Batch {
  if (block !== undefined) tags.set(batch, block);
  return batch;
}

/** The file `batch` was read from, if a source (or an operator fed from one) tagged it. */
export function inputFileOf(batch: Batch): InputFileBlock | undefined {
  return tags.get(batch);
}

/** Makes `block` (none when undefined) the current file: call right before processing its rows. */
export function enterInputFile(block: InputFileBlock | undefined): void {
  current = block ?? NONE;
}
