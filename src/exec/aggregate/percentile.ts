/**
 * Order statistics that keep every distinct value of a group with its count:
 * - `percentile(x, p[, frequency])`, `median(x)`, `percentile_cont(p) WITHIN GROUP (ORDER BY x)`
 *   (and `percentile_disc`, which takes the lower value): Spark's `Percentile`, exact, with linear
 *   interpolation between the two values around position `(count - 1) * p` (Hive's rule), as a
 *   double, or an array of doubles when `p` is an array;
 * - `percentile_approx(x, p[, accuracy])` / `approx_percentile`: Spark's `ApproximatePercentile`
 *   answers from a Greenwald–Khanna summary; while a group holds fewer than about
 *   `accuracy / 2` values Spark's summary keeps every value, and its answer is the value of rank
 *   `ceil(p * count)`. sluice keeps every value and answers that rank always, so it equals Spark's
 *   answer on such groups and is within Spark's error bound (`count / accuracy`) on larger ones.
 *   The result has the input's type;
 * - `mode(x)`: the most frequent value (Spark's `Mode`); among equally frequent values, the first
 *   seen.
 *
 * Inputs other than numbers, dates and timestamps are refused by the binder. Nulls are skipped;
 * a group without values gives null.
 */
import type { Vector } from "../../columnar/vector.js";
import { compactMask, isValid } from "../../columnar/vector.js";
import type { ArrayType, DataType } from "../../types/data-types.js";
import { ExecutionError, InternalError } from "../../errors.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { doubleAt, numericInput } from "./accumulator.js";

/** The constant arguments of a percentile call. */
export interface PercentileParams {
  /** The percentages, each in [0, 1]. */
  readonly percentages: readonly number[];
  /** Whether the result is an array (the percentage argument was an array). */
  readonly asArray: boolean;
  /** percentile_cont/disc `… ORDER BY v DESC`: positions count from the largest value. */
  readonly reverse: boolean;
  /** percentile_disc: the value at the lower position, never interpolated. */
  readonly discrete: boolean;
}

/** Reads `percentages` (a number or a JSON array of numbers) from a call's params. */
export function percentileParams(params: Readonly<Record<string, string>> | undefined, what: string): PercentileParams {
  const text = params?.percentages;
  if (text === undefined) throw new InternalError(`${what}: no percentage`);
  const v = JSON.parse(text) as number | number[];
  const flags = { reverse: params?.reverse === "true", discrete: params?.discrete === "true" };
  return Array.isArray(v) ? { percentages: v, asArray: true, ...flags } : { percentages: [v], asArray: false, ...flags };
}

/** Per group: each distinct value (as a double) with its count. */
class ValueCounts {
  private groups: (Map<number, number> | undefined)[] = [];

  add(g: number, value: number, count: number): void {
    const m = (this.groups[g] ??= new Map());
    // -0.0 and 0.0 are one key, as Spark's hash map of boxed doubles normalises them.
    const key = value === 0 ? 0 : value;
    m.set(key, (m.get(key) ?? 0) + count);
  }

  /** Group `g`'s values sorted ascending (NaN last, as Spark orders doubles; or the reverse), with cumulative counts. */
  sorted(g: number, reverse = false): { values: Float64Array; cumulative: Float64Array } | null {
    const m = this.groups[g];
    if (m === undefined || m.size === 0) return null;
    const keys = [...m.keys()].sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b));
    if (reverse) keys.reverse();
    const values = Float64Array.from(keys);
    const cumulative = new Float64Array(keys.length);
    let total = 0;
    for (let i = 0; i < keys.length; i++) {
      total += m.get(keys[i]) ?? 0;
      cumulative[i] = total;
    }
    return { values, cumulative };
  }

  write(g: number, out: ByteWriter): void {
    const m = this.groups[g];
    out.u32(m?.size ?? 0);
    for (const [k, c] of m ?? []) {
      out.f64(k);
      out.f64(c);
    }
  }

  read(g: number, input: ByteReader): void {
    const n = input.u32();
    const m = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const k = input.f64();
      m.set(k, input.f64());
    }
    this.groups[g] = m;
  }
}

