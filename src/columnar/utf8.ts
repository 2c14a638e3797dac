/**
 * UTF-8 helpers shared by every string kernel. Strings live in vectors as UTF-8 bytes; these are the
 * only places that cross into JavaScript strings.
 */
import { Buffer } from "node:buffer";

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

/** A Buffer view over the same memory (no copy). */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
