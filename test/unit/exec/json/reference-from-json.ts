/**
 * A deliberately simple reference for from_json's semantics, used to property-test the byte
 * scanner: the record is decoded to a JS string, parsed into a tree by a plain recursive-descent
 * parser (string tokens are decoded by JSON.parse itself), then converted with row objects.
 * Slow and allocation-heavy by design; shares no code with src/exec/json except the date /
 * timestamp / decimal / text helpers whose own tests live elsewhere.
 */
import type { DataType, StructType } from "../../../../src/types/data-types.js";
import { stringToDate, stringToTimestamp } from "../../../../src/formats/json/json-datetime.js";
import { quoteJsonString } from "../../../../src/formats/json/json-text.js";
import { javaDoubleString } from "../../../../src/columnar/java-text.js";

type J =
  | { t: "obj"; entries: [string, J][] }
  | { t: "arr"; items: J[] }
  | { t: "str"; v: string }
  | { t: "num"; text: string; float: boolean; special: number }
  | { t: "bool"; v: boolean }
  | { t: "null" };

class Syntax extends Error {}

class TreeParser {
  i = 0;
  depth = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i])) this.i++;
  }
  value(): J {
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) throw new Syntax("eof");
    if (c === '"' || c === "'") return { t: "str", v: this.string() };
    if (c === "{" || c === "[") {
      if (++this.depth > 1000) throw new Syntax("deep");
      this.i++;
      this.ws();
      const close = c === "{" ? "}" : "]";
      const entries: [string, J][] = [];
      const items: J[] = [];
      if (s[this.i] === close) {
        this.i++;
      } else {
        for (;;) {
          if (c === "{") {
            if (s[this.i] !== '"' && s[this.i] !== "'") throw new Syntax("key");
            const k = this.string();
            this.ws();
            if (s[this.i] !== ":") throw new Syntax(":");
            this.i++;
            this.ws();
            entries.push([k, this.value()]);
          } else {
            items.push(this.value());
          }
          this.ws();
          if (s[this.i] === ",") {
            this.i++;
            this.ws();
            continue;
          }
          if (s[this.i] === close) {
            this.i++;
            break;
          }
          throw new Syntax("sep");
        }
      }
      this.depth--;
      return c === "{" ? { t: "obj", entries } : { t: "arr", items };
    }
    for (const [lit, v] of [
      ["true", { t: "bool", v: true }],
      ["false", { t: "bool", v: false }],
      ["null", { t: "null" }],
    ] as const) {
      if (s.startsWith(lit, this.i)) {
        this.i += lit.length;
        return v;
      }
    }
    for (const [tok, special] of [
      ["NaN", 1],
      ["Infinity", 2],
      ["+Infinity", 2],
      ["+INF", 2],
      ["-Infinity", 3],
      ["-INF", 3],
    ] as const) {
      if (s.startsWith(tok, this.i)) {
        this.i += tok.length;
        return { t: "num", text: tok, float: true, special };
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(this.i));
    if (m === null) throw new Syntax("token");
    // Jackson: no leading zeros.
    if (/\d/.test(s[this.i + m[0].length] ?? "")) throw new Syntax("zeros");
    this.i += m[0].length;
    return { t: "num", text: m[0], float: m[2] !== undefined || m[3] !== undefined, special: 0 };
  }
  string(): string {
    const s = this.s;
    const q = s[this.i];
    let j = this.i + 1;
    let body = "";
    for (;;) {
      const c = s[j];
      if (c === undefined) throw new Syntax("eof in string");
      if (c === q) break;
      if (c === "\\") {
        const d = s[j + 1];
        if (d === "'") {
          body += "'";
        } else if (d === '"') {
          body += '\\"';
        } else {
          body += c + (d ?? "");
        }
        j += 2;
        continue;
      }
      body += c === '"' ? '\\"' : c;
      j++;
    }
    this.i = j + 1;
    try {
      return JSON.parse(`"${body}"`) as string;
    } catch {
      throw new Syntax("string");
    }
  }
}

/** A converted value or a failure; `partial` marks a value kept despite a failure inside it. */
type Conv = { ok: true; v: unknown; partial: boolean } | { ok: false };

