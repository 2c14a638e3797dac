/**
 * String kernels. Strings stay UTF-8 bytes where the operation allows it (length, trim, substring,
 * concat, ASCII case mapping, LIKE fast paths); the rest decode per row.
 */
import type { Vector, BytesVector } from "../../../columnar/vector.js";
import { compactMask, isValid } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { decodeUtf8, encodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import type { BoundCall, LikeShape } from "../../../plan/expressions/bound.js";
import { javaRegExp, likeShape, likeToRegExp } from "../../../plan/expressions/like-pattern.js";
import type { DataType, DecimalType } from "../../../types/data-types.js";
import { ArrayType, BinaryType, IntegerType, StringType } from "../../../types/data-types.js";
import { concat, take } from "../../../columnar/ops.js";
import { choose, markWhere } from "../logic.js";
import { compareVectors } from "../compare.js";
import { boolVector, decimalVector, numberVector, andMasks, validity } from "../vectors.js";
import { slotText } from "../cast.js";
import { formatDecimal } from "../../../columnar/values.js";
import type { Kernel } from "./kernel.js";
import { literalArg } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

function bytesArg(v: Vector, what: string): BytesVector {
  if (v.kind === "bytes") return v;
  throw new ExecutionError(`${what}: expected a string vector, got ${v.type.typeName}`);
}

/** Number of UTF-8 characters (code points) in `data[s, e)`: bytes that are not continuation bytes. */
function charCount(data: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if ((data[i] & 0xc0) !== 0x80) n++;
  return n;
}

/** Byte offset of character `k` (0-based) starting at `s`; `e` when past the end. */
function charOffset(data: Uint8Array, s: number, e: number, k: number): number {
  let seen = -1;
  for (let i = s; i < e; i++) {
    if ((data[i] & 0xc0) !== 0x80) {
      seen++;
      if (seen === k) return i;
    }
  }
  return e;
}

/** lower/upper: bytes for ASCII rows, `toLowerCase`/`toUpperCase` otherwise. */
export function caseMap(upper: boolean): Kernel {
  return ([v0]) => {
    const v = bytesArg(v0, upper ? "upper" : "lower");
    const n = v.length;
    const { data, offsets } = v;
    const b = new BytesBuilder(n, data.length);
    const lo = upper ? 0x61 : 0x41;
    const delta = upper ? -32 : 32;
    let allAscii = true;
    for (let k = 0; k < data.length; k++) {
      if (data[k] >= 0x80) {
        allAscii = false;
        break;
      }
    }
    if (allAscii) {
      // Case mapping keeps every ASCII byte's length: same offsets, mapped copy of the bytes.
      const out = new Uint8Array(data.length);
      for (let k = 0; k < data.length; k++) {
        const c = data[k];
        out[k] = c >= lo && c < lo + 26 ? c + delta : c;
      }
      return { kind: "bytes", type: v.type, length: n, valid: v.valid, offsets: v.offsets, data: out };
    }
    let scratch = new Uint8Array(64);
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) {
        b.appendNull();
        continue;
      }
      const s = offsets[i];
      const e = offsets[i + 1];
      let ascii = true;
      for (let k = s; k < e; k++) {
        if (data[k] >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (!ascii) {
        const t = decodeUtf8(data, s, e);
        b.appendString(upper ? t.toUpperCase() : t.toLowerCase());
        continue;
      }
      if (scratch.length < e - s) scratch = new Uint8Array((e - s) * 2);
      for (let k = s; k < e; k++) {
        const c = data[k];
        scratch[k - s] = c >= lo && c < lo + 26 ? c + delta : c;
      }
      b.appendBytes(scratch, 0, e - s);
    }
    return b.finish(v.type);
  };
}

/** trim/ltrim/rtrim: removes spaces (or the characters of a second argument) from the ends. */
export function trimKernel(left: boolean, right: boolean, call: BoundCall): Kernel {
  const chars = call.args.length > 1 ? literalArg(call, 1) : " ";
  const constChars = typeof chars === "string" ? chars : null;
  return (args) => {
    const v = bytesArg(args[0], "trim");
    const n = v.length;
    const { data, offsets } = v;
    const b = new BytesBuilder(n, data.length);
    if (constChars === " ") {
      for (let i = 0; i < n; i++) {
        if (!isValid(v, i)) {
          b.appendNull();
          continue;
        }
        let s = offsets[i];
        let e = offsets[i + 1];
        if (left) while (s < e && data[s] === 0x20) s++;
        if (right) while (e > s && data[e - 1] === 0x20) e--;
        b.appendBytes(data, s, e);
      }
      return b.finish(v.type);
    }
    const cv = args.length > 1 ? args[1] : null;
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i) || (cv !== null && !isValid(cv, i))) {
        b.appendNull();
        continue;
      }
      const set = new Set(Array.from(constChars ?? (cv !== null && cv.kind === "bytes" ? decodeUtf8(cv.data, cv.offsets[i], cv.offsets[i + 1]) : " ")));
      const cps = Array.from(decodeUtf8(data, offsets[i], offsets[i + 1]));
      let s = 0;
      let e = cps.length;
      if (left) while (s < e && set.has(cps[s])) s++;
      if (right) while (e > s && set.has(cps[e - 1])) e--;
      b.appendString(cps.slice(s, e).join(""));
    }
    return b.finish(v.type);
  };
}

/** length: characters of a string, bytes of a binary. */
export const lengthKernel: Kernel = ([v0]) => {
  const v = bytesArg(v0, "length");
  const n = v.length;
  const out = new Int32Array(n);
  const { data, offsets } = v;
  // All-ASCII text (most columns, checked four bytes at a time): characters are bytes.
  if (v.type.typeName === "binary" || (n > 0 && isAscii(data, offsets[0], offsets[n]))) for (let i = 0; i < n; i++) out[i] = offsets[i + 1] - offsets[i];
  else for (let i = 0; i < n; i++) out[i] = charCount(data, offsets[i], offsets[i + 1]);
  return numberVector({ typeName: "integer" }, out, v.valid);
};

/** True when `data[s, e)` holds only ASCII bytes. */
function isAscii(data: Uint8Array, s: number, e: number): boolean {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let i = s;
  for (; i + 16 <= e; i += 16) {
    if (((view.getInt32(i) | view.getInt32(i + 4) | view.getInt32(i + 8) | view.getInt32(i + 12)) & 0x80808080) !== 0) return false;
  }
  for (; i < e; i++) if (data[i] >= 0x80) return false;
  return true;
}

/**
 * substring(str, pos[, len]) with Spark's `substringSQL`: 1-based, 0 acts as 1, negative counts
 * from the end; characters for strings, bytes for binary.
 */
export const substringKernel: Kernel = (args, n) => {
  const v = bytesArg(args[0], "substring");
  const pos = args[1];
  const len = args.length > 2 ? args[2] : null;
  const { data, offsets } = v;
  const b = new BytesBuilder(n, data.length);
  const binary = v.type.typeName === "binary";
  const posValues = pos.kind === "i32" ? pos.values : null;
  const lenValues = len !== null && len.kind === "i32" ? len.values : null;
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i) || !isValid(pos, i) || (len !== null && !isValid(len, i)) || posValues === null) {
      b.appendNull();
      continue;
    }
    const s = offsets[i];
    const e = offsets[i + 1];
    const total = binary ? e - s : charCount(data, s, e);
    const p = posValues[i];
    const l = lenValues === null ? 2147483647 : lenValues[i];
    // Spark: start = pos > 0 ? pos - 1 : pos < 0 ? total + pos : 0; end = start + len (clamped).
    const start = p > 0 ? p - 1 : p < 0 ? total + p : 0;
    const end = l === 2147483647 ? total : Math.min(total, start + l);
    const from = Math.max(0, start);
    if (from >= end || l <= 0) {
      b.appendBytes(data, s, s);
      continue;
    }
    if (binary) b.appendBytes(data, s + from, s + end);
    else b.appendBytes(data, charOffset(data, s, e, from), charOffset(data, s, e, end));
  }
  return b.finish(v.type);
};

/** concat: null if any argument is null. Two passes: output sizes, then byte copies. */
export const concatKernel: Kernel = (args, n, ctx, call) => {
  if (call.dataType.typeName === "array") return concatArrays(args, n, ctx, call);
  const vs = args.map((a) => bytesArg(a, "concat"));
  const mask = andMasks(vs.map(validity), n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let len = 0;
    if (mask === null || mask[i] === 1) for (const v of vs) len += v.offsets[i + 1] - v.offsets[i];
    offsets[i + 1] = offsets[i] + len;
  }
  const data = new Uint8Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] === 0) continue;
    let at = offsets[i];
    for (const v of vs) {
      const s = v.offsets[i];
      const e = v.offsets[i + 1];
      const src = v.data;
      for (let k = s; k < e; k++) data[at++] = src[k];
    }
  }
  return { kind: "bytes", type: call.dataType, length: n, valid: mask, offsets, data };
};

/** concat of arrays: the elements of each argument in turn; null if any argument is null. */
const concatArrays: Kernel = (args, n, _ctx, call) => {
  const lists = args.map((a) => {
    if (a.kind !== "list") throw new ExecutionError(`concat: expected an array vector, got ${a.type.typeName}`);
    return a;
  });
  const mask = andMasks(lists.map(validity), n);
  // Gather from the children laid end to end: child k starts at bases[k].
  const bases: number[] = [];
  let total = 0;
  for (const l of lists) {
    bases.push(total);
    total += l.child.length;
  }
  const offsets = new Int32Array(n + 1);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (mask === null || mask[i] === 1) {
      lists.forEach((l, k) => {
        for (let j = l.offsets[i]; j < l.offsets[i + 1]; j++) idx.push(bases[k] + j);
      });
    }
    offsets[i + 1] = idx.length;
  }
  const all = concat(lists.map((l) => l.child));
  const type = call.dataType as ArrayType;
  return { kind: "list", type, length: n, valid: mask, offsets, child: take(all, Int32Array.from(idx)) };
};

