/**
 * Reading one file as bounded chunks of whole lines, so a source never holds more than one chunk
 * of one file (plus, for compressed files, the file's decompressed bytes) in memory.
 *
 * Uncompressed files larger than a chunk are read with ranged reads; a line crossing a read
 * boundary is carried into the next read. Compressed files are decompressed whole (gzip members
 * from Firehose are small) and then cut into chunks.
 */
import type { Storage } from "../../storage/storage.js";
import { asBuffer } from "../../columnar/utf8.js";
import { NotFoundError, SourceError, SluiceError } from "../../errors.js";
import { splitLines, endOfLastCompleteLine } from "../../formats/text/lines.js";
import { codecOf, decompressFile } from "../../formats/text/compression.js";

/** A run of whole lines: line i is `data[starts[i], ends[i])`. */
export interface LineChunk {
  readonly data: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** 1-based number of line 0 in its file. */
  readonly firstLine: number;
  /** Whether line 0 is the file's first line. */
  readonly startOfFile: boolean;
  /** Lines of this chunk cut to their first {@link OVERSIZED_PREFIX} bytes for exceeding `maxRecordBytes`. */
  readonly oversized: number;
}

/**
 * What is kept of a line longer than `maxRecordBytes`: its first 4 KiB (or `maxRecordBytes`, when
 * smaller), enough to recognise it.
 * As a record it no longer parses, so it reaches the corrupt-record column (and a quarantine rule
 * on it) instead of being held whole.
 */
export const OVERSIZED_PREFIX = 4096;

export interface ChunkLimits {
  /** Most lines per chunk. */
  readonly maxLines: number;
  /** Approximate most bytes per chunk (a single longer line still makes one chunk). */
  readonly maxBytes: number;
  /**
   * Longest line kept whole (the `maxRecordBytes` option); a longer one is cut to its first
   * {@link OVERSIZED_PREFIX} bytes, and the rest is skipped without being held. Unlimited when absent.
   */
  readonly maxRecordBytes?: number;
}

/** Spark-sized defaults: ~64k rows or ~16 MiB per chunk. */
export const DEFAULT_CHUNK_LIMITS: ChunkLimits = Object.freeze({ maxLines: 65_536, maxBytes: 16 * 1024 * 1024 });

/**
 * The lines of `storage`'s `key` (of `size` bytes) in chunks. `url` names the file in errors:
 * an unreadable or corrupt file is a {@link SourceError} naming it; a missing file is a
 * {@link NotFoundError} (the caller decides whether `ignoreMissingFiles` applies).
 */
export async function* readLineChunks(
  storage: Storage,
  key: string,
  url: string,
  size: number,
  lineSep: Uint8Array | undefined,
  limits: ChunkLimits = DEFAULT_CHUNK_LIMITS,
): AsyncGenerator<LineChunk> {
  const compressed = codecOf(url) !== null;
  if (compressed || size <= limits.maxBytes) {
    const raw = await getFile(storage, key, url, undefined);
    const data = compressed ? await decompress(url, raw) : raw;
    yield* cut(data, lineSep, 1, true, limits);
    return;
  }
  let pos = 0;
  let carry: Uint8Array = new Uint8Array(0);
  let line = 1;
  let first = true;
  const maxRecord = limits.maxRecordBytes ?? Infinity;
  // Inside a line longer than maxRecordBytes: its prefix is in `carry`, the rest is skipped up to its end.
  let skipping = false;
  let skipped = 0;
  while (pos < size) {
    const end = Math.min(size, pos + limits.maxBytes);
    let part = await getFile(storage, key, url, { start: pos, end });
    pos = end;
    if (skipping) {
      const nl = firstLineEnd(part, lineSep);
      if (nl < 0 && pos < size) continue; // still inside the oversized line: drop this read
      skipping = false;
      // From the line's end on, its separator included: it ends the kept prefix in `carry`.
      part = nl < 0 ? new Uint8Array(0) : part.subarray(nl - (lineSep?.length ?? 1));
      skipped++;
    }
    const data = carry.length === 0 ? part : concatBytes(carry, part);
    const last = pos >= size;
    const cutAt = last ? data.length : endOfLastCompleteLine(data, lineSep);
    if (cutAt === 0 && !last) {
      if (data.length > maxRecord) {
        // A line already longer than a record may be: keep its prefix, skip the rest of it.
        carry = data.slice(0, Math.min(OVERSIZED_PREFIX, maxRecord));
        skipping = true;
        continue;
      }
      carry = data;
      continue;
    }
    const whole = data.subarray(0, cutAt);
    for (const c of cut(whole, lineSep, line, first, limits, skipped)) {
      yield c;
      line += c.starts.length;
      first = false;
      skipped = 0;
    }
    carry = data.slice(cutAt);
  }
  if (carry.length > 0 || skipped > 0) yield* cut(carry, lineSep, line, first, limits, skipped);
}

