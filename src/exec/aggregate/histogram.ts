/**
 * `histogram_numeric(x, nb)`: Spark's `HistogramNumeric`, backed by its `NumericHistogram` (Hive's
 * Ben-Haim/Tom-Tov streaming histogram). Each group keeps at most `nb` bins (x, y), sorted by x; a
 * value equal to a bin's x adds 1 to its y, any other value becomes a new bin, and while there are
 * more than `nb` bins the two closest neighbours are merged into their y-weighted mean. Ties between
 * equally close pairs are broken with Java's `Random(31183)`, drawn in the same order as Spark, so
 * the bins equal Spark's for a group folded in one partition. Nulls are skipped; a group without
 * values gives null. The result is `array<struct<x, y: double>>`, x converted back to the input's
 * type as Spark does (truncating toward zero).
 *
 * State per group: its bins and the tie-breaking generator's seed, so a restored query continues
 * exactly as one run straight through.
 */
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { vectorFromValues } from "../../columnar/build.js";
import type { ArrayType, DataType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { JavaRandom } from "./java-random.js";
import { doubleAt, numericInput } from "./accumulator.js";

/** The bins of one group, sorted by x. */
export interface HistogramBins {
  readonly x: number[];
  readonly y: number[];
}

/**
 * One group's streaming histogram: Spark's `NumericHistogram` with `nbins` bins, its `add`, `merge`
 * and `trim` step for step (same comparisons, same floating-point operations, same draws).
 */
export class NumericHistogram implements HistogramBins {
  x: number[] = [];
  y: number[] = [];
  readonly random: JavaRandom;

  constructor(
    readonly nbins: number,
    random = new JavaRandom(31183),
  ) {
    this.random = random;
  }

  /** Adds one value (Algorithm 1 of the paper). */
  add(v: number): void {
    const { x, y } = this;
    // Binary search for the first bin whose x is not below v, stopping early on an equal x.
    let bin = 0;
    for (let l = 0, r = x.length; l < r; ) {
      bin = (l + r) >>> 1;
      if (x[bin] > v) r = bin;
      else if (x[bin] < v) l = ++bin;
      else break;
    }
    if (bin < x.length && x[bin] === v) {
      y[bin]++;
      return;
    }
    x.splice(bin, 0, v);
    y.splice(bin, 0, 1);
    if (x.length > this.nbins) this.trim();
  }

  /** Merges `other`'s bins into these (Algorithm 2): an empty histogram takes a copy of them. */
  merge(other: HistogramBins): void {
    if (other.x.length === 0) return;
    if (this.x.length === 0) {
      this.x = other.x.slice();
      this.y = other.y.slice();
      return;
    }
    // Java's stable sort of the concatenation by x (equal x keep this histogram's bin first).
    const order = [...this.x.map((x, i) => ({ x, y: this.y[i] })), ...other.x.map((x, i) => ({ x, y: other.y[i] }))];
    order.sort((a, b) => javaDoubleCompare(a.x, b.x));
    this.x = order.map((c) => c.x);
    this.y = order.map((c) => c.y);
    this.trim();
  }

  /** Merges the closest neighbouring bins until at most `nbins` remain. */
  private trim(): void {
    const { x, y } = this;
    while (x.length > this.nbins) {
      let smallest = x[1] - x[0];
      let loc = 0;
      let count = 1;
      for (let i = 1; i < x.length - 1; i++) {
        const diff = x[i + 1] - x[i];
        if (diff < smallest) {
          smallest = diff;
          loc = i;
          count = 1;
        } else if (diff === smallest && this.random.nextDouble() <= 1.0 / ++count) {
          loc = i;
        }
      }
      const d = y[loc] + y[loc + 1];
      let mx = x[loc] * (y[loc] / d);
      mx += (x[loc + 1] / d) * y[loc + 1];
      x[loc] = mx;
      y[loc] = d;
      x.splice(loc + 1, 1);
      y.splice(loc + 1, 1);
    }
  }
}

/** `histogram_numeric(x, nb)` over number, date, timestamp and interval inputs. */
export class HistogramAccumulator implements Accumulator {
  private groups: (NumericHistogram | undefined)[] = [];

  constructor(
    private readonly nbins: number,
    private readonly resultType: ArrayType,
  ) {}

  grow(): void {
    // Per-group histograms are created on a group's first value.
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || input.kind === "null") return;
    const values = numericInput(input);
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (!isValid(input, r)) continue;
      const g = groupIds[r];
      (this.groups[g] ??= new NumericHistogram(this.nbins)).add(doubleAt(values, r));
    }
  }

  result(ids: Int32Array): Vector {
    const xType = this.resultType.elementType.typeName === "struct" ? this.resultType.elementType.fields[0].dataType : this.resultType.elementType;
    const rows: (unknown[] | null)[] = [];
    for (const id of ids) {
      const h = this.groups[id];
      rows.push(h === undefined || h.x.length === 0 ? null : h.x.map((x, i) => ({ x: typedX(x, xType), y: h.y[i] })));
    }
    return vectorFromValues(this.resultType, rows);
  }

  write(id: number, out: ByteWriter): void {
    const h = this.groups[id];
    const n = h?.x.length ?? 0;
    out.u32(n);
    if (h === undefined) return;
    for (let i = 0; i < n; i++) {
      out.f64(h.x[i]);
      out.f64(h.y[i]);
    }
    out.i64(h.random.state);
  }

  read(id: number, input: ByteReader): void {
    const n = input.u32();
    if (n === 0) {
      this.groups[id] = undefined;
      return;
    }
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      x.push(input.f64());
      y.push(input.f64());
    }
    const h = new NumericHistogram(this.nbins, new JavaRandom(input.i64(), true));
    h.x = x;
    h.y = y;
    this.groups[id] = h;
  }
}

/** Java's `Double.compare`: -0.0 before 0.0, NaN after everything, NaN equal to NaN. */
function javaDoubleCompare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const rank = (v: number) => (Number.isNaN(v) ? 2 : Object.is(v, -0) ? 0 : 1);
  return a === b && a !== 0 ? 0 : rank(a) - rank(b);
}

/** A bin's x in the result's x type: Scala's `toInt`/`toLong`/`toShort`/`toByte` of the double. */
function typedX(x: number, type: DataType): unknown {
  switch (type.typeName) {
    case "long":
    case "timestamp":
    case "timestamp_ntz":
    case "daytimeinterval":
      // Double.toLong: NaN is 0, out-of-range values saturate.
      if (Number.isNaN(x)) return 0n;
      if (x >= 2 ** 63) return 9223372036854775807n;
      if (x <= -(2 ** 63)) return -9223372036854775808n;
      return BigInt(Math.trunc(x));
    case "integer":
    case "date":
    case "yearmonthinterval":
      return toInt(x);
    case "short":
      // Double.toShort is toInt, then narrowed.
      return (toInt(x) << 16) >> 16;
    case "byte":
      return (toInt(x) << 24) >> 24;
    default:
      return x;
  }
}

/** Scala's `Double.toInt`: truncation toward zero, NaN is 0, out-of-range values saturate. */
function toInt(x: number): number {
  return Number.isNaN(x) ? 0 : Math.trunc(Math.max(-2147483648, Math.min(2147483647, x)));
}