/** concat_ws(sep, ...): skips null arguments (and null array elements); null only when sep is null. */
export const concatWsKernel: Kernel = (args, n) => {
  const sepV = bytesArg(args[0], "concat_ws");
  const b = new BytesBuilder(n, sepV.data.length + args.reduce((s, a) => s + (a.kind === "bytes" ? a.data.length : a.kind === "list" && a.child.kind === "bytes" ? a.child.data.length : 0), 0));
  // Joined as bytes: UTF-8 concatenates as the strings do, with no decoding.
  for (let i = 0; i < n; i++) {
    if (!isValid(sepV, i)) {
      b.appendNull();
      continue;
    }
    const sepStart = sepV.offsets[i];
    const sepEnd = sepV.offsets[i + 1];
    let first = true;
    for (let k = 1; k < args.length; k++) {
      const a = args[k];
      if (!isValid(a, i)) continue;
      if (a.kind === "bytes") {
        if (!first) b.appendPiece(sepV.data, sepStart, sepEnd);
        b.appendPiece(a.data, a.offsets[i], a.offsets[i + 1]);
        first = false;
      } else if (a.kind === "list" && a.child.kind === "bytes") {
        const c = a.child;
        for (let j = a.offsets[i]; j < a.offsets[i + 1]; j++) {
          if (!isValid(c, j)) continue;
          if (!first) b.appendPiece(sepV.data, sepStart, sepEnd);
          b.appendPiece(c.data, c.offsets[j], c.offsets[j + 1]);
          first = false;
        }
      }
    }
    b.commitValue();
  }
  return b.finish(StringType());
};

/** A regex for argument `k`: compiled once when it is a literal, else per distinct pattern. */
function regexSource(call: BoundCall, k: number, global: boolean): (args: readonly Vector[], i: number) => RegExp | null {
  const lit = literalArg(call, k);
  if (typeof lit === "string") {
    const re = javaRegExp(lit, global);
    return () => re;
  }
  const cache = new Map<string, RegExp>();
  return (args, i) => {
    const p = args[k];
    if (p.kind !== "bytes" || !isValid(p, i)) return null;
    const text = decodeUtf8(p.data, p.offsets[i], p.offsets[i + 1]);
    let re = cache.get(text);
    if (re === undefined) {
      re = javaRegExp(text, global);
      cache.set(text, re);
    }
    return re;
  };
}

/** regexp_extract(str, regex[, idx = 1]): group `idx` of the first match, `""` when none. */
export function regexpExtractKernel(call: BoundCall): Kernel {
  const regex = regexSource(call, 1, false);
  return (args, n) => {
    const v = bytesArg(args[0], "regexp_extract");
    const idxV = args.length > 2 ? args[2] : null;
    const b = new BytesBuilder(n);
    for (let i = 0; i < n; i++) {
      const re = regex(args, i);
      if (!isValid(v, i) || re === null || (idxV !== null && !isValid(idxV, i))) {
        b.appendNull();
        continue;
      }
      const idx = idxV !== null && idxV.kind === "i32" ? idxV.values[i] : 1;
      const m = re.exec(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]));
      if (m !== null && (idx < 0 || idx >= m.length)) {
        throw new ExecutionError(`regexp_extract: regex group count is ${m.length - 1}, but the specified group index is ${idx}`);
      }
      b.appendString(m === null ? "" : (m[idx] ?? ""));
    }
    return b.finish(StringType());
  };
}

/** Java replacement text (`$1`, `\$`) as a JavaScript replacement string. */
function javaReplacement(rep: string): string {
  let out = "";
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === "\\" && i + 1 < rep.length) {
      out += rep[i + 1] === "$" ? "$$" : rep[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/** regexp_replace(str, regex, rep[, pos]): replaces every match from character `pos` (1-based). */
export function regexpReplaceKernel(call: BoundCall): Kernel {
  const regex = regexSource(call, 1, true);
  return (args, n) => {
    const v = bytesArg(args[0], "regexp_replace");
    const rep = bytesArg(args[2], "regexp_replace");
    const posV = args.length > 3 ? args[3] : null;
    const b = new BytesBuilder(n, v.data.length);
    for (let i = 0; i < n; i++) {
      const re = regex(args, i);
      if (!isValid(v, i) || !isValid(rep, i) || re === null || (posV !== null && !isValid(posV, i))) {
        b.appendNull();
        continue;
      }
      const text = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
      const r = javaReplacement(decodeUtf8(rep.data, rep.offsets[i], rep.offsets[i + 1]));
      const pos = posV !== null && posV.kind === "i32" ? posV.values[i] : 1;
      if (pos <= 1) b.appendString(text.replace(re, r));
      else {
        const cps = Array.from(text);
        b.appendString(cps.slice(0, pos - 1).join("") + cps.slice(pos - 1).join("").replace(re, r));
      }
    }
    return b.finish(StringType());
  };
}

/** split(str, regex[, limit = -1]) with Java's `String.split(regex, limit)` semantics. */
export function splitKernel(call: BoundCall): Kernel {
  const regex = regexSource(call, 1, true);
  const separator = singleByteSeparator(literalArg(call, 1));
  const limit = args3Limit(call);
  if (separator !== null && limit !== null && limit <= 0) return (args, n) => splitOnByte(bytesArg(args[0], "split"), separator, n);
  return (args, n) => {
    const v = bytesArg(args[0], "split");
    const limitV = args.length > 2 ? args[2] : null;
    const offsets = new Int32Array(n + 1);
    const valid = new Uint8Array(n);
    const child = new BytesBuilder(n * 2);
    let anyNull = false;
    for (let i = 0; i < n; i++) {
      const re = regex(args, i);
      if (!isValid(v, i) || re === null || (limitV !== null && !isValid(limitV, i))) {
        anyNull = true;
        offsets[i + 1] = child.length;
        continue;
      }
      valid[i] = 1;
      const limit = limitV !== null && limitV.kind === "i32" ? limitV.values[i] : -1;
      for (const part of javaSplit(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]), re, limit)) child.appendString(part);
      offsets[i + 1] = child.length;
    }
    return {
      kind: "list",
      type: ArrayType(StringType(), false),
      length: n,
      valid: anyNull ? valid : null,
      offsets,
      child: child.finish(StringType()),
    };
  };
}

/** The limit of a split call when it is a constant (-1 when absent), else null. */
function args3Limit(call: BoundCall): number | null {
  if (call.args.length < 3) return -1;
  const l = literalArg(call, 2);
  return typeof l === "number" ? l : null;
}

/** The byte a literal regex matches when it is one ASCII character with no regex meaning (`,`, `-`, `\\|`), else null. */
function singleByteSeparator(pattern: unknown): number | null {
  if (typeof pattern !== "string") return null;
  if (pattern.length === 1 && /[^\\^$.|?*+()[\]{}]/.test(pattern) && pattern.charCodeAt(0) < 0x80) return pattern.charCodeAt(0);
  if (pattern.length === 2 && pattern[0] === "\\" && /[\\^$.|?*+()[\]{}\-,:;]/.test(pattern[1])) return pattern.charCodeAt(1);
  return null;
}

/**
 * split(s, c) for a single-byte separator and no positive limit: Java's split with a negative
 * limit (every part, trailing empty ones included; "" gives [""]), cut on bytes with no decoding.
 */
function splitOnByte(v: BytesVector, sep: number, n: number): Vector {
  const { data, offsets: at } = v;
  const offsets = new Int32Array(n + 1);
  const valid = v.valid === null ? null : new Uint8Array(n);
  const child = new BytesBuilder(n * 2, data.length);
  for (let i = 0; i < n; i++) {
    if (valid !== null) {
      if (v.valid !== null && v.valid[i] === 0) {
        offsets[i + 1] = child.length;
        continue;
      }
      valid[i] = 1;
    }
    let s = at[i];
    const e = at[i + 1];
    for (let k = s; k < e; k++) {
      if (data[k] === sep) {
        child.appendBytes(data, s, k);
        s = k + 1;
      }
    }
    child.appendBytes(data, s, e);
    offsets[i + 1] = child.length;
  }
  return { kind: "list", type: ArrayType(StringType(), false), length: n, valid: valid === null ? null : compactMask(valid, n), offsets, child: child.finish(StringType()) };
}

function javaSplit(s: string, re: RegExp, limit: number): string[] {
  if (s.length === 0) return [""];
  const out: string[] = [];
  re.lastIndex = 0;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((limit <= 0 || out.length < limit - 1) && (m = re.exec(s)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      // A zero-width match at the start never yields a leading empty string.
      if (m.index === 0 || m.index >= s.length) continue;
    }
    out.push(s.slice(start, m.index));
    start = m.index + m[0].length;
    if (re.lastIndex > s.length) break;
  }
  // Spark passes limit 0 as -1: trailing empty strings are kept.
  out.push(s.slice(start));
  return out;
}

/** LIKE/RLIKE: byte-level fast path for plain prefix/suffix/substring/equality patterns. */
export function likeBytes(v: BytesVector, shape: LikeShape): Vector {
  const n = v.length;
  const needle = encodeUtf8(shape.text);
  const k = needle.length;
  const out = new Uint8Array(n);
  const { data, offsets } = v;
  for (let i = 0; i < n; i++) {
    const s = offsets[i];
    const e = offsets[i + 1];
    const len = e - s;
    let hit = false;
    switch (shape.op) {
      case "equals":
        hit = len === k && startsAt(data, s, needle);
        break;
      case "startsWith":
        hit = len >= k && startsAt(data, s, needle);
        break;
      case "endsWith":
        hit = len >= k && startsAt(data, e - k, needle);
        break;
      case "contains":
        for (let p = s; p + k <= e; p++) {
          if (startsAt(data, p, needle)) {
            hit = true;
            break;
          }
        }
        break;
    }
    out[i] = hit ? 1 : 0;
  }
  return boolVector(out, v.valid);
}

