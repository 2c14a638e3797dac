/**
 * Per-file Delta statistics (PROTOCOL.md "Per-file Statistics"): `numRecords`, and for the first
 * 32 leaf columns `minValues`/`maxValues` (nested structs as nested objects) and `nullCount`.
 *
 * Null counts (and NaN presence, which voids a float's bounds) are counted here from the batches;
 * min/max come from the Parquet writer's column statistics. Bounds are only written for types
 * Delta skips on (numbers, decimals, dates, timestamps, strings); strings are cut to 32 code points:
 * the min as a prefix, the max as a prefix followed by a character greater than the one cut, so the
 * bound still covers every value (Delta's `truncateMaxStringAgg`).
 */
import type { Batch } from "../../columnar/batch.js";
import type { Vector } from "../../columnar/vector.js";
import type { ColumnStats } from "../../formats/parquet/parquet-writer.js";
import type { DataType, StructType } from "../../types/data-types.js";

/** Leaf columns with stats (`delta.dataSkippingNumIndexedCols`' default). */
export const NUM_INDEXED_COLS = 32;
/** String bounds are cut to this many code points (`dataSkippingStringPrefixLength`). */
export const STRING_PREFIX_LENGTH = 32;

const ASCII_MAX = 0x7f;
const UTF8_MAX = 0x10ffff;

/** A leaf column (a field reached only through structs), in schema order. */
interface Leaf {
  readonly path: readonly string[];
  readonly type: DataType;
  nulls: number;
  nan: boolean;
}

/**
 * Accumulates the stats of one data file from the batches written to it (data columns only, no
 * partition columns), then renders Delta's stats JSON with the Parquet writer's min/max.
 */
export class DeltaStatsCollector {
  private readonly leaves: Leaf[] = [];
  private numRecords = 0;

  /** `schema` is the data file's schema. */
  constructor(readonly schema: StructType) {
    const visit = (t: StructType, prefix: readonly string[]): void => {
      for (const f of t.fields) {
        if (this.leaves.length >= NUM_INDEXED_COLS) return;
        const path = [...prefix, f.name];
        if (f.dataType.typeName === "struct") visit(f.dataType as StructType, path);
        else this.leaves.push({ path, type: f.dataType, nulls: 0, nan: false });
      }
    };
    visit(schema, []);
  }

  /** Counts the nulls (a nested field is null when any parent struct is) and NaNs of `batch`. */
  add(batch: Batch): void {
    this.numRecords += batch.numRows;
    let next = 0;
    const walk = (vectors: readonly Vector[], parent: Uint8Array | null, n: number): void => {
      for (const v of vectors) {
        if (next >= this.leaves.length) return;
        const valid = combine(parent, v, n);
        if (v.kind === "struct") {
          walk(v.children, valid, n);
          continue;
        }
        const leaf = this.leaves[next++];
        if (valid !== null) for (let i = 0; i < n; i++) leaf.nulls += 1 - valid[i];
        if (!leaf.nan && (v.kind === "f64" || v.kind === "f32")) {
          const xs = v.values;
          for (let i = 0; i < n; i++) {
            if (xs[i] !== xs[i] && (valid === null || valid[i] === 1)) {
              leaf.nan = true;
              break;
            }
          }
        }
      }
    };
    walk(batch.columns, null, batch.numRows);
  }

  /**
   * The stats JSON string. `columnStats` are the Parquet writer's per-leaf statistics of the same
   * file; leaves under a list or map are ignored.
   */
  toJson(columnStats: readonly ColumnStats[]): string {
    const byPath = new Map<string, ColumnStats>();
    for (const c of columnStats) byPath.set(c.path.join("\u0000"), c);
    const minValues: JsonObject = {};
    const maxValues: JsonObject = {};
    const nullCount: JsonObject = {};
    for (const leaf of this.leaves) {
      setPath(nullCount, leaf.path, leaf.nulls);
      if (leaf.nan || !hasBounds(leaf.type)) continue;
      const c = byPath.get(leaf.path.join("\u0000"));
      if (c === undefined) continue;
      const min = boundJson(c.min, leaf.type, false);
      const max = boundJson(c.max, leaf.type, true);
      if (min !== null && max !== null) {
        setPath(minValues, leaf.path, min);
        setPath(maxValues, leaf.path, max);
      }
    }
    return writeJson({ numRecords: this.numRecords, minValues, maxValues, nullCount });
  }
}

