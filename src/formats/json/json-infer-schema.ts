/**
 * The schema of JSON records, inferred as Spark's `JsonInferSchema` infers it with the default
 * options (`primitivesAsString`, `prefersDecimal` and timestamp inference off):
 * - `null` → null type; `true`/`false` → boolean; strings → string;
 * - integers → bigint (a decimal(p,0) past the long range, double past 38 digits); numbers with a
 *   fraction or an exponent → double;
 * - objects → structs with their fields sorted by name; arrays → arrays of their elements' merged type;
 * - types met in several records merge (`compatibleType`): bigint and double → double, two decimals
 *   → the wider decimal, structs field by field, arrays by element, null with anything → that
 *   type, anything else → string;
 * - at the end, a null type left over becomes string and empty structs are dropped
 *   (`canonicalizeType`).
 * A record that is not a JSON object, or not valid JSON, does not contribute (as a corrupt record).
 */
import { ArrayType, BooleanType, DecimalType, DoubleType, LongType, NullType, StringType, StructField, StructType } from "../../types/data-types.js";
import type { DataType } from "../../types/data-types.js";

/** The merged schema of `records` (JSON texts, one record each); an empty struct when none is an object. */
export function inferJsonSchema(records: Iterable<string>): StructType {
  let merged: DataType = StructType([]);
  for (const text of records) {
    const t = recordType(text);
    if (t !== null) merged = compatibleType(merged, t);
  }
  const out = canonicalize(merged);
  return out !== null && out.typeName === "struct" ? out : StructType([]);
}

/** The type of one record, or null when it is not a JSON object. */
function recordType(text: string): StructType | null {
  const p = new Scanner(text);
  try {
    p.skipSpace();
    if (p.peek() !== "{") return null;
    const t = p.value();
    p.skipSpace();
    if (!p.atEnd()) return null;
    return t.typeName === "struct" ? t : null;
  } catch {
    return null;
  }
}

/** Spark's `JsonInferSchema.compatibleType`. */
export function compatibleType(a: DataType, b: DataType): DataType {
  if (a.typeName === "null") return b;
  if (b.typeName === "null") return a;
  if (a.typeName === "struct" && b.typeName === "struct") {
    const byName = new Map<string, DataType>();
    for (const f of a.fields) byName.set(f.name, f.dataType);
    for (const f of b.fields) {
      const prev = byName.get(f.name);
      byName.set(f.name, prev === undefined ? f.dataType : compatibleType(prev, f.dataType));
    }
    return StructType([...byName.keys()].sort().map((n) => StructField(n, byName.get(n) ?? NullType(), true)));
  }
  if (a.typeName === "array" && b.typeName === "array") return ArrayType(compatibleType(a.elementType, b.elementType), true);
  if (a.typeName === b.typeName && a.typeName !== "decimal") return a;
  if (a.typeName === "decimal" && b.typeName === "decimal") {
    const scale = Math.max(a.scale, b.scale);
    const range = Math.max(a.precision - a.scale, b.precision - b.scale);
    return range + scale > 38 ? DoubleType() : DecimalType(range + scale, scale);
  }
  const numeric = (t: DataType): boolean => t.typeName === "long" || t.typeName === "double" || t.typeName === "decimal";
  if (numeric(a) && numeric(b)) {
    if (a.typeName === "double" || b.typeName === "double") return DoubleType();
    // bigint with a decimal: the decimal that holds both (a long needs 20 digits).
    const d = a.typeName === "decimal" ? a : b.typeName === "decimal" ? b : null;
    if (d !== null && d.typeName === "decimal") return compatibleType(d, DecimalType(20, 0));
    return DoubleType();
  }
  return StringType();
}

/** Spark's `canonicalizeType`: null → string, empty structs dropped (null when nothing is left). */
function canonicalize(t: DataType): DataType | null {
  switch (t.typeName) {
    case "null":
      return StringType();
    case "array": {
      const e = canonicalize(t.elementType);
      return e === null ? null : ArrayType(e, true);
    }
    case "struct": {
      const fields = t.fields.flatMap((f) => {
        const c = canonicalize(f.dataType);
        return c === null ? [] : [StructField(f.name, c, true)];
      });
      return fields.length === 0 ? null : StructType(fields);
    }
    default:
      return t;
  }
}

/** A minimal JSON reader that keeps what JSON.parse loses: integer or fraction, and key order. */
class Scanner {
  private i = 0;

  constructor(private readonly s: string) {}

  peek(): string {
    return this.s[this.i] ?? "";
  }

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  skipSpace(): void {
    while (this.i < this.s.length && " \t\r\n".includes(this.s[this.i])) this.i++;
  }

  value(): DataType {
    this.skipSpace();
    const c = this.peek();
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') {
      this.string();
      return StringType();
    }
    if (this.s.startsWith("true", this.i)) {
      this.i += 4;
      return BooleanType();
    }
    if (this.s.startsWith("false", this.i)) {
      this.i += 5;
      return BooleanType();
    }
    if (this.s.startsWith("null", this.i)) {
      this.i += 4;
      return NullType();
    }
    return this.number();
  }

  private object(): StructType {
    this.i++;
    const fields = new Map<string, DataType>();
    this.skipSpace();
    if (this.peek() === "}") {
      this.i++;
      return StructType([]);
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '"') throw new SyntaxError("key");
      const key = this.string();
      this.skipSpace();
      if (this.peek() !== ":") throw new SyntaxError("colon");
      this.i++;
      const t = this.value();
      const prev = fields.get(key);
      fields.set(key, prev === undefined ? t : compatibleType(prev, t));
      this.skipSpace();
      const c = this.peek();
      this.i++;
      if (c === "}") break;
      if (c !== ",") throw new SyntaxError("object");
    }
    return StructType([...fields.keys()].sort().map((k) => StructField(k, fields.get(k) ?? NullType(), true)));
  }

  private array(): DataType {
    this.i++;
    let element: DataType = NullType();
    this.skipSpace();
    if (this.peek() === "]") {
      this.i++;
      return ArrayType(element, true);
    }
    for (;;) {
      element = compatibleType(element, this.value());
      this.skipSpace();
      const c = this.peek();
      this.i++;
      if (c === "]") break;
      if (c !== ",") throw new SyntaxError("array");
    }
    return ArrayType(element, true);
  }

  private string(): string {
    const start = ++this.i;
    let out = "";
    let from = start;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        out += this.s.slice(from, this.i);
        this.i++;
        return out;
      }
      if (c === "\\") {
        out += this.s.slice(from, this.i);
        const e = this.s[this.i + 1];
        if (e === "u") {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else {
          out += ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[e ?? ""] ?? e ?? "";
          this.i += 2;
        }
        from = this.i;
        continue;
      }
      this.i++;
    }
    throw new SyntaxError("string");
  }

  private number(): DataType {
    const m = /^-?(\d+)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (m === null) throw new SyntaxError("value");
    this.i += m[0].length;
    if (m[2] !== undefined || m[3] !== undefined) return DoubleType();
    const digits = m[1].replace(/^0+(?=\d)/, "");
    const n = BigInt(m[0]);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return LongType();
    return digits.length <= 38 ? DecimalType(digits.length, 0) : DoubleType();
  }
}