function startsAt(data: Uint8Array, at: number, needle: Uint8Array): boolean {
  for (let j = 0; j < needle.length; j++) if (data[at + j] !== needle[j]) return false;
  return true;
}

/** LIKE/RLIKE through a regular expression (fixed, or compiled per distinct row pattern). */
export function likeRegex(v: BytesVector, pattern: Vector, fixed: RegExp | null, regex: boolean, escape: string): Vector {
  const n = v.length;
  const out = new Uint8Array(n);
  const valid = new Uint8Array(n);
  const cache = new Map<string, RegExp>();
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i) || !isValid(pattern, i)) continue;
    let re = fixed;
    if (re === null) {
      if (pattern.kind !== "bytes") throw new ExecutionError("like: the pattern must be a string");
      const p = decodeUtf8(pattern.data, pattern.offsets[i], pattern.offsets[i + 1]);
      re = cache.get(p) ?? null;
      if (re === null) {
        re = regex ? javaRegExp(p) : likeToRegExp(p, escape);
        cache.set(p, re);
      }
    }
    valid[i] = 1;
    out[i] = re.test(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1])) ? 1 : 0;
  }
  return boolVector(out, andMasks([validity(v), validity(pattern)], n));
}

/** startswith / endswith / contains on bytes (string or binary). */
export function affixKernel(op: "startsWith" | "endsWith" | "contains"): Kernel {
  return ([a0, b0], n) => {
    const a = bytesArg(a0, op);
    const b = bytesArg(b0, op);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = a.offsets[i];
      const e = a.offsets[i + 1];
      const ns = b.offsets[i];
      const k = b.offsets[i + 1] - ns;
      if (k > e - s) continue;
      if (op === "startsWith") out[i] = rangeAt(a.data, s, b.data, ns, k) ? 1 : 0;
      else if (op === "endsWith") out[i] = rangeAt(a.data, e - k, b.data, ns, k) ? 1 : 0;
      else {
        for (let p = s; p + k <= e; p++) {
          if (rangeAt(a.data, p, b.data, ns, k)) {
            out[i] = 1;
            break;
          }
        }
      }
    }
    return boolVector(out, andMasks([a.valid, b.valid], n));
  };
}

function rangeAt(data: Uint8Array, at: number, needle: Uint8Array, ns: number, k: number): boolean {
  for (let j = 0; j < k; j++) if (data[at + j] !== needle[ns + j]) return false;
  return true;
}

/** locate(substr, str[, pos = 1]): 1-based character position of the first occurrence at or after pos; 0 if none. */
export const locateKernel: Kernel = (args, n) => {
  const sub = bytesArg(args[0], "locate");
  const str = bytesArg(args[1], "locate");
  const posV = args.length > 2 ? args[2] : null;
  const out = new Int32Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(sub, i) || !isValid(str, i) || (posV !== null && !isValid(posV, i))) continue;
    valid[i] = 1;
    const pos = posV !== null && posV.kind === "i32" ? posV.values[i] : 1;
    if (pos < 1) continue;
    const cps = Array.from(decodeUtf8(str.data, str.offsets[i], str.offsets[i + 1]));
    const needle = decodeUtf8(sub.data, sub.offsets[i], sub.offsets[i + 1]);
    const at = cps.slice(pos - 1).join("").indexOf(needle);
    if (at >= 0) out[i] = pos + Array.from(cps.slice(pos - 1).join("").slice(0, at)).length;
  }
  return numberVector({ typeName: "integer" }, out, compactMask(valid, n));
};


// ---------------------------------------------------------------------------------------------
// Row helpers: one loop per call, decoding only the slots an operation needs.

/** The string in valid slot `i` of a string vector. */
function strAt(v: Vector, i: number): string {
  if (v.kind !== "bytes") throw new ExecutionError(`string: expected a string vector, got ${v.type.typeName}`);
  return decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
}

/** The bytes in valid slot `i` of a string or binary vector (a view, not a copy). */
function bytesAt(v: Vector, i: number): Uint8Array {
  if (v.kind !== "bytes") throw new ExecutionError(`string: expected a bytes vector, got ${v.type.typeName}`);
  return v.data.subarray(v.offsets[i], v.offsets[i + 1]);
}

/** The integer in valid slot `i` of an integral vector. */
function intAt(v: Vector, i: number): number {
  switch (v.kind) {
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
      return v.values[i];
    case "i64":
      return Number(v.values[i]);
    default:
      throw new ExecutionError(`string: expected an integer vector, got ${v.type.typeName}`);
  }
}

function allValid(args: readonly Vector[], i: number): boolean {
  for (const a of args) if (!isValid(a, i)) return false;
  return true;
}

/**
 * A string (or binary) result row by row: null where any argument is null or `f` returns null.
 * `f` returns a string (encoded as UTF-8) or bytes.
 */
function bytesRows(args: readonly Vector[], n: number, type: DataType, f: (i: number) => string | Uint8Array | null): BytesVector {
  const b = new BytesBuilder(n);
  for (let i = 0; i < n; i++) {
    const r = allValid(args, i) ? f(i) : null;
    if (r === null) b.appendNull();
    else if (typeof r === "string") b.appendString(r);
    else b.appendBytes(r, 0, r.length);
  }
  return b.finish(type);
}

/** An int result row by row: null where any argument is null or `f` returns null. */
function intRows(args: readonly Vector[], n: number, f: (i: number) => number | null): Vector {
  const out = new Int32Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = allValid(args, i) ? f(i) : null;
    if (r !== null) {
      out[i] = r;
      valid[i] = 1;
    }
  }
  return numberVector(IntegerType(), out, compactMask(valid, n));
}

/** A boolean result row by row: null where any argument is null. */
function boolRows(args: readonly Vector[], n: number, f: (i: number) => boolean): Vector {
  const out = new Uint8Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!allValid(args, i)) continue;
    valid[i] = 1;
    out[i] = f(i) ? 1 : 0;
  }
  return boolVector(out, compactMask(valid, n));
}

/** An array<string> result row by row: null where any argument is null or `f` returns null. */
function stringListRows(args: readonly Vector[], n: number, f: (i: number) => readonly string[] | null): Vector {
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array(n);
  const child = new BytesBuilder(n * 2);
  for (let i = 0; i < n; i++) {
    const r = allValid(args, i) ? f(i) : null;
    if (r !== null) {
      valid[i] = 1;
      for (const s of r) child.appendString(s);
    }
    offsets[i + 1] = child.length;
  }
  return { kind: "list", type: ArrayType(StringType()), length: n, valid: compactMask(valid, n), offsets, child: child.finish(StringType()) };
}

/** A kernel on string arguments giving a string, with nulls in, nulls out. */
function strFn(f: (...s: string[]) => string | null): Kernel {
  return (args, n) => bytesRows(args, n, StringType(), (i) => f(...args.map((a) => strAt(a, i))));
}

/** Code points of `s` (a surrogate pair is one character, as Spark's UTF8String counts them). */
function chars(s: string): string[] {
  return Array.from(s);
}

// ---------------------------------------------------------------------------------------------
// Java-compatible regular expressions.

/**
 * A Java regex for Spark: leading `(?-i)` style flag resets are dropped (JavaScript has no inline
 * flags), the rest goes to `javaRegExp`. Fails with Spark's runtime error for a bad pattern.
 */
function sparkRegExp(pattern: string, global: boolean): RegExp {
  const body = pattern.replace(/^\(\?-[imsx]+\)/, "");
  try {
    return javaRegExp(body, global);
  } catch (e) {
    throw new ExecutionError(`regexp: invalid regular expression '${pattern}': ${(e as Error).message}`, { cause: e });
  }
}

/** Every match of `re` (global) in `s`, stepping past empty matches as Java's `Matcher.find` does. */
function allMatches(re: RegExp, s: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    out.push(m);
    if (m[0].length === 0) {
      if (re.lastIndex >= s.length) break;
      re.lastIndex++;
    }
  }
  return out;
}

function checkGroupIndex(fn: string, groups: number, idx: number): void {
  if (idx < 0 || idx > groups) {
    throw new ExecutionError(`${fn}: regex group count is ${groups}, but the specified group index is ${idx} (INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX)`);
  }
}

/** Number of capture groups of a RegExp. */
function groupCount(re: RegExp): number {
  const m = new RegExp(`${re.source}|`, re.flags.replace("g", "")).exec("");
  return m === null ? 0 : m.length - 1;
}

/** regexp_extract_all(str, regex[, idx = 1]): group `idx` of every match. */
export function regexpExtractAllKernel(call: BoundCall): Kernel {
  const regex = regexSourceSpark(call, 1, true);
  return (args, n) => {
    const idxV = args.length > 2 ? args[2] : null;
    return stringListRows(args, n, (i) => {
      const re = regex(args, i);
      const idx = idxV === null ? 1 : intAt(idxV, i);
      checkGroupIndex("regexp_extract_all", groupCount(re), idx);
      return allMatches(re, strAt(args[0], i)).map((m) => m[idx] ?? "");
    });
  };
}

/** A regex for argument `k` (Spark's semantics): compiled once when it is a literal. */
function regexSourceSpark(call: BoundCall, k: number, global: boolean): (args: readonly Vector[], i: number) => RegExp {
  const lit = literalArg(call, k);
  if (typeof lit === "string") {
    const re = sparkRegExp(lit, global);
    return () => re;
  }
  const cache = new Map<string, RegExp>();
  return (args, i) => {
    const text = strAt(args[k], i);
    let re = cache.get(text);
    if (re === undefined) {
      re = sparkRegExp(text, global);
      cache.set(text, re);
    }
    return re;
  };
}

/** regexp_count(str, regex): number of matches. */
export function regexpCountKernel(call: BoundCall): Kernel {
  const regex = regexSourceSpark(call, 1, true);
  return (args, n) => intRows(args, n, (i) => allMatches(regex(args, i), strAt(args[0], i)).length);
}

