/**
 * Storage keys: validation shared by every backend, and the UTF-8 byte order listings are sorted by.
 */
import { StorageError } from "../errors.js";
import type { ByteRange } from "./storage.js";

/**
 * Throws `StorageError` unless `key` is a valid object key: non-empty, relative (no leading `/`),
 * no empty, `.` or `..` segments, no trailing `/`, no NUL or backslash. `where` names the storage.
 */
export function checkKey(key: string, where: string): void {
  let problem: string | null = null;
  if (key === "") problem = "is empty";
  else if (key.startsWith("/")) problem = "is absolute (keys are relative to the storage root)";
  else if (key.endsWith("/")) problem = "ends with '/' (it names a folder, not an object)";
  else if (key.includes("\0")) problem = "contains a NUL character";
  else if (key.includes("\\")) problem = "contains a backslash";
  else {
    for (const segment of key.split("/")) {
      if (segment === "" || segment === "." || segment === "..") {
        problem = `has a ${segment === "" ? "empty" : `'${segment}'`} path segment`;
        break;
      }
    }
  }
  if (problem !== null) {
    throw new StorageError(`storage: key ${JSON.stringify(key)} ${problem} in ${where}`, { path: key });
  }
}

/**
 * Validates `range` against an object of `size` bytes and clamps its end to `size`.
 * Throws `StorageError` for a negative or non-integer start, or an end before the start.
 */
export function checkRange(range: ByteRange, size: number, where: string): { start: number; end: number } {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new StorageError(`storage: invalid byte range [${String(start)}, ${String(end)}) for ${where}`, { path: where });
  }
  const s = Math.min(start, size);
  return { start: s, end: Math.min(end, size) };
}

/**
 * Compares two strings by the bytes of their UTF-8 encodings (= by code point), without encoding
 * them. JavaScript's `<` compares UTF-16 code units, which puts U+10000 and above before U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800–U+DFFF) stand for code points above U+FFFF: move them above U+E000–U+FFFF.
function fixup(u: number): number {
  if (u >= 0xd800 && u <= 0xdfff) return u + 0x2000;
  if (u >= 0xe000) return u - 0x800;
  return u;
}
