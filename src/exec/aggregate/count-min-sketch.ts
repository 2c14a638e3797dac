/**
 * `count_min_sketch(col, eps, confidence, seed)` (Spark's CountMinSketchAgg over
 * `org.apache.spark.util.sketch.CountMinSketchImpl`): a group's count-min sketch, returned as the
 * bytes `CountMinSketchImpl.writeTo` writes, so Spark's `CountMinSketch.readFrom` reads what sluice
 * wrote and the reverse.
 *
 * The sketch has depth = ceil(-log2(1 - confidence)) rows of width = ceil(2 / eps) counters. Row i
 * hashes longs with (a_i · x) mod (2^31 - 1) mod width, a_i drawn from `java.util.Random(seed)`;
 * strings and binaries use Spark's legacy Murmur3_x86_32 double hashing. Integral inputs are added
 * as longs, strings as their UTF-8 bytes; nulls are skipped. A group with no value (and an empty
 * input) gives the empty sketch.
 *
 * A group's state is its serialized sketch; sketches with the same parameters merge by adding
 * their tables and total counts elementwise ({@link mergeSketchBytes}).
 */
import type { Vector } from "../../columnar/vector.js";
import { BinaryType } from "../../types/data-types.js";
import { ExecutionError } from "../../errors.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import { hashBytes } from "../eval/functions/hash-functions.js";
import type { Accumulator } from "./accumulator.js";
import { JavaRandom } from "./java-random.js";

/** The parameters of a sketch, as Spark derives them from (eps, confidence, seed). */
export interface SketchShape {
  readonly depth: number;
  readonly width: number;
  /** One multiplier per row (`hashA`). */
  readonly hashA: readonly number[];
}

/** `CountMinSketchImpl(eps, confidence, seed)`'s depth, width and row multipliers. */
export function sketchShape(eps: number, confidence: number, seed: number): SketchShape {
  const width = Math.ceil(2 / eps);
  const depth = Math.ceil(-Math.log1p(-confidence) / Math.log(2));
  const random = new JavaRandom(seed);
  const hashA: number[] = [];
  for (let i = 0; i < depth; i++) hashA.push(random.nextInt(0x7fffffff));
  return { depth, width, hashA };
}

const PRIME_MODULUS = 0x7fffffffn;
const VERSION = 1;
/** Bytes before the multipliers: version, totalCount, depth, width. */
const HEADER = 4 + 8 + 4 + 4;

export class CountMinSketchAccumulator implements Accumulator {
  /** Per group: the depth × width counters, row-major; counts stay below 2^53. */
  private tables: (Float64Array | undefined)[] = [];
  private totals: number[] = [];
  private readonly hashA: readonly bigint[];

  constructor(private readonly shape: SketchShape) {
    this.hashA = shape.hashA.map((a) => BigInt(a));
  }

  grow(): void {}