/** regexp_substr(str, regex): the first match, null when none (or empty). */
export function regexpSubstrKernel(call: BoundCall): Kernel {
  const regex = regexSourceSpark(call, 1, false);
  return (args, n) =>
    bytesRows(args, n, StringType(), (i) => {
      const m = regex(args, i).exec(strAt(args[0], i));
      return m === null || m[0].length === 0 ? null : m[0];
    });
}

/** regexp_instr(str, regex[, idx]): 1-based character position of the first match, 0 when none. */
export function regexpInstrKernel(call: BoundCall): Kernel {
  const regex = regexSourceSpark(call, 1, false);
  return (args, n) =>
    intRows(args, n, (i) => {
      const s = strAt(args[0], i);
      const m = regex(args, i).exec(s);
      return m === null ? 0 : chars(s.slice(0, m.index)).length + 1;
    });
}

/** rlike / regexp_like / regexp as functions: a match anywhere in the string. */
export function rlikeKernel(call: BoundCall): Kernel {
  const lit = literalArg(call, 1);
  const fixedRe = typeof lit === "string" ? sparkRegExp(lit, false) : null;
  return ([v, p]) => likeRegex(bytesArg(v, "rlike"), p, fixedRe, true, "\\");
}

/** like(str, pattern) / ilike(str, pattern) as functions (ilike compares the lower-cased texts). */
export function likeFunctionKernel(insensitive: boolean): KernelFactory {
  return (call) => {
    const lit = literalArg(call, 1);
    const text = typeof lit === "string" ? (insensitive ? lit.toLowerCase() : lit) : null;
    const shape = text === null ? null : likeShape(text, "\\");
    const fixedRe = text === null ? null : likeToRegExp(text, "\\");
    const lower = caseMap(false);
    return ([v0, p0], n, ctx, c) => {
      const v = bytesArg(insensitive ? lower([v0], n, ctx, c) : v0, "like");
      const p = insensitive && p0.kind === "bytes" ? lower([p0], n, ctx, c) : p0;
      if (shape !== null) {
        const out = likeBytes(v, shape);
        return p.kind === "null" ? boolVector(new Uint8Array(n), new Uint8Array(n)) : out;
      }
      return likeRegex(v, p, fixedRe, false, "\\");
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Character-level functions.

/** ascii(str): the code point of the first character, 0 for an empty string. */
export const asciiKernel: Kernel = (args, n) =>
  intRows(args, n, (i) => {
    const s = strAt(args[0], i);
    return s.length === 0 ? 0 : (s.codePointAt(0) ?? 0);
  });

/** chr(n): the character with code `n mod 256` (Latin-1); "" for negative `n`. */
export const chrKernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const v = args[0];
    const x = v.kind === "i64" ? v.values[i] : BigInt(intAt(v, i));
    if (x < 0n) return "";
    return String.fromCharCode(Number(x & 0xffn));
  });

/** initcap(str): lower-cases, then upper-cases the first letter and each letter after a space. */
export const initcapKernel: Kernel = strFn((s) => {
  const cs = chars(s.toLowerCase());
  for (let k = 0; k < cs.length; k++) if (k === 0 || cs[k - 1] === " ") cs[k] = titleCase(cs[k]);
  return cs.join("");
});

function titleCase(c: string): string {
  const u = c.toUpperCase();
  return Array.from(u).length === 1 ? u : c;
}

/** bit_length / octet_length: bytes of the UTF-8 text (or the binary), times 8 for bits. */
function byteLengthKernel(bits: boolean): Kernel {
  return ([v0], n) => {
    const v = bytesArg(v0, bits ? "bit_length" : "octet_length");
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = (v.offsets[i + 1] - v.offsets[i]) * (bits ? 8 : 1);
    return numberVector(IntegerType(), out, v.valid);
  };
}

/** reverse(str) by characters, or reverse(array) by elements. */
export const reverseKernel: Kernel = ([v], n) => {
  if (v.kind === "list") {
    const idx = new Int32Array(v.child.length);
    let at = 0;
    for (let i = 0; i < n; i++) for (let k = v.offsets[i + 1] - 1; k >= v.offsets[i]; k--) idx[at++] = k;
    const offsets = v.offsets.slice(0, n + 1);
    const base = offsets[0];
    // The reversed elements are gathered from the first row's start, so offsets are rebased.
    const gathered = take(v.child, idx.subarray(0, at));
    for (let i = 0; i <= n; i++) offsets[i] -= base;
    return { kind: "list", type: v.type, length: n, valid: v.valid, offsets, child: gathered };
  }
  return bytesRows([v], n, StringType(), (i) => chars(strAt(v, i)).reverse().join(""));
};

/** repeat(str, n): `str` `n` times ("" for n <= 0). */
export const repeatKernel: Kernel = (args, n) => bytesRows(args, n, StringType(), (i) => strAt(args[0], i).repeat(Math.max(0, intAt(args[1], i))));

/** space(n): `n` spaces. */
export const spaceKernel: Kernel = (args, n) => bytesRows(args, n, StringType(), (i) => " ".repeat(Math.max(0, intAt(args[0], i))));

/** replace(str, search[, rep = ""]): every occurrence; an empty search leaves the string. */
export const replaceKernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const s = strAt(args[0], i);
    const search = strAt(args[1], i);
    return search.length === 0 ? s : s.split(search).join(args.length > 2 ? strAt(args[2], i) : "");
  });

/** translate(str, from, to): maps each character of `from` to the same position of `to`, deleting the rest. */
export const translateKernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const from = chars(strAt(args[1], i));
    const to = chars(strAt(args[2], i));
    const map = new Map<string, string>();
    from.forEach((c, k) => {
      if (!map.has(c)) map.set(c, k < to.length ? to[k] : "");
    });
    return chars(strAt(args[0], i))
      .map((c) => map.get(c) ?? c)
      .join("");
  });

/** instr(str, substr): 1-based character position of the first occurrence, 0 when none. */
export const instrKernel: Kernel = (args, n) =>
  intRows(args, n, (i) => {
    const s = strAt(args[0], i);
    const at = s.indexOf(strAt(args[1], i));
    return at < 0 ? 0 : chars(s.slice(0, at)).length + 1;
  });

/** find_in_set(str, list): 1-based index of `str` in the comma-separated `list`; 0 if absent or `str` has a comma. */
export const findInSetKernel: Kernel = (args, n) =>
  intRows(args, n, (i) => {
    const word = strAt(args[0], i);
    if (word.includes(",")) return 0;
    return strAt(args[1], i).split(",").indexOf(word) + 1;
  });

/** substring_index(str, delim, count): text before the count-th delimiter (from the end when negative). */
export const substringIndexKernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const s = strAt(args[0], i);
    const delim = strAt(args[1], i);
    let count = intAt(args[2], i);
    if (delim.length === 0 || count === 0) return "";
    if (count > 0) {
      let idx = -1;
      while (count > 0) {
        idx = s.indexOf(delim, idx + 1);
        if (idx < 0) return s;
        count--;
      }
      return s.slice(0, idx);
    }
    let idx = s.length - delim.length + 1;
    count = -count;
    while (count > 0) {
      idx = idx - 1 < 0 ? -1 : s.lastIndexOf(delim, idx - 1);
      if (idx < 0) return s;
      count--;
    }
    return s.slice(idx + delim.length);
  });

/** split_part(str, delim, part): the part-th piece (from the end when negative); "" out of range. */
export const splitPartKernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const part = intAt(args[2], i);
    if (part === 0) throw new ExecutionError("split_part: the index 0 is invalid; an index shall be either < 0 or > 0 (the first element has index 1) (INVALID_INDEX_OF_ZERO)");
    const s = strAt(args[0], i);
    const delim = strAt(args[1], i);
    const parts = delim.length === 0 ? [s] : s.split(delim);
    const k = part > 0 ? part - 1 : parts.length + part;
    return k >= 0 && k < parts.length ? parts[k] : "";
  });

/** left(str, len): the first `len` characters (bytes of a binary); "" for len <= 0. */
export const leftKernel: Kernel = (args, n, _ctx, call) => {
  const binary = call.dataType.typeName === "binary";
  return bytesRows(args, n, call.dataType, (i) => {
    const len = intAt(args[1], i);
    if (binary) return bytesAt(args[0], i).slice(0, Math.max(0, len));
    return len <= 0 ? "" : chars(strAt(args[0], i)).slice(0, len).join("");
  });
};

/** right(str, len): the last `len` characters; "" for len <= 0. */
export const rightKernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const len = intAt(args[1], i);
    if (len <= 0) return "";
    const cs = chars(strAt(args[0], i));
    return cs.slice(Math.max(0, cs.length - len)).join("");
  });

/** lpad/rpad on characters (strings) or bytes (binary); an empty pad only truncates. */
function padKernel(left: boolean): Kernel {
  return (args, n, _ctx, call) => {
    const binary = call.dataType.typeName === "binary";
    if (!binary) {
      const fast = padAscii(args, n, left);
      if (fast !== null) return fast;
    }
    const defaultPad = binary ? new Uint8Array(1) : null;
    return bytesRows(args, n, call.dataType, (i) => {
      const len = intAt(args[1], i);
      if (binary) {
        const s = bytesAt(args[0], i);
        const pad = args.length > 2 ? bytesAt(args[2], i) : (defaultPad ?? new Uint8Array(1));
        return padSeq(Array.from(s), len, Array.from(pad), left, (xs) => Uint8Array.from(xs));
      }
      const s = chars(strAt(args[0], i));
      const pad = chars(args.length > 2 ? strAt(args[2], i) : " ");
      return padSeq(s, len, pad, left, (xs) => xs.join(""));
    });
  };
}

/**
 * lpad/rpad of ASCII strings with an ASCII pad (characters are bytes): built from byte pieces with
 * no decoding. Null when a row or the pad is not ASCII (the general path runs instead).
 */