/** The offset just past the first line end in `data` (a `\n`, or `lineSep`), or -1 when none. */
function firstLineEnd(data: Uint8Array, lineSep: Uint8Array | undefined): number {
  if (lineSep === undefined) {
    const i = data.indexOf(0x0a);
    return i < 0 ? -1 : i + 1;
  }
  const i = asBuffer(data).indexOf(lineSep);
  return i < 0 ? -1 : i + lineSep.length;
}

/**
 * `data`'s lines as chunks within the limits. Lines longer than `maxRecordBytes` are cut to their
 * prefix and counted; `alreadyCut` more (cut while reading) are counted on the first chunk.
 */
function* cut(data: Uint8Array, lineSep: Uint8Array | undefined, firstLine: number, startOfFile: boolean, limits: ChunkLimits, alreadyCut = 0): Generator<LineChunk> {
  const { starts, ends } = splitLines(data, lineSep);
  const n = starts.length;
  const maxRecord = limits.maxRecordBytes ?? Infinity;
  let oversized = alreadyCut;
  for (let k = 0; k < n; k++) {
    if (ends[k] - starts[k] > maxRecord) {
      ends[k] = starts[k] + Math.min(OVERSIZED_PREFIX, maxRecord);
      oversized++;
    }
  }
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const byteLimit = starts[i] + limits.maxBytes;
    while (j < n && j - i < limits.maxLines && ends[j] <= byteLimit) j++;
    yield {
      data,
      starts: starts.subarray(i, j),
      ends: ends.subarray(i, j),
      firstLine: firstLine + i,
      startOfFile: startOfFile && i === 0,
      oversized: i === 0 ? oversized : 0,
    };
    i = j;
  }
}

/**
 * Whether `e` is a failure to read or decompress a file (as opposed to a record it held), the
 * failures Spark's `ignoreCorruptFiles` skips.
 */
export function isCorruptFileError(e: unknown): boolean {
  return e instanceof SourceError && fileErrors.has(e);
}

const fileErrors = new WeakSet<SourceError>();

/** Marks `e` as a failure to read or decode a whole file (see {@link isCorruptFileError}); returns it. */
export function markCorruptFile(e: SourceError): SourceError {
  fileErrors.add(e);
  return e;
}

async function decompress(url: string, raw: Uint8Array): Promise<Uint8Array> {
  try {
    return await decompressFile(url, raw);
  } catch (e) {
    if (e instanceof SourceError) fileErrors.add(e);
    throw e;
  }
}

async function getFile(storage: Storage, key: string, url: string, range: { start: number; end: number } | undefined): Promise<Uint8Array> {
  try {
    return await storage.get(key, range);
  } catch (cause) {
    if (cause instanceof NotFoundError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const retryable = cause instanceof SluiceError ? cause.retryable : false;
    const err = new SourceError(`file source: cannot read ${url}: ${reason}`, { path: url, cause, retryable });
    fileErrors.add(err);
    throw err;
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