const FAIL: Conv = { ok: false };

function ok(v: unknown, partial = false): Conv {
  return { ok: true, v, partial };
}

function javaText(s: string): string {
  // Java's UTF-8 encoding turns lone surrogates into '?'.
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "?");
}

function regen(j: J): string {
  switch (j.t) {
    case "str":
      return quoteJsonString(j.v, "utf8");
    case "num": {
      if (!j.float) return BigInt(j.text).toString();
      const d = j.special === 1 ? NaN : j.special === 2 ? Infinity : j.special === 3 ? -Infinity : Number(j.text);
      return Number.isFinite(d) ? javaDoubleString(d) : `"${javaDoubleString(d)}"`;
    }
    case "bool":
      return String(j.v);
    case "null":
      return "null";
    case "arr":
      return `[${j.items.map(regen).join(",")}]`;
    case "obj":
      return `{${j.entries.map(([k, v]) => `${quoteJsonString(k, "utf8")}:${regen(v)}`).join(",")}}`;
  }
}

function num(j: J): number {
  if (j.t !== "num") return NaN;
  return j.special === 1 ? NaN : j.special === 2 ? Infinity : j.special === 3 ? -Infinity : Number(j.text);
}

function convert(j: J, type: DataType, zone: string): Conv {
  if (j.t === "null") return ok(null);
  switch (type.typeName) {
    case "string":
      return ok(j.t === "str" ? javaText(j.v) : regen(j));
    case "long":
    case "integer":
    case "short":
    case "byte": {
      if (j.t !== "num" || j.float) return FAIL;
      const v = BigInt(j.text);
      const [lo, hi] = {
        long: [-(2n ** 63n), 2n ** 63n - 1n],
        integer: [-(2n ** 31n), 2n ** 31n - 1n],
        short: [-32768n, 32767n],
        byte: [-128n, 255n],
      }[type.typeName];
      if (v < lo || v > hi) return FAIL;
      if (type.typeName === "long") return ok(v);
      if (type.typeName === "byte") return ok(Number(BigInt.asIntN(8, v)));
      return ok(Number(v));
    }
    case "double":
    case "float": {
      let d: number;
      if (j.t === "num") d = num(j);
      else if (j.t === "str") {
        const specials: Record<string, number> = { NaN: NaN, Infinity: Infinity, "+Infinity": Infinity, "+INF": Infinity, "-Infinity": -Infinity, "-INF": -Infinity };
        const m = Object.hasOwn(specials, j.v) ? specials[j.v] : undefined;
        if (m === undefined) return FAIL;
        d = m;
      } else return FAIL;
      if (j.t === "num" && !j.float && d === 0) d = 0;
      return ok(type.typeName === "float" ? Math.fround(d) : d);
    }
    case "boolean":
      return j.t === "bool" ? ok(j.v) : FAIL;
    case "decimal": {
      let text: string;
      if (j.t === "num" && j.special === 0) text = j.text;
      else if (j.t === "str" && j.v.length > 0) text = j.v.replace(/,/g, "");
      else return FAIL;
      const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
      if (m === null || (m[2] === "" && !m[3])) return FAIL;
      // Exact rational arithmetic with BigInt: value = int(digits) × 10^exp.
      const digits = BigInt(`${m[2]}${m[3] ?? ""}` || "0");
      const exp = Number(m[4] ?? "0") - (m[3] ?? "").length + type.scale;
      let u: bigint;
      if (exp >= 0) {
        if (exp > 200) return digits === 0n ? ok("0") : FAIL;
        u = digits * 10n ** BigInt(exp);
      } else {
        const div = 10n ** BigInt(-exp);
        u = digits / div;
        if ((digits % div) * 2n >= div) u += 1n;
      }
      if (u.toString().length > type.precision && u !== 0n) return FAIL;
      if (m[1] === "-") u = -u;
      const str = (u < 0n ? -u : u).toString().padStart(type.scale + 1, "0");
      const body = type.scale > 0 ? `${str.slice(0, str.length - type.scale)}.${str.slice(str.length - type.scale)}` : str;
      return ok(u < 0n ? `-${body}` : body);
    }
    case "timestamp": {
      if (j.t === "num" && !j.float) {
        const secs = BigInt(j.text);
        if (secs < -(2n ** 63n) || secs >= 2n ** 63n) return FAIL;
        return ok(new Date(Number(BigInt.asIntN(64, secs * 1000000n) / 1000n)));
      }
      if (j.t !== "str" || j.v.length === 0) return FAIL;
      const us = stringToTimestamp(j.v, zone);
      return us === null ? FAIL : ok(new Date(Number(us / 1000n)));
    }
    case "date": {
      if (j.t !== "str" || j.v.length === 0) return FAIL;
      const d = stringToDate(j.v);
      return d === null ? FAIL : ok(new Date(d * 86_400_000));
    }
    case "binary": {
      if (j.t !== "str") return FAIL;
      let from = 0;
      while (from < j.v.length && j.v.charCodeAt(from) <= 0x20) from++;
      const s = j.v.slice(from);
      if (s !== "" && !/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return FAIL;
      return ok(new Uint8Array(Buffer.from(s, "base64")));
    }
    case "struct": {
      if (j.t !== "obj") return FAIL;
      const r = convertObject(j, type, zone, null);
      return ok(r.row, r.bad);
    }
    case "array": {
      if (j.t !== "arr") return FAIL;
      const out: unknown[] = [];
      let partial = false;
      for (const item of j.items) {
        const c = convert(item, type.elementType, zone);
        if (!c.ok) return FAIL;
        partial ||= c.partial;
        out.push(c.v);
      }
      return ok(out, partial);
    }
    case "map": {
      if (j.t !== "obj") return FAIL;
      const m = new Map<unknown, unknown>();
      const entries: [string, unknown][] = [];
      let partial = false;
      for (const [k, item] of j.entries) {
        const c = convert(item, type.valueType, zone);
        if (!c.ok) return FAIL;
        partial ||= c.partial;
        entries.push([javaText(k), c.v]);
      }
      for (const [k, v] of entries) m.set(k, v);
      return ok(m, partial);
    }
    default:
      return ok(null);
  }
}

function convertObject(j: { t: "obj"; entries: [string, J][] }, type: StructType, zone: string, corrupt: string | null): { row: Record<string, unknown>; bad: boolean } {
  const row: Record<string, unknown> = {};
  for (const f of type.fields) row[f.name] = null;
  let bad = false;
  for (const [k, v] of j.entries) {
    if (k === corrupt) continue;
    const f = [...type.fields].reverse().find((x) => x.name === k);
    if (f === undefined) continue;
    const c = convert(v, f.dataType, zone);
    if (!c.ok) {
      bad = true;
      // An array or map that fails inside is nulled, not left as an earlier duplicate key set it
      // (the scanner's documented simplification); any other failure leaves the field as it was.
      if ((f.dataType.typeName === "array" && v.t === "arr") || (f.dataType.typeName === "map" && v.t === "obj")) row[f.name] = null;
      continue;
    }
    bad ||= c.partial;
    row[f.name] = c.v;
  }
  return { row, bad };
}

/** The reference result of from_json (PERMISSIVE) on one record's bytes: a row, or null. */
export function referenceFromJson(bytes: Uint8Array | null, schema: StructType, zone = "UTC", corrupt = "_corrupt_record"): Record<string, unknown> | null {
  if (bytes === null) return null;
  const text = new TextDecoder().decode(bytes);
  const p = new TreeParser(text);
  p.ws();
  if (p.i >= text.length) return null;
  let tree: J;
  try {
    tree = p.value();
  } catch (e) {
    if (!(e instanceof Syntax)) throw e;
    return badRow(schema, bytes, corrupt);
  }
  if (tree.t !== "obj") return badRow(schema, bytes, corrupt);
  const { row, bad } = convertObject(tree, schema, zone, corrupt);
  if (schema.fields.some((f) => f.name === corrupt)) row[corrupt] = bad ? new TextDecoder().decode(bytes) : null;
  return row;
}

function badRow(schema: StructType, bytes: Uint8Array, corrupt: string): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of schema.fields) row[f.name] = null;
  if (schema.fields.some((f) => f.name === corrupt)) row[corrupt] = new TextDecoder().decode(bytes);
  return row;
}