function padAscii(args: readonly Vector[], n: number, left: boolean): Vector | null {
  const v = args[0];
  const lenV = args[1];
  const padV = args.length > 2 ? args[2] : null;
  if (v.kind !== "bytes" || lenV.kind !== "i32" || (padV !== null && padV.kind !== "bytes")) return null;
  for (const d of [v.data, padV?.data ?? new Uint8Array(0)]) for (let k = 0; k < d.length; k++) if (d[k] >= 0x80) return null;
  const space = new Uint8Array([0x20]);
  const b = new BytesBuilder(n, v.data.length + n * 8);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i) || !isValid(lenV, i) || (padV !== null && !isValid(padV, i))) {
      b.appendNull();
      continue;
    }
    const s = v.offsets[i];
    const e = v.offsets[i + 1];
    const len = lenV.values[i];
    if (len <= e - s) {
      b.appendBytes(v.data, s, s + Math.max(0, len));
      continue;
    }
    const pad = padV === null ? space : padV.data;
    const ps = padV === null ? 0 : padV.offsets[i];
    const pl = padV === null ? 1 : padV.offsets[i + 1] - ps;
    if (pl === 0) {
      b.appendBytes(v.data, s, e);
      continue;
    }
    const fill = len - (e - s);
    if (!left) b.appendPiece(v.data, s, e);
    if (pl === 1) b.appendRepeated(pad[ps], fill);
    else {
      for (let k = 0; k + pl <= fill; k += pl) b.appendPiece(pad, ps, ps + pl);
      b.appendPiece(pad, ps, ps + (fill % pl));
    }
    if (left) b.appendPiece(v.data, s, e);
    b.commitValue();
  }
  return b.finish(StringType());
}

function padSeq<T, R>(s: readonly T[], len: number, pad: readonly T[], left: boolean, make: (xs: T[]) => R): R {
  if (len <= s.length || pad.length === 0) return make(s.slice(0, Math.max(0, len)));
  const fill: T[] = [];
  for (let k = 0; fill.length < len - s.length; k++) fill.push(pad[k % pad.length]);
  return make(left ? [...fill, ...s] : [...s, ...fill]);
}

/** overlay(input, replace, pos[, len]): `input` with `len` characters (or bytes) from `pos` replaced. */
export const overlayKernel: Kernel = (args, n, _ctx, call) => {
  const binary = call.dataType.typeName === "binary";
  return bytesRows(args, n, call.dataType, (i) => {
    const pos = intAt(args[2], i);
    const lenArg = args.length > 3 ? intAt(args[3], i) : -1;
    if (binary) {
      const input = Array.from(bytesAt(args[0], i));
      const rep = Array.from(bytesAt(args[1], i));
      return Uint8Array.from(overlaySeq(input, rep, pos, lenArg));
    }
    return overlaySeq(chars(strAt(args[0], i)), chars(strAt(args[1], i)), pos, lenArg).join("");
  });
};

function overlaySeq<T>(input: readonly T[], rep: readonly T[], pos: number, len: number): T[] {
  const length = len >= 0 ? len : rep.length;
  return [...subSql(input, 1, pos - 1), ...rep, ...subSql(input, pos + length, 2147483647)];
}

/** Spark's `substringSQL(pos, len)` on a sequence: 1-based, 0 as 1, negative from the end. */
function subSql<T>(xs: readonly T[], pos: number, len: number): T[] {
  const start = pos > 0 ? pos - 1 : pos < 0 ? xs.length + pos : 0;
  const end = len === 2147483647 ? xs.length : Math.min(xs.length, start + len);
  const from = Math.max(0, start);
  return from >= end || len <= 0 ? [] : xs.slice(from, end);
}

/** levenshtein(a, b[, threshold]): edit distance; -1 when it exceeds the threshold. */
export const levenshteinKernel: Kernel = (args, n) =>
  intRows(args, n, (i) => {
    const d = levenshtein(chars(strAt(args[0], i)), chars(strAt(args[1], i)));
    if (args.length > 2) return d > intAt(args[2], i) ? -1 : d;
    return d;
  });

function levenshtein(a: readonly string[], b: readonly string[]): number {
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

const SOUNDEX = "01230120022455012623010202";

/** soundex(str): the American Soundex code; the input itself when it does not start with a letter. */
export const soundexKernel: Kernel = strFn((s) => {
  if (s.length === 0) return "";
  const up = (c: number): number => (c >= 0x61 && c <= 0x7a ? c - 32 : c);
  const first = up(s.charCodeAt(0));
  if (first < 0x41 || first > 0x5a) return s;
  const bytes = encodeUtf8(s);
  const sx = [String.fromCharCode(first), "0", "0", "0"];
  let sxi = 1;
  let last = SOUNDEX[first - 0x41];
  for (let k = 1; k < bytes.length; k++) {
    const b = up(bytes[k]);
    if (b < 0x41 || b > 0x5a) {
      last = "0";
      continue;
    }
    const code = SOUNDEX[b - 0x41];
    if (code === "7") continue;
    if (code !== "0" && code !== last) {
      sx[sxi++] = code;
      if (sxi > 3) break;
    }
    last = code;
  }
  return sx.join("");
});

/** luhn_check(str): whether a string of digits passes the Luhn checksum. */
export const luhnKernel: Kernel = (args, n) =>
  boolRows(args, n, (i) => {
    const s = strAt(args[0], i);
    if (s.length === 0) return false;
    let sum = 0;
    let second = false;
    for (let k = s.length - 1; k >= 0; k--) {
      const c = s.charCodeAt(k);
      if (c < 0x30 || c > 0x39) return false;
      let d = c - 0x30;
      if (second) d *= 2;
      sum += Math.floor(d / 10) + (d % 10);
      second = !second;
    }
    return sum % 10 === 0;
  });

/** mask(str, upper, lower, digit, other): replaces characters by class; an absent replacement keeps them. */
export function maskKernel(call: BoundCall): Kernel {
  const o = call.fn.options;
  const upper = o.upper ?? null;
  const lower = o.lower ?? null;
  const digit = o.digit ?? null;
  const other = o.other ?? null;
  return (args, n) =>
    bytesRows(args, n, StringType(), (i) => {
      let out = "";
      for (const c of strAt(args[0], i)) {
        const r = /\p{Lu}/u.test(c) ? upper : /\p{Ll}/u.test(c) ? lower : /\p{Nd}/u.test(c) ? digit : other;
        out += r ?? c;
      }
      return out;
    });
}

// ---------------------------------------------------------------------------------------------
// Encodings: hex, base64, charsets, URLs.

const HEX = "0123456789ABCDEF";

function hexOf(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += HEX[b >> 4] + HEX[b & 15];
  return s;
}

/** hex(x): upper-case hex of a bigint (two's complement) or of the bytes of a string/binary. */
export const hexKernel: Kernel = ([v], n) =>
  bytesRows([v], n, StringType(), (i) => {
    if (v.kind === "i64") return BigInt.asUintN(64, v.values[i]).toString(16).toUpperCase();
    return hexOf(bytesAt(v, i));
  });

/** Spark's `Hex.unhex`: an odd length reads a leading `0`; null on a non-hex character. */
function unhexBytes(s: Uint8Array): Uint8Array | null {
  const digit = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1);
  const out = new Uint8Array((s.length + 1) >> 1);
  let i = 0;
  let o = 0;
  if (s.length % 2 === 1) {
    const d = digit(s[0]);
    if (d < 0) return null;
    out[o++] = d;
    i = 1;
  }
  for (; i < s.length; i += 2) {
    const hi = digit(s[i]);
    const lo = digit(s[i + 1]);
    if (hi < 0 || lo < 0) return null;
    out[o++] = (hi << 4) | lo;
  }
  return out;
}

export const unhexKernel: Kernel = (args, n) => bytesRows(args, n, BinaryType(), (i) => unhexBytes(bytesAt(args[0], i)));

/** base64(bin): Java's MIME encoder (lines of 76 characters joined by CRLF). */
export const base64Kernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const s = Buffer.from(bytesAt(args[0], i)).toString("base64");
    return s.length <= 76 ? s : (s.match(/.{1,76}/g) ?? []).join("\r\n");
  });

/** unbase64(str): Java's MIME decoder (characters outside the alphabet are skipped). */
export const unbase64Kernel: Kernel = (args, n) => bytesRows(args, n, BinaryType(), (i) => Uint8Array.from(Buffer.from(strAt(args[0], i), "base64")));

/** Spark's `UnBase64.isValidBase64` (the strict check of to_binary). */
function isValidBase64(s: string): boolean {
  let position = 0;
  let pad = 0;
  for (const c of s) {
    if (/[0-9A-Za-z+/]/.test(c)) {
      if (pad !== 0) return false;
      position++;
    } else if (c === "=") {
      pad++;
      if (pad > 2 || position % 4 < 2) return false;
    } else if (/\s/.test(c)) {
      if (pad !== 0) return false;
    } else return false;
  }
  return pad > 0 ? (position + pad) % 4 === 0 : position % 4 !== 1;
}

/** Java charset names Spark accepts for encode/decode, case-insensitively. */
function charsetOf(name: string, fn: string): "utf8" | "latin1" | "ascii" | "utf16be" | "utf16le" | "utf16" {
  switch (name.toUpperCase().replace(/_/g, "-")) {
    case "UTF-8":
    case "UTF8":
      return "utf8";
    case "ISO-8859-1":
    case "ISO8859-1":
    case "LATIN1":
      return "latin1";
    case "US-ASCII":
    case "ASCII":
      return "ascii";
    case "UTF-16BE":
      return "utf16be";
    case "UTF-16LE":
      return "utf16le";
    case "UTF-16":
      return "utf16";
    default:
      throw new ExecutionError(`${fn}: unsupported charset '${name}' (INVALID_PARAMETER_VALUE.CHARSET); use one of US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE, UTF-16`);
  }
}

function swap16(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let k = 0; k + 1 < b.length; k += 2) {
    out[k] = b[k + 1];
    out[k + 1] = b[k];
  }
  return out;
}