/** The first index whose cumulative count reaches `target` (Java's binarySearch insertion point). */
function indexOfCount(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, cumulative.length - 1);
}

/** Folds a numeric input (and an optional frequency, as a struct's second field) into value counts. */
function foldCounts(counts: ValueCounts, groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector, withFrequency: boolean, what: string): void {
  const valueVector = withFrequency && input.kind === "struct" ? input.children[0] : input;
  const freqVector = withFrequency && input.kind === "struct" ? input.children[1] : null;
  if (valueVector.kind === "null") return;
  const x = numericInput(valueVector);
  const f = freqVector === null || freqVector.kind === "null" ? null : numericInput(freqVector);
  for (let k = 0; k < n; k++) {
    const r = sel === null ? k : sel[k];
    if (!isValid(valueVector, r)) continue;
    let count = 1;
    if (freqVector !== null) {
      if (f === null || !isValid(freqVector, r)) continue;
      count = doubleAt(f, r);
      if (count < 0) throw new ExecutionError(`${what}: [NEGATIVE_VALUES_UNEXPECTED] The frequency must not be negative, got ${count}`);
      if (count === 0) continue;
    }
    counts.add(groupIds[r], doubleAt(x, r), count);
  }
}

/** Writes each group's answers (one per percentage) into a double or array<double> result. */
function percentileResult(
  ids: Int32Array,
  params: PercentileParams,
  resultType: DataType,
  answer: (g: number, p: number) => number | null,
  toElement: (values: readonly number[], type: DataType) => Vector,
): Vector {
  const n = ids.length;
  const valid = new Uint8Array(n);
  const answers: number[] = [];
  const offsets = new Int32Array(n + 1);
  const singles: number[] = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const first = answer(ids[i], params.percentages[0]);
    if (first !== null) {
      valid[i] = 1;
      if (params.asArray) for (const p of params.percentages) answers.push(answer(ids[i], p) ?? 0);
      else singles[i] = first;
    }
    offsets[i + 1] = answers.length;
  }
  const mask = compactMask(valid, n);
  if (!params.asArray) {
    const v = toElement(singles, resultType);
    return { ...v, valid: mask } as Vector;
  }
  const arrayType = resultType as ArrayType;
  return { kind: "list", type: arrayType, length: n, valid: mask, offsets, child: toElement(answers, arrayType.elementType) };
}

function doubles(values: readonly number[], type: DataType): Vector {
  return { kind: "f64", type, length: values.length, valid: null, values: Float64Array.from(values) };
}

/** `percentile` / `median` (exact, interpolated). */
export class PercentileAccumulator implements Accumulator {
  private readonly counts = new ValueCounts();

  constructor(
    private readonly params: PercentileParams,
    private readonly resultType: DataType,
    private readonly withFrequency: boolean,
  ) {}

  grow(): void {}

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input !== null) foldCounts(this.counts, groupIds, sel, n, input, this.withFrequency, "percentile");
  }

  result(ids: Int32Array): Vector {
    return percentileResult(ids, this.params, this.resultType, (g, p) => this.percentile(g, p), doubles);
  }

  private percentile(g: number, p: number): number | null {
    const s = this.counts.sorted(g, this.params.reverse);
    if (s === null) return null;
    const position = (s.cumulative[s.cumulative.length - 1] - 1) * p;
    const lower = Math.floor(position);
    const higher = Math.ceil(position);
    const lowerKey = s.values[indexOfCount(s.cumulative, lower + 1)];
    if (higher === lower) return lowerKey;
    const higherKey = s.values[indexOfCount(s.cumulative, higher + 1)];
    if (higherKey === lowerKey || this.params.discrete) return lowerKey;
    return (higher - position) * lowerKey + (position - lower) * higherKey;
  }

  write(id: number, out: ByteWriter): void {
    this.counts.write(id, out);
  }

  read(id: number, input: ByteReader): void {
    this.counts.read(id, input);
  }
}

