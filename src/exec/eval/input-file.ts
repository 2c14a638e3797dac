/**
 * The file the rows being processed were read from, as Spark's `InputFileBlockHolder`: a file
 * source sets it before it hands out each chunk of a file (chunks never span files) and clears it
 * when its read ends. Operators process a chunk before the source reads the next, so
 * `input_file_name()` evaluated on a chunk's way from the source sees that chunk's file; rows
 * emitted later by a blocking operator (an aggregation's results) see none, as in Spark after a
 * shuffle. A stream–static join reads its sides one after the other, so its rows see the side read
 * last.
 */

/** What the holder knows: the file's URL, and the byte range read (the whole file: 0 and its size). */
export interface InputFileBlock {
  readonly path: string;
  readonly start: number;
  readonly length: number;
}

const NONE: InputFileBlock = { path: "", start: -1, length: -1 };
let current: InputFileBlock = NONE;

/** The file block being read now; `path` is "" (and the range -1) when none. */
export function currentInputFile(): InputFileBlock {
  return current;
}

/** A source starts handing out chunks of `path` (whole-file reads: `start` 0, `length` its size). */
export function setInputFile(path: string, start: number, length: number): void {
  if (current.path !== path || current.start !== start || current.length !== length) current = { path, start, length };
}

/** The source's read ended: no file until the next one starts. */
export function clearInputFile(): void {
  current = NONE;
}