function encodeCharset(s: string, cs: ReturnType<typeof charsetOf>): Uint8Array {
  switch (cs) {
    case "utf8":
      return encodeUtf8(s);
    case "latin1":
    case "ascii": {
      const max = cs === "latin1" ? 0xff : 0x7f;
      const cps = chars(s);
      return Uint8Array.from(cps.map((c) => {
        const x = c.codePointAt(0) ?? 0x3f;
        return x <= max ? x : 0x3f;
      }));
    }
    case "utf16le":
      return Uint8Array.from(Buffer.from(s, "utf16le"));
    case "utf16be":
      return swap16(Uint8Array.from(Buffer.from(s, "utf16le")));
    case "utf16": {
      const body = swap16(Uint8Array.from(Buffer.from(s, "utf16le")));
      const out = new Uint8Array(body.length + 2);
      out[0] = 0xfe;
      out[1] = 0xff;
      out.set(body, 2);
      return out;
    }
  }
}

function decodeCharset(b: Uint8Array, cs: ReturnType<typeof charsetOf>): string {
  switch (cs) {
    case "utf8":
      return decodeUtf8(b, 0, b.length);
    case "latin1":
      return Buffer.from(b).toString("latin1");
    case "ascii":
      return Array.from(b, (x) => (x < 0x80 ? String.fromCharCode(x) : "\ufffd")).join("");
    case "utf16le":
      return Buffer.from(b).toString("utf16le");
    case "utf16be":
      return Buffer.from(swap16(b)).toString("utf16le");
    case "utf16":
      if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return Buffer.from(b.subarray(2)).toString("utf16le");
      return Buffer.from(swap16(b[0] === 0xfe && b[1] === 0xff ? b.subarray(2) : b)).toString("utf16le");
  }
}

/** encode(str, charset): the text in a Java charset. */
export const encodeKernel: Kernel = (args, n) => bytesRows(args, n, BinaryType(), (i) => encodeCharset(strAt(args[0], i), charsetOf(strAt(args[1], i), "encode")));

/** decode(bin, charset), or decode(expr, search, result, …[, default]) as a CASE on `<=>`. */
export function decodeKernel(call: BoundCall): Kernel {
  if (call.fn.options.pairs === undefined) {
    return (args, n) => bytesRows(args, n, StringType(), (i) => decodeCharset(bytesAt(args[0], i), charsetOf(strAt(args[1], i), "decode")));
  }
  const pairs = Number(call.fn.options.pairs);
  const hasDefault = call.fn.options.default === "1";
  return (args, n) => {
    const choice = new Int32Array(n).fill(-2);
    const results: Vector[] = [];
    for (let k = 0; k < pairs; k++) {
      markWhere(compareVectors("<=>", args[3 * k], args[3 * k + 1]), choice, k, -2);
      results.push(args[3 * k + 2]);
    }
    if (hasDefault) results.push(args[3 * pairs]);
    const other = hasDefault ? pairs : -1;
    for (let i = 0; i < n; i++) if (choice[i] === -2) choice[i] = other;
    return choose(call.dataType, results, choice);
  };
}

/** elt(n, a, b, …): the n-th input (1-based); null when out of range. */
export const eltKernel: Kernel = (args, n, _ctx, call) => {
  const index = args[0];
  const inputs = args.slice(1);
  const choice = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = isValid(index, i) ? intAt(index, i) : 0;
    choice[i] = k >= 1 && k <= inputs.length ? k - 1 : -1;
  }
  return choose(call.dataType, inputs, choice);
};

/** to_binary / try_to_binary(str[, fmt]): hex (default), utf-8 or base64; to_binary fails on bad input. */
export function toBinaryKernel(lenient: boolean): KernelFactory {
  return (call) => {
    const fixedFormat = call.fn.options.format;
    return (args, n) => {
      const str = args[0];
      return bytesRows([str], n, BinaryType(), (i) => {
        let fmt = fixedFormat;
        if (fmt === "dynamic") {
          const f = args[1];
          if (!isValid(f, i)) return null;
          fmt = strAt(f, i).toLowerCase();
        }
        const s = strAt(str, i);
        const fail = (kind: string): null => {
          if (lenient) return null;
          throw new ExecutionError(`to_binary: the value '${s}' cannot be converted to BINARY with the format ${kind} (CONVERSION_INVALID_INPUT); use try_to_binary to get null instead`);
        };
        switch (fmt) {
          case "hex":
            return unhexBytes(bytesAt(str, i)) ?? fail("HEX");
          case "utf-8":
          case "utf8":
            return bytesAt(str, i).slice();
          case "base64":
            return isValidBase64(s) ? Uint8Array.from(Buffer.from(s, "base64")) : fail("BASE64");
          default:
            return null;
        }
      });
    };
  };
}