/** `percentile_approx` / `approx_percentile`: the value of rank `ceil(p * count)`, in the input's type. */
export class ApproxPercentileAccumulator implements Accumulator {
  private readonly counts = new ValueCounts();

  constructor(
    private readonly params: PercentileParams,
    private readonly resultType: DataType,
    private readonly accuracy: number,
  ) {}

  grow(): void {}

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input !== null) foldCounts(this.counts, groupIds, sel, n, input, false, "percentile_approx");
  }

  result(ids: Int32Array): Vector {
    return percentileResult(ids, this.params, this.resultType, (g, p) => this.rankValue(g, p), typedValues);
  }

  private rankValue(g: number, p: number): number | null {
    const s = this.counts.sorted(g);
    if (s === null) return null;
    const relativeError = 1 / this.accuracy;
    if (p <= relativeError) return s.values[0];
    if (p >= 1 - relativeError) return s.values[s.values.length - 1];
    const count = s.cumulative[s.cumulative.length - 1];
    const rank = Math.max(1, Math.ceil(p * count));
    return s.values[indexOfCount(s.cumulative, rank)];
  }

  write(id: number, out: ByteWriter): void {
    this.counts.write(id, out);
  }

  read(id: number, input: ByteReader): void {
    this.counts.read(id, input);
  }
}

/** Doubles converted back to a number type (truncating toward zero, as Spark's `toInt`/`toLong` casts). */
function typedValues(values: readonly number[], type: DataType): Vector {
  const n = values.length;
  switch (type.typeName) {
    case "double":
      return doubles(values, type);
    case "float":
      return { kind: "f32", type, length: n, valid: null, values: Float32Array.from(values) };
    case "long":
    case "timestamp":
      return { kind: "i64", type, length: n, valid: null, values: BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))) };
    case "integer":
    case "date":
      return { kind: "i32", type, length: n, valid: null, values: Int32Array.from(values, Math.trunc) };
    case "short":
      return { kind: "i16", type, length: n, valid: null, values: Int16Array.from(values, Math.trunc) };
    case "byte":
      return { kind: "i8", type, length: n, valid: null, values: Int8Array.from(values, Math.trunc) };
    case "decimal":
      return { kind: "decimal", type, length: n, valid: null, values: values.map((v) => BigInt(Math.round(v * 10 ** type.scale))) };
    default:
      throw new InternalError(`percentile_approx: cannot return ${type.typeName}`);
  }
}

/** `mode(x)`: the most frequent non-null value of each group. */
export class ModeAccumulator implements Accumulator {
  private groups: (Map<string, { bytes: Uint8Array; count: number }> | undefined)[] = [];
  private readonly codec: KeyCodec;

  constructor(private readonly type: DataType) {
    this.codec = new KeyCodec([type], "mode");
  }

