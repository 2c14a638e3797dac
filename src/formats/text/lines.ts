/**
 * Splitting a byte buffer into lines, as Hadoop's `LineRecordReader` does for Spark's text, JSON and
 * CSV sources: a line ends at `\n`, `\r\n` or a lone `\r`; the separator is not part of the line; a
 * final line without a separator is still a line; an empty buffer has no lines. Bytes are never
 * interpreted, so a broken line (invalid UTF-8, a NUL byte, a stray quote) stays exactly one line.
 */
import { asBuffer } from "../../columnar/utf8.js";

/** Line `i` is `data[starts[i], ends[i])`. */
export interface LineSpans {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

const LF = 10;
const CR = 13;

/**
 * Splits `data` into lines. With `lineSep` (Spark's `lineSep` option, as UTF-8 bytes) only that exact
 * byte sequence separates lines; without it, `\n`, `\r\n` and `\r` do.
 */
export function splitLines(data: Uint8Array, lineSep?: Uint8Array): LineSpans {
  if (lineSep !== undefined && lineSep.length > 0) return splitOnSeparator(data, lineSep);
  const buf = asBuffer(data);
  const n = buf.length;
  // Most inputs have no CR at all: then indexOf(LF) (memchr) finds every line end.
  const hasCr = buf.indexOf(CR) >= 0;
  let starts: Int32Array = new Int32Array(estimateLines(n));
  let ends: Int32Array = new Int32Array(starts.length);
  let count = 0;
  let pos = 0;
  while (pos < n) {
    let end: number;
    let next: number;
    if (!hasCr) {
      const lf = buf.indexOf(LF, pos);
      end = lf < 0 ? n : lf;
      next = lf < 0 ? n : lf + 1;
    } else {
      end = pos;
      while (end < n && buf[end] !== LF && buf[end] !== CR) end++;
      next = end;
      if (end < n) next = buf[end] === CR && end + 1 < n && buf[end + 1] === LF ? end + 2 : end + 1;
    }
    if (count === starts.length) {
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[count] = pos;
    ends[count] = end;
    count++;
    pos = next;
  }
  return { starts: starts.slice(0, count), ends: ends.slice(0, count) };
}

/** Index of the first byte after the last line separator in `data` (0 when there is none). */
export function endOfLastCompleteLine(data: Uint8Array, lineSep?: Uint8Array): number {
  const buf = asBuffer(data);
  if (lineSep !== undefined && lineSep.length > 0) {
    const i = buf.lastIndexOf(lineSep);
    return i < 0 ? 0 : i + lineSep.length;
  }
  const lf = buf.lastIndexOf(LF);
  // A CR as the very last byte may be the first half of a CRLF split across reads: not complete.
  let cr = buf.lastIndexOf(CR);
  // (lastIndexOf treats a negative offset as counting from the end: guard position 0.)
  if (cr === buf.length - 1) cr = cr === 0 ? -1 : buf.lastIndexOf(CR, cr - 1);
  const last = Math.max(lf, cr);
  return last < 0 ? 0 : last + 1;
}

function splitOnSeparator(data: Uint8Array, sep: Uint8Array): LineSpans {
  const buf = asBuffer(data);
  const n = buf.length;
  let starts: Int32Array = new Int32Array(estimateLines(n));
  let ends: Int32Array = new Int32Array(starts.length);
  let count = 0;
  let pos = 0;
  while (pos < n) {
    const i = buf.indexOf(sep, pos);
    const end = i < 0 ? n : i;
    if (count === starts.length) {
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[count] = pos;
    ends[count] = end;
    count++;
    pos = i < 0 ? n : i + sep.length;
  }
  return { starts: starts.slice(0, count), ends: ends.slice(0, count) };
}

function estimateLines(bytes: number): number {
  return Math.max(16, Math.min(1 << 20, bytes >>> 6));
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