/** A JSON value where `RawNumber` is written unquoted (exact bigints and decimals). */
type JsonValue = number | string | RawNumber | JsonObject;
interface JsonObject {
  [k: string]: JsonValue;
}
class RawNumber {
  constructor(readonly text: string) {}
}

function combine(parent: Uint8Array | null, v: Vector, n: number): Uint8Array | null {
  if (v.kind === "null") return new Uint8Array(n);
  const own = v.valid;
  if (parent === null) return own;
  if (own === null) return parent;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = parent[i] & own[i];
  return out;
}

function hasBounds(t: DataType): boolean {
  switch (t.typeName) {
    case "byte":
    case "short":
    case "integer":
    case "long":
    case "float":
    case "double":
    case "decimal":
    case "date":
    case "timestamp":
    case "string":
      return true;
    default:
      return false;
  }
}

/** A min/max (as `statToJs` gives it) as Delta writes it, or null when it cannot bound safely. */
function boundJson(v: unknown, t: DataType, isMax: boolean): JsonValue | null {
  if (v === null || v === undefined) return null;
  switch (t.typeName) {
    case "long":
      return typeof v === "bigint" ? new RawNumber(v.toString()) : null;
    case "byte":
    case "short":
    case "integer":
    case "float":
    case "double":
      return typeof v === "number" && Number.isFinite(v) ? v : null;
    case "decimal":
      return typeof v === "string" ? new RawNumber(v) : null;
    case "date":
      return v instanceof Date ? v.toISOString().slice(0, 10) : null;
    case "timestamp":
      return v instanceof Date ? v.toISOString() : null;
    case "string":
      if (typeof v !== "string") return null;
      return isMax ? truncateMax(v) : truncateMin(v);
    default:
      return null;
  }
}

/** The first {@link STRING_PREFIX_LENGTH} code points of `s` (a lower bound of `s`). */
export function truncateMin(s: string): string {
  const cps = Array.from(s);
  return cps.length <= STRING_PREFIX_LENGTH ? s : cps.slice(0, STRING_PREFIX_LENGTH).join("");
}

/**
 * An upper bound of `s` at most {@link STRING_PREFIX_LENGTH} + 1 code points long when possible:
 * a prefix followed by U+007F or U+10FFFF, whichever is greater than the code point it replaces
 * (the prefix grows past code points equal to U+10FFFF). Returns `s` itself when short enough or
 * when no shorter bound exists. Code point order is UTF-8 byte order, the order readers compare in.
 */
export function truncateMax(s: string): string {
  const cps = Array.from(s);
  if (cps.length <= STRING_PREFIX_LENGTH) return s;
  for (let i = STRING_PREFIX_LENGTH; i < cps.length; i++) {
    const c = cps[i].codePointAt(0) ?? 0;
    if (c < ASCII_MAX) return cps.slice(0, i).join("") + String.fromCodePoint(ASCII_MAX);
    if (c < UTF8_MAX) return cps.slice(0, i).join("") + String.fromCodePoint(UTF8_MAX);
  }
  return s;
}

function setPath(o: JsonObject, path: readonly string[], v: JsonValue): void {
  let cur = o;
  for (let i = 0; i < path.length - 1; i++) {
    let next = cur[path[i]];
    if (!(typeof next === "object" && !(next instanceof RawNumber))) {
      next = {};
      cur[path[i]] = next;
    }
    cur = next;
  }
  cur[path[path.length - 1]] = v;
}

function writeJson(v: JsonValue): string {
  if (v instanceof RawNumber) return v.text;
  if (typeof v === "number" || typeof v === "string") return JSON.stringify(v);
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) parts.push(`${JSON.stringify(k)}:${writeJson(x)}`);
  return `{${parts.join(",")}}`;
}