  grow(): void {}

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || input.kind === "null") return;
    const codec = this.codec;
    codec.bind([input]);
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (!isValid(input, r)) continue;
      const len = codec.encode(r);
      const bytes = codec.scratch.slice(0, len);
      const key = Buffer.from(bytes.buffer, bytes.byteOffset, len).toString("latin1");
      const m = (this.groups[groupIds[r]] ??= new Map());
      const e = m.get(key);
      if (e === undefined) m.set(key, { bytes, count: 1 });
      else e.count++;
    }
  }

  result(ids: Int32Array): Vector {
    const n = ids.length;
    const valid = new Uint8Array(n);
    const chosen: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      let best: { bytes: Uint8Array; count: number } | null = null;
      for (const e of this.groups[ids[i]]?.values() ?? []) if (best === null || e.count > best.count) best = e;
      valid[i] = best === null ? 0 : 1;
      chosen.push(best?.bytes ?? new Uint8Array(0));
    }
    // Decode every chosen value (a null slot decodes an empty key and is masked).
    const size = chosen.reduce((s, b) => s + b.length, 0);
    const data = new Uint8Array(size);
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      if (valid[i] === 0) {
        starts[i] = ends[i] = at;
        continue;
      }
      data.set(chosen[i], at);
      starts[i] = at;
      at += chosen[i].length;
      ends[i] = at;
    }
    const dense = valid.every((v) => v === 1);
    if (dense) return this.codec.decode(data, starts, ends, n)[0];
    // Decode only the valid slots, then spread them back with nulls between.
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (valid[i] === 1) idx.push(i);
    const decoded = this.codec.decode(data, Int32Array.from(idx, (i) => starts[i]), Int32Array.from(idx, (i) => ends[i]), idx.length)[0];
    return spread(decoded, idx, n, valid, this.type);
  }

  write(id: number, out: ByteWriter): void {
    const m = this.groups[id];
    out.u32(m?.size ?? 0);
    for (const e of m?.values() ?? []) {
      out.lenBytes(e.bytes);
      out.f64(e.count);
    }
  }

  read(id: number, input: ByteReader): void {
    const n = input.u32();
    const m = new Map<string, { bytes: Uint8Array; count: number }>();
    for (let i = 0; i < n; i++) {
      const [s, e] = input.lenRange();
      const bytes = input.data.slice(s, e);
      m.set(Buffer.from(bytes).toString("latin1"), { bytes, count: input.f64() });
    }
    this.groups[id] = m;
  }
}

/** `decoded` (one slot per index in `idx`) placed at those indexes of an `n`-slot vector, nulls elsewhere. */
function spread(decoded: Vector, idx: readonly number[], n: number, valid: Uint8Array, type: DataType): Vector {
  const take = new Int32Array(n);
  for (let k = 0; k < idx.length; k++) take[idx[k]] = k;
  return gatherWithNulls(decoded, take, valid, type);
}

function gatherWithNulls(v: Vector, take: Int32Array, valid: Uint8Array, type: DataType): Vector {
  const n = take.length;
  const mask = compactMask(valid, n);
  switch (v.kind) {
    case "i64":
      return { kind: "i64", type, length: n, valid: mask, values: BigInt64Array.from(take, (k) => v.values[k] ?? 0n) };
    case "i32":
      return { kind: "i32", type, length: n, valid: mask, values: Int32Array.from(take, (k) => v.values[k] ?? 0) };
    case "i16":
      return { kind: "i16", type, length: n, valid: mask, values: Int16Array.from(take, (k) => v.values[k] ?? 0) };
    case "i8":
      return { kind: "i8", type, length: n, valid: mask, values: Int8Array.from(take, (k) => v.values[k] ?? 0) };
    case "f64":
      return { kind: "f64", type, length: n, valid: mask, values: Float64Array.from(take, (k) => v.values[k] ?? 0) };
    case "f32":
      return { kind: "f32", type, length: n, valid: mask, values: Float32Array.from(take, (k) => v.values[k] ?? 0) };
    case "bool":
      return { kind: "bool", type, length: n, valid: mask, values: Uint8Array.from(take, (k) => v.values[k] ?? 0) };
    case "decimal":
      return { kind: "decimal", type: v.type, length: n, valid: mask, values: Array.from(take, (k) => v.values[k] ?? 0n) };
    case "bytes": {
      const offsets = new Int32Array(n + 1);
      const parts: Uint8Array[] = [];
      let at = 0;
      for (let i = 0; i < n; i++) {
        if (valid[i] === 1) {
          const k = take[i];
          const b = v.data.subarray(v.offsets[k], v.offsets[k + 1]);
          parts.push(b);
          at += b.length;
        }
        offsets[i + 1] = at;
      }
      const data = new Uint8Array(at);
      let o = 0;
      for (const b of parts) {
        data.set(b, o);
        o += b.length;
      }
      return { kind: "bytes", type, length: n, valid: mask, offsets, data };
    }
    default:
      throw new ExecutionError(`mode: values of type ${type.typeName} are not supported`);
  }
}

