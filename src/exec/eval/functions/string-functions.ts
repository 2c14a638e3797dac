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
import { javaRegExp, likeToRegExp } from "../../../plan/expressions/like-pattern.js";
import { ArrayType, StringType } from "../../../types/data-types.js";
import { boolVector, numberVector, andMasks, validity } from "../vectors.js";
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
  if (v.type.typeName === "binary") for (let i = 0; i < n; i++) out[i] = offsets[i + 1] - offsets[i];
  else for (let i = 0; i < n; i++) out[i] = charCount(data, offsets[i], offsets[i + 1]);
  return numberVector({ typeName: "integer" }, out, v.valid);
};

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
export const concatKernel: Kernel = (args, n, _ctx, call) => {
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

/** concat_ws(sep, ...): skips null arguments (and null array elements); null only when sep is null. */
export const concatWsKernel: Kernel = (args, n) => {
  const sepV = bytesArg(args[0], "concat_ws");
  const b = new BytesBuilder(n);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    if (!isValid(sepV, i)) {
      b.appendNull();
      continue;
    }
    parts.length = 0;
    for (let k = 1; k < args.length; k++) {
      const a = args[k];
      if (!isValid(a, i)) continue;
      if (a.kind === "bytes") parts.push(decodeUtf8(a.data, a.offsets[i], a.offsets[i + 1]));
      else if (a.kind === "list" && a.child.kind === "bytes") {
        const c = a.child;
        for (let j = a.offsets[i]; j < a.offsets[i + 1]; j++) if (isValid(c, j)) parts.push(decodeUtf8(c.data, c.offsets[j], c.offsets[j + 1]));
      }
    }
    b.appendString(parts.join(decodeUtf8(sepV.data, sepV.offsets[i], sepV.offsets[i + 1])));
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
      if (m !== null && idx >= m.length) {
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

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const STRING_KERNELS: Readonly<Record<string, KernelFactory>> = {
  concat: fixed(concatKernel),
  concat_ws: fixed(concatWsKernel),
  lower: fixed(caseMap(false)),
  upper: fixed(caseMap(true)),
  trim: (call) => trimKernel(true, true, call),
  ltrim: (call) => trimKernel(true, false, call),
  rtrim: (call) => trimKernel(false, true, call),
  length: fixed(lengthKernel),
  substring: fixed(substringKernel),
  regexp_extract: regexpExtractKernel,
  regexp_replace: regexpReplaceKernel,
  split: splitKernel,
  startswith: fixed(affixKernel("startsWith")),
  endswith: fixed(affixKernel("endsWith")),
  contains: fixed(affixKernel("contains")),
  locate: fixed(locateKernel),
};
