/**
 * UTF-8 helpers shared by every string kernel. Strings live in vectors as UTF-8 bytes; these are the
 * only places that cross into JavaScript strings.
 */
import { Buffer, isUtf8 } from "node:buffer";
import type { BytesVector } from "./vector.js";

const encoder = new TextEncoder();

/** Decodes `data[start, end)` as UTF-8 (invalid sequences become U+FFFD, as in Spark). */
export function decodeUtf8(data: Uint8Array, start: number, end: number): string {
  if (end - start < 16) {
    // Short ASCII strings: a char-code loop beats the native call's fixed cost.
    let s = "";
    for (let i = start; i < end; i++) {
      const c = data[i];
      if (c >= 0x80) return asBuffer(data).toString("utf8", start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return asBuffer(data).toString("utf8", start, end);
}

/** Encodes a string to UTF-8 bytes. */
export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Writes `s` as UTF-8 into `out` at `at`; returns bytes written, or -1 when `out` is too small. */
export function encodeUtf8Into(s: string, out: Uint8Array, at: number): number {
  const r = encoder.encodeInto(s, out.subarray(at));
  return r.read === s.length ? r.written : -1;
}

/**
 * `data[start, end)` as valid UTF-8: a view of the same bytes when they are valid, else a copy with
 * each invalid sequence replaced by U+FFFD (as Java's and every reader's decoding does). For raw
 * input kept as a string (a line, a corrupt record), which Parquet and JSON writers must emit as
 * valid UTF-8 for other readers (DuckDB refuses a file that is not).
 */
export function validUtf8(data: Uint8Array, start: number, end: number): Uint8Array {
  const view = data.subarray(start, end);
  return isUtf8(view) ? view : encoder.encode(asBuffer(data).toString("utf8", start, end));
}

/**
 * Rows `[start, end)` of the string vector `v` with each value made valid UTF-8 (U+FFFD for
 * invalid bytes, see {@link validUtf8}); call it once a native check found invalid bytes.
 */
export function validUtf8Vector(v: BytesVector, start = 0, end = v.length): BytesVector {
  const n = end - start;
  const parts: Uint8Array[] = [];
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const text = validUtf8(v.data, v.offsets[start + i], v.offsets[start + i + 1]);
    parts.push(text);
    offsets[i + 1] = offsets[i] + text.length;
  }
  const data = new Uint8Array(offsets[n]);
  parts.forEach((p, i) => data.set(p, offsets[i]));
  return { ...v, length: n, valid: v.valid === null ? null : v.valid.subarray(start, end), offsets, data };
}

/** True when `data` is valid UTF-8 (a native check). */
export function isValidUtf8(data: Uint8Array): boolean {
  return isUtf8(data);
}

/** A Buffer view over the same memory (no copy). */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