  private of(g: number): Float64Array {
    let t = this.tables[g];
    if (t === undefined) {
      t = new Float64Array(this.shape.depth * this.shape.width);
      this.tables[g] = t;
      this.totals[g] = 0;
    }
    return t;
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || input.kind === "null") return;
    const { depth, width } = this.shape;
    const valid = input.valid;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      const table = this.of(g);
      switch (input.kind) {
        case "i64":
          this.addLong(table, input.values[r]);
          break;
        case "i32":
        case "i16":
        case "i8":
          this.addLong(table, BigInt(input.values[r]));
          break;
        case "bytes": {
          // CountMinSketchImpl.getHashBuckets: double hashing with the legacy Murmur3 hashUnsafeBytes.
          const s = input.offsets[r];
          const e = input.offsets[r + 1];
          const hash1 = hashBytes(input.data, s, e, 0);
          const hash2 = hashBytes(input.data, s, e, hash1);
          for (let i = 0; i < depth; i++) table[i * width + Math.abs(((hash1 + Math.imul(i, hash2)) | 0) % width)]++;
          break;
        }
        default:
          throw new ExecutionError(`count_min_sketch: unsupported input type ${input.type.typeName}`);
      }
      this.totals[g]++;
    }
  }

  /** CountMinSketchImpl.addLong: row i's bucket is ((a_i · x) mod 2^31 - 1) mod width. */
  private addLong(table: Float64Array, item: bigint): void {
    const { depth, width } = this.shape;
    for (let i = 0; i < depth; i++) {
      let h = BigInt.asIntN(64, this.hashA[i] * item);
      h = BigInt.asIntN(64, h + (h >> 32n));
      table[i * width + (Number(h & PRIME_MODULUS) % width)]++;
    }
  }

  result(ids: Int32Array): Vector {
    const n = ids.length;
    const size = sketchSize(this.shape);
    const offsets = new Int32Array(n + 1);
    const data = new Uint8Array(n * size);
    for (let i = 0; i < n; i++) {
      this.serialize(ids[i], data.subarray(i * size, (i + 1) * size));
      offsets[i + 1] = (i + 1) * size;
    }
    return { kind: "bytes", type: BinaryType(), length: n, valid: null, offsets, data };
  }

  /** CountMinSketchImpl.writeTo, big-endian, into `out` (exactly {@link sketchSize} bytes). */
  private serialize(g: number, out: Uint8Array): void {
    const { depth, width, hashA } = this.shape;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setInt32(0, VERSION);
    view.setBigInt64(4, BigInt(this.totals[g] ?? 0));
    view.setInt32(12, depth);
    view.setInt32(16, width);
    for (let i = 0; i < depth; i++) view.setBigInt64(HEADER + 8 * i, BigInt(hashA[i]));
    const table = this.tables[g];
    if (table === undefined) return;
    const base = HEADER + 8 * depth;
    for (let j = 0; j < table.length; j++) if (table[j] !== 0) view.setBigInt64(base + 8 * j, BigInt(table[j]));
  }

  write(id: number, out: ByteWriter): void {
    const bytes = new Uint8Array(sketchSize(this.shape));
    this.serialize(id, bytes);
    out.lenBytes(bytes);
  }

  read(id: number, input: ByteReader): void {
    const [s, e] = input.lenRange();
    const { depth, width } = this.shape;
    if (e - s !== sketchSize(this.shape)) throw input.corrupt(`count_min_sketch state of ${e - s} bytes, expected ${sketchSize(this.shape)}`);
    const view = new DataView(input.data.buffer, input.data.byteOffset + s, e - s);
    const table = new Float64Array(depth * width);
    const base = HEADER + 8 * depth;
    for (let j = 0; j < table.length; j++) table[j] = Number(view.getBigInt64(base + 8 * j));
    this.tables[id] = table;
    this.totals[id] = Number(view.getBigInt64(4));
  }
}

/** Bytes of a serialized sketch of `shape`. */
export function sketchSize(shape: SketchShape): number {
  return HEADER + 8 * shape.depth + 8 * shape.depth * shape.width;
}

/**
 * CountMinSketchImpl.mergeInPlace over serialized sketches: the elementwise sum of the tables and
 * total counts. Throws unless both have the same version, depth, width and multipliers.
 */
export function mergeSketchBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length || a.length < HEADER) throw new ExecutionError(`count_min_sketch: cannot merge sketches of ${a.length} and ${b.length} bytes`);
  const va = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const vb = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const depth = va.getInt32(12);
  const width = va.getInt32(16);
  if (va.getInt32(0) !== VERSION || vb.getInt32(0) !== VERSION) throw new ExecutionError(`count_min_sketch: unexpected sketch version ${va.getInt32(0)} / ${vb.getInt32(0)}`);
  if (depth !== vb.getInt32(12) || width !== vb.getInt32(16)) throw new ExecutionError(`count_min_sketch: cannot merge sketches of different depth or width (${depth}×${width}, ${vb.getInt32(12)}×${vb.getInt32(16)})`);
  const base = HEADER + 8 * depth;
  for (let j = HEADER; j < base; j++) if (a[j] !== b[j]) throw new ExecutionError("count_min_sketch: cannot merge sketches of different seed");
  // A fresh copy (a Node Buffer's slice would share `a`'s memory).
  const out = Uint8Array.from(a);
  const vo = new DataView(out.buffer);
  vo.setBigInt64(4, va.getBigInt64(4) + vb.getBigInt64(4));
  for (let p = base; p < out.length; p += 8) vo.setBigInt64(p, va.getBigInt64(p) + vb.getBigInt64(p));
  return out;
}