/** url_encode(str): `application/x-www-form-urlencoded` in UTF-8, as Java's URLEncoder. */
export const urlEncodeKernel: Kernel = strFn((s) => {
  let out = "";
  for (const b of encodeUtf8(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (b === 0x20) out += "+";
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
});

/** url_decode(str): as Java's URLDecoder; a malformed escape is an error. */
export const urlDecodeKernel: Kernel = strFn((s) => {
  const bytes: number[] = [];
  const text = encodeUtf8(s);
  for (let k = 0; k < text.length; k++) {
    const b = text[k];
    if (b === 0x2b) bytes.push(0x20);
    else if (b === 0x25) {
      const v = k + 2 < text.length ? unhexBytes(text.subarray(k + 1, k + 3)) : null;
      if (v === null) {
        throw new ExecutionError(`url_decode: cannot decode '${s}': illegal hex characters in escape (%) pattern (CANNOT_DECODE_URL)`);
      }
      bytes.push(v[0]);
      k += 2;
    } else bytes.push(b);
  }
  const out = Uint8Array.from(bytes);
  return decodeUtf8(out, 0, out.length);
});

const URI = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

/** parse_url(url, part[, key]): a part of the URL as Java's `java.net.URI` reads it; null when absent or invalid. */
export const parseUrlKernel: Kernel = (args, n) =>
  bytesRows(args, n, StringType(), (i) => {
    const url = strAt(args[0], i);
    // java.net.URI refuses spaces and other unescaped characters; Spark then returns null.
    if (/[\s"<>\\^`{|}]/.test(url)) return null;
    const m = URI.exec(url);
    if (m === null) return null;
    const [, scheme, authority, path, query, ref] = m;
    const part = strAt(args[1], i);
    const hostOf = (a: string): string => a.replace(/^[^@]*@/, "").replace(/:\d*$/, "");
    switch (part) {
      case "HOST":
        return authority === undefined || authority === "" ? null : hostOf(authority);
      case "PATH":
        return path;
      case "QUERY": {
        if (query === undefined) return null;
        if (args.length < 3) return query;
        const key = strAt(args[2], i);
        const km = new RegExp(`(&|^)${key.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}=([^&]*)`).exec(query);
        return km === null ? null : km[2];
      }
      case "REF":
        return ref ?? null;
      case "PROTOCOL":
        return scheme ?? null;
      case "FILE":
        return query === undefined ? path : `${path}?${query}`;
      case "AUTHORITY":
        return authority ?? null;
      case "USERINFO": {
        if (authority === undefined) return null;
        const at = authority.indexOf("@");
        return at < 0 ? null : authority.slice(0, at);
      }
      default:
        return null;
    }
  });

/** sentences(str[, lang, country]): sentences split into words (letters and digits). */
export const sentencesKernel: Kernel = (args, n) => {
  const str = args[0];
  const outer = new Int32Array(n + 1);
  const valid = new Uint8Array(n);
  const innerOffsets: number[] = [0];
  const words = new BytesBuilder(n * 4);
  for (let i = 0; i < n; i++) {
    if (isValid(str, i)) {
      valid[i] = 1;
      for (const sentence of strAt(str, i).split(/(?<=[.!?])\s+/u)) {
        const ws = sentence.match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu) ?? [];
        if (ws.length === 0) continue;
        for (const w of ws) words.appendString(w);
        innerOffsets.push(words.length);
      }
    }
    outer[i + 1] = innerOffsets.length - 1;
  }
  const inner: Vector = {
    kind: "list",
    type: ArrayType(StringType()),
    length: innerOffsets.length - 1,
    valid: null,
    offsets: Int32Array.from(innerOffsets),
    child: words.finish(StringType()),
  };
  return { kind: "list", type: ArrayType(ArrayType(StringType())), length: n, valid: compactMask(valid, n), offsets: outer, child: inner };
};

// ---------------------------------------------------------------------------------------------
// Number formatting: format_string (Java's Formatter), format_number (DecimalFormat), to_number/to_char.

/** An exact decimal: `digits` (no sign, no leading zeros beyond one) scaled by 10^-scale. */
interface Exact {
  readonly negative: boolean;
  readonly unscaled: bigint;
  readonly scale: number;
}

/** The exact decimal value of a finite double (its binary value, not its shortest text). */
function exactDouble(x: number): Exact {
  const negative = x < 0 || Object.is(x, -0);
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const bits = buf.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let exp: number;
  if (e === 0) exp = -1074;
  else {
    m |= 1n << 52n;
    exp = e - 1075;
  }
  if (exp >= 0) return { negative, unscaled: m << BigInt(exp), scale: 0 };
  // m / 2^k = m * 5^k / 10^k.
  const k = -exp;
  return { negative, unscaled: m * 5n ** BigInt(k), scale: k };
}

/** `x` rounded to `scale` fractional digits, half-even or half-up. */
function roundExact(x: Exact, scale: number, mode: "even" | "up"): Exact {
  if (x.scale <= scale) return { negative: x.negative, unscaled: x.unscaled * 10n ** BigInt(scale - x.scale), scale };
  const div = 10n ** BigInt(x.scale - scale);
  let q = x.unscaled / div;
  const r = x.unscaled % div;
  const twice = r * 2n;
  if (twice > div || (twice === div && (mode === "up" || q % 2n === 1n))) q += 1n;
  return { negative: x.negative, unscaled: q, scale };
}

/** Integer and fraction digit strings of an exact decimal. */
function digitsOf(x: Exact): { int: string; frac: string } {
  const s = x.unscaled.toString().padStart(x.scale + 1, "0");
  return { int: s.slice(0, s.length - x.scale), frac: s.slice(s.length - x.scale) };
}

function groupDigits(int: string, size: number, sep = ","): string {
  if (size <= 0) return int;
  let out = "";
  for (let k = 0; k < int.length; k++) {
    if (k > 0 && (int.length - k) % size === 0) out += sep;
    out += int[k];
  }
  return out;
}

/** The exact value of numeric slot `i`, or null for NaN/Infinity. */
function exactAt(v: Vector, i: number): Exact | null {
  switch (v.kind) {
    case "f64":
    case "f32": {
      const x = v.values[i];
      return Number.isFinite(x) ? exactDouble(x) : null;
    }
    case "decimal": {
      const u = v.values[i];
      return { negative: u < 0n, unscaled: u < 0n ? -u : u, scale: v.type.scale };
    }
    case "i64": {
      const u = v.values[i];
      return { negative: u < 0n, unscaled: u < 0n ? -u : u, scale: 0 };
    }
    default: {
      const x = intAt(v, i);
      return { negative: x < 0, unscaled: BigInt(Math.abs(x)), scale: 0 };
    }
  }
}

/** A DecimalFormat pattern's shape: grouping size, minimum integer digits, fraction digit bounds. */
interface DecimalPattern {
  readonly group: number;
  readonly minInt: number;
  readonly minFrac: number;
  readonly maxFrac: number;
  readonly prefix: string;
  readonly suffix: string;
}

function decimalPattern(p: string): DecimalPattern {
  const m = /^([^#0,.]*)([#0,]*)(?:\.([#0]*))?(.*)$/.exec(p) ?? ["", "", "#,##0", "", ""];
  const int = m[2] === "" ? "#" : m[2];
  const frac = m[3] ?? "";
  const lastComma = int.lastIndexOf(",");
  return {
    group: lastComma < 0 ? 0 : int.length - lastComma - 1,
    minInt: (int.match(/0/g) ?? []).length,
    minFrac: (frac.match(/0/g) ?? []).length,
    maxFrac: frac.length,
    prefix: m[1],
    suffix: m[4],
  };
}

function formatDecimalPattern(x: Exact, p: DecimalPattern): string {
  const r = roundExact(x, p.maxFrac, "even");
  let { int, frac } = digitsOf(r);
  int = int.replace(/^0+/, "");
  if (int.length < p.minInt) int = int.padStart(p.minInt, "0");
  while (frac.length > p.minFrac && frac.endsWith("0")) frac = frac.slice(0, -1);
  const isZero = r.unscaled === 0n;
  const body = groupDigits(int, p.group) + (frac.length > 0 ? `.${frac}` : "");
  return `${x.negative && !isZero ? "-" : ""}${p.prefix}${body}${p.suffix}`;
}

const DEFAULT_NUMBER_PATTERN = "#,###,###,###,###,###,##0";

/** format_number(x, d | pattern): `#,###.##`-style text rounded half-even; null for d < 0. */
export const formatNumberKernel: Kernel = (args, n) => {
  const [x, d] = args;
  const cache = new Map<string, DecimalPattern>();
  return bytesRows(args, n, StringType(), (i) => {
    let pattern: DecimalPattern | undefined;
    if (d.kind === "bytes") {
      const text = strAt(d, i);
      pattern = cache.get(text);
      if (pattern === undefined) {
        pattern = decimalPattern(text === "" ? DEFAULT_NUMBER_PATTERN : text);
        cache.set(text, pattern);
      }
    } else {
      const digits = intAt(d, i);
      if (digits < 0) return null;
      pattern = { group: 3, minInt: 1, minFrac: digits, maxFrac: digits, prefix: "", suffix: "" };
    }
    const e = exactAt(x, i);
    if (e === null) {
      const v = x.kind === "f64" || x.kind === "f32" ? x.values[i] : 0;
      return Number.isNaN(v) ? "\ufffd" : v > 0 ? "\u221e" : "-\u221e";
    }
    return formatDecimalPattern(e, pattern);
  });
};

/** format_string(fmt, args…) / printf: Java's `String.format`; null only when the format is null. */
export const formatStringKernel: Kernel = (args, n) => {
  const fmtV = args[0];
  const values = args.slice(1);
  const b = new BytesBuilder(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(fmtV, i)) b.appendNull();
    else b.appendString(javaFormat(strAt(fmtV, i), values, i));
  }
  return b.finish(StringType());
};

const SPEC = /%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;

function javaFormat(fmt: string, values: readonly Vector[], i: number): string {
  let out = "";
  let last = 0;
  let ordinary = 0;
  let previous = -1;
  SPEC.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SPEC.exec(fmt)) !== null) {
    out += fmt.slice(last, m.index);
    last = SPEC.lastIndex;
    const [spec, index, flags, widthText, precText, conv] = m;
    const width = widthText === undefined ? -1 : Number(widthText);
    const precision = precText === undefined ? -1 : Number(precText);
    if (conv === "%") {
      out += pad("%", width, flags.includes("-"));
      continue;
    }
    if (conv === "n") {
      out += "\n";
      continue;
    }
    let k: number;
    if (index === "<") k = previous;
    else if (index !== undefined) k = Number(index.slice(0, -1)) - 1;
    else k = ordinary++;
    if (k < 0 || k >= values.length) throw new ExecutionError(`format_string: format specifier '${spec}' has no argument (java.util.MissingFormatArgumentException)`);
    previous = k;
    out += formatOne(values[k], i, conv, flags, width, precision, spec);
  }
  return out + fmt.slice(last);
}

function pad(s: string, width: number, left: boolean, zero = false): string {
  if (s.length >= width) return s;
  if (left) return s.padEnd(width, " ");
  if (zero) {
    const sign = /^[-+ (]/.test(s) ? s[0] : "";
    return sign + s.slice(sign.length).padStart(width - sign.length, "0");
  }
  return s.padStart(width, " ");
}

function formatOne(v: Vector, i: number, conv: string, flags: string, width: number, precision: number, spec: string): string {
  const left = flags.includes("-");
  const upper = conv === conv.toUpperCase() && conv !== "%";
  const c = conv.toLowerCase();
  const bad = (): never => {
    throw new ExecutionError(`format_string: '${spec}' cannot format a ${v.type.typeName} value (java.util.IllegalFormatConversionException)`);
  };
  const valid = isValid(v, i);
  let text: string;
  switch (c) {
    case "s":
      text = valid ? slotText(v, i) : "null";
      if (precision >= 0) text = text.slice(0, precision);
      break;
    case "b":
      text = !valid ? "false" : v.kind === "bool" ? (v.values[i] === 1 ? "true" : "false") : "true";
      break;
    case "h":
      text = valid ? (slotText(v, i).split("").reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 0) >>> 0).toString(16) : "null";
      break;
    case "c":
      if (!valid) text = "null";
      else if (v.kind === "i32" || v.kind === "i16" || v.kind === "i8") text = String.fromCodePoint(v.values[i]);
      else return bad();
      break;
    case "d":
    case "x":
    case "o": {
      if (!valid) {
        text = "null";
        break;
      }
      if (v.kind !== "i64" && v.kind !== "i32" && v.kind !== "i16" && v.kind !== "i8") return bad();
      const x = v.kind === "i64" ? v.values[i] : BigInt(v.values[i]);
      if (c === "d") {
        const neg = x < 0n;
        let body = (neg ? -x : x).toString();
        if (flags.includes(",")) body = groupDigits(body, 3);
        text = neg ? (flags.includes("(") ? `(${body})` : `-${body}`) : flags.includes("+") ? `+${body}` : flags.includes(" ") ? ` ${body}` : body;
      } else {
        const bits = v.kind === "i64" ? 64 : v.kind === "i32" ? 32 : v.kind === "i16" ? 16 : 8;
        text = BigInt.asUintN(bits, x).toString(c === "x" ? 16 : 8);
        if (flags.includes("#")) text = (c === "x" ? "0x" : "0") + text;
      }
      return applyCase(pad(text, width, left, flags.includes("0")), upper);
    }
    case "e":
    case "f":
    case "g": {
      if (!valid) {
        text = "null";
        break;
      }
      if (v.kind !== "f64" && v.kind !== "f32" && v.kind !== "decimal") return bad();
      const x = v.kind === "decimal" ? Number(formatDecimal(v.values[i], v.type.scale)) : v.values[i];
      text = formatFloat(x, c, precision < 0 ? 6 : precision, flags);
      return applyCase(pad(text, width, left, flags.includes("0")), upper);
    }
    default:
      throw new ExecutionError(`format_string: unknown conversion '${spec}' (java.util.UnknownFormatConversionException)`);
  }
  return applyCase(pad(text, width, left), upper);
}

function applyCase(s: string, upper: boolean): string {
  return upper ? s.toUpperCase() : s;
}

/** %e / %f / %g of a double, rounded half-up from its shortest decimal text (as Java). */
function formatFloat(x: number, c: string, precision: number, flags: string): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? (flags.includes("+") ? "+Infinity" : "Infinity") : flags.includes("(") ? "(Infinity)" : "-Infinity";
  const neg = x < 0 || Object.is(x, -0);
  const shortest = parseExact(Math.abs(x).toExponential());
  let body: string;
  if (c === "f") {
    const { int, frac } = digitsOf(roundExact(shortest, precision, "up"));
    body = (flags.includes(",") ? groupDigits(int, 3) : int) + (precision > 0 ? `.${frac}` : "");
  } else if (c === "e") {
    body = Math.abs(x) === 0 ? `${(0).toFixed(precision)}e+00` : expText(Math.abs(x), precision);
  } else {
    const p = precision === 0 ? 1 : precision;
    const ax = Math.abs(x);
    if (ax !== 0 && (ax < 1e-4 || ax >= 10 ** p)) body = expText(ax, p - 1);
    else {
      const digitsBefore = ax === 0 ? 1 : Math.floor(Math.log10(ax)) + 1;
      const { int, frac } = digitsOf(roundExact(shortest, Math.max(0, p - digitsBefore), "up"));
      body = int + (frac.length > 0 ? `.${frac}` : "");
    }
  }
  const sign = neg ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  return neg && flags.includes("(") ? `(${body})` : sign + body;
}

function expText(ax: number, precision: number): string {
  const [mant, exp] = ax.toExponential(precision).split("e");
  const e = Number(exp);
  return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** Parses `d.ddde±x` (JavaScript's exponential text) exactly. */
function parseExact(text: string): Exact {
  const [mant, expText0] = text.split("e");
  const exp = Number(expText0);
  const [a, b = ""] = mant.split(".");
  const unscaled = BigInt(a + b);
  const scale = b.length - exp;
  return scale >= 0 ? { negative: false, unscaled, scale } : { negative: false, unscaled: unscaled * 10n ** BigInt(-scale), scale: 0 };
}

/** A to_number/to_char format split into its parts (validated by the binder). */
interface NumberFormat {
  readonly before: string;
  readonly after: string | null;
  readonly dollar: boolean;
  readonly sign: "S" | "MI" | "PR" | null;
  readonly signAtStart: boolean;
  readonly precision: number;
  readonly scale: number;
}

function numberFormat(format: string): NumberFormat {
  let f = format.toUpperCase();
  let sign: NumberFormat["sign"] = null;
  let signAtStart = false;
  if (f.startsWith("S")) {
    sign = "S";
    signAtStart = true;
    f = f.slice(1);
  } else if (f.startsWith("MI")) {
    sign = "MI";
    signAtStart = true;
    f = f.slice(2);
  }
  if (f.endsWith("PR")) {
    sign = "PR";
    f = f.slice(0, -2);
  } else if (f.endsWith("MI")) {
    sign = "MI";
    f = f.slice(0, -2);
  } else if (f.endsWith("S")) {
    sign = "S";
    f = f.slice(0, -1);
  }
  const dollar = f.includes("$");
  f = f.replace("$", "").replace(/G/g, ",").replace("D", ".");
  const point = f.indexOf(".");
  const before = point < 0 ? f : f.slice(0, point);
  const after = point < 0 ? null : f.slice(point + 1);
  const digitsBefore = before.replace(/,/g, "").length;
  const scale = after === null ? 0 : after.length;
  return { before, after, dollar, sign, signAtStart, precision: digitsBefore + scale, scale };
}

/** Parses `s` with a to_number format; null when it does not match. */
function parseNumber(s: string, f: NumberFormat): bigint | null {
  let t = s;
  let negative = false;
  if (f.sign === "PR" && t.startsWith("<") && t.endsWith(">")) {
    negative = true;
    t = t.slice(1, -1);
  } else if (f.sign === "S" || f.sign === "MI") {
    const c = f.signAtStart ? t[0] : t[t.length - 1];
    if (c === "-" || c === "+" || (f.sign === "MI" && c === " ")) {
      negative = c === "-";
      t = f.signAtStart ? t.slice(1) : t.slice(0, -1);
    }
  }
  if (f.dollar) {
    if (!t.includes("$")) return null;
    t = t.replace("$", "");
  }
  const m = /^(\d[\d,]*|)(?:\.(\d*))?$/.exec(t);
  if (m === null || (m[1] === "" && (m[2] === undefined || m[2] === ""))) return null;
  if (m[2] !== undefined && f.after === null) return null;
  const intPart = m[1];
  // Grouping separators must sit where the format has them (counted from the decimal point).
  if (intPart.includes(",")) {
    const groups = intPart.split(",");
    const fmtGroups = f.before.split(",");
    if (fmtGroups.length < groups.length) return null;
    const tail = fmtGroups.slice(fmtGroups.length - groups.length);
    for (let k = 1; k < groups.length; k++) if (groups[k].length !== tail[k].length) return null;
    if (groups[0].length > tail[0].length || groups[0].length === 0) return null;
  }
  const intDigits = intPart.replace(/,/g, "");
  const frac = m[2] ?? "";
  if (intDigits.length > f.precision - f.scale || frac.length > f.scale) return null;
  const u = BigInt((intDigits || "0") + frac.padEnd(f.scale, "0"));
  return negative ? -u : u;
}

/** to_number / try_to_number(str, fmt): a decimal read by the format; to_number fails on a mismatch. */
export function toNumberKernel(call: BoundCall): Kernel {
  const format = call.fn.options.format ?? "";
  const f = numberFormat(format);
  const lenient = call.fn.options.lenient === "1";
  return ([v], n) => {
    const values: bigint[] = new Array<bigint>(n).fill(0n);
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) continue;
      const s = strAt(v, i);
      const x = parseNumber(s, f);
      if (x === null) {
        if (lenient) continue;
        throw new ExecutionError(`to_number: the input '${s}' does not match the format '${format}' (INVALID_FORMAT.MISMATCH_INPUT); use try_to_number to get null instead`);
      }
      values[i] = x;
      valid[i] = 1;
    }
    return decimalVector(call.dataType as DecimalType, values, compactMask(valid, n));
  };
}

/** to_char / to_varchar(number, fmt): the number written with the format ('#' for each digit when it does not fit). */
export function toCharKernel(call: BoundCall): Kernel {
  const format = call.fn.options.format ?? "";
  const f = numberFormat(format);
  return ([v], n) =>
    bytesRows([v], n, StringType(), (i) => {
      const e = exactAt(v, i);
      if (e === null) return null;
      const r = roundExact(e, f.scale, "up");
      const { int, frac } = digitsOf(r);
      const digitsBefore = f.before.replace(/,/g, "");
      let intDigits = int.replace(/^0+/, "");
      const overflow = intDigits.length > digitsBefore.length;
      // '0' positions pad with zeros; leading '9' positions with spaces (Spark's ToNumberParser.format).
      const padded: string[] = [];
      intDigits = intDigits.padStart(digitsBefore.length, "\0");
      let started = false;
      for (let k = 0; k < digitsBefore.length; k++) {
        const d = intDigits[k];
        if (d !== "\0") started = true;
        if (overflow) padded.push("#");
        else if (d !== "\0") padded.push(d);
        else if (digitsBefore[k] === "0" || started) {
          padded.push("0");
          started = true;
        } else padded.push(" ");
      }
      let body = "";
      let pi = 0;
      for (const c of f.before) {
        if (c === ",") body += padded[pi - 1] === " " || pi === 0 ? " " : ",";
        else body += padded[pi++];
      }
      if (f.after !== null) body += `.${overflow ? "#".repeat(f.scale) : frac}`;
      if (f.dollar) body = body.replace(/^( *)/, "$1$");
      const neg = r.negative && r.unscaled !== 0n;
      switch (f.sign) {
        case "S":
          return f.signAtStart ? `${neg ? "-" : "+"}${body}` : `${body}${neg ? "-" : "+"}`;
        case "MI":
          return f.signAtStart ? `${neg ? "-" : " "}${body}` : `${body}${neg ? "-" : " "}`;
        case "PR":
          return neg ? `<${body}>` : ` ${body} `;
        default:
          return neg ? `-${body}` : body;
      }
    });
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const STRING_KERNELS: Readonly<Record<string, KernelFactory>> = {
  concat: fixed(concatKernel),
  concat_ws: fixed(concatWsKernel),
  lower: fixed(caseMap(false)),
  upper: fixed(caseMap(true)),
  trim: (call) => trimKernel(true, true, call),
  btrim: (call) => trimKernel(true, true, call),
  ltrim: (call) => trimKernel(true, false, call),
  rtrim: (call) => trimKernel(false, true, call),
  length: fixed(lengthKernel),
  bit_length: fixed(byteLengthKernel(true)),
  octet_length: fixed(byteLengthKernel(false)),
  substring: fixed(substringKernel),
  left: fixed(leftKernel),
  right: fixed(rightKernel),
  regexp_extract: regexpExtractKernel,
  regexp_extract_all: regexpExtractAllKernel,
  regexp_replace: regexpReplaceKernel,
  regexp_count: regexpCountKernel,
  regexp_substr: regexpSubstrKernel,
  regexp_instr: regexpInstrKernel,
  rlike: rlikeKernel,
  like: likeFunctionKernel(false),
  ilike: likeFunctionKernel(true),
  split: splitKernel,
  split_part: fixed(splitPartKernel),
  startswith: fixed(affixKernel("startsWith")),
  endswith: fixed(affixKernel("endsWith")),
  contains: fixed(affixKernel("contains")),
  locate: fixed(locateKernel),
  instr: fixed(instrKernel),
  ascii: fixed(asciiKernel),
  chr: fixed(chrKernel),
  base64: fixed(base64Kernel),
  unbase64: fixed(unbase64Kernel),
  encode: fixed(encodeKernel),
  decode: decodeKernel,
  elt: fixed(eltKernel),
  find_in_set: fixed(findInSetKernel),
  initcap: fixed(initcapKernel),
  levenshtein: fixed(levenshteinKernel),
  luhn_check: fixed(luhnKernel),
  lpad: fixed(padKernel(true)),
  rpad: fixed(padKernel(false)),
  overlay: fixed(overlayKernel),
  repeat: fixed(repeatKernel),
  replace: fixed(replaceKernel),
  sentences: fixed(sentencesKernel),
  soundex: fixed(soundexKernel),
  space: fixed(spaceKernel),
  substring_index: fixed(substringIndexKernel),
  translate: fixed(translateKernel),
  hex: fixed(hexKernel),
  unhex: fixed(unhexKernel),
  to_binary: toBinaryKernel(false),
  try_to_binary: toBinaryKernel(true),
  url_encode: fixed(urlEncodeKernel),
  url_decode: fixed(urlDecodeKernel),
  parse_url: fixed(parseUrlKernel),
  mask: maskKernel,
  reverse: fixed(reverseKernel),
  format_number: fixed(formatNumberKernel),
  format_string: fixed(formatStringKernel),
  to_number: toNumberKernel,
  try_to_number: toNumberKernel,
  to_char: toCharKernel,
};
