/**
 * Splitting a batch by the values of its partition columns, vectorised: each row's key is hashed
 * into a {@link BytesHashTable} (the single string column straight from its bytes, other keys
 * through the {@link KeyCodec}, as dropDuplicates does), which numbers the distinct keys of the
 * batch, and counts each group's rows (the offsets a scatter by group needs). No JS value or string
 * is made per row: the caller names a group's partition from its first row.
 */
import type { Batch } from "../../columnar/batch.js";
import type { BytesVector } from "../../columnar/vector.js";
import { BytesHashTable } from "../../columnar/bytes-hash-table.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { hashKey, hashTagged } from "../../columnar/murmur3.js";
import type { DataType } from "../../types/data-types.js";

/** Slots of the value cache of a single string partition column: 256. */
const FINGERPRINT_BITS = 8;

/** True when `data[a, a + len)` and `data[b, b + len)` hold the same bytes (four at a time). */
function sameBytes(data: Uint8Array, view: DataView, a: number, b: number, len: number): boolean {
  let k = 0;
  for (; k + 4 <= len; k += 4) if (view.getInt32(a + k) !== view.getInt32(b + k)) return false;
  for (; k < len; k++) if (data[a + k] !== data[b + k]) return false;
  return true;
}

/** The rows of a batch grouped by partition. */
export interface PartitionGroups {
  /** Number of distinct partitions in the batch, numbered in order of first appearance. */
  readonly count: number;
  /** `groupOf[i]`: the group of row i (valid until the splitter's next `split`). */
  readonly groupOf: Int32Array;
  /** `firstRow[g]`: the first row of group `g` (to read its partition values from). */
  readonly firstRow: Int32Array;
  /**
   * Where each group's rows would start if the rows were sorted by group (a counting sort's
   * offsets, one more than there are groups): group g has `start[g + 1] - start[g]` rows.
   */
  readonly start: Int32Array;
}

/** Groups rows by the columns at `ordinals` (of types `types`); one instance serves many batches. */
export class PartitionSplitter {
  private readonly codec: KeyCodec;
  private groupOf = new Int32Array(0);
  /** The single string column's value cache (see `split`): fingerprints and their groups. */
  private readonly cacheFp = new Int32Array(1 << FINGERPRINT_BITS);
  private readonly cacheGroup = new Int32Array(1 << FINGERPRINT_BITS);

  constructor(
    private readonly ordinals: readonly number[],
    types: readonly DataType[],
  ) {
    this.codec = new KeyCodec(types, "partitionBy");
  }

  split(batch: Batch): PartitionGroups {
    const n = batch.numRows;
    if (this.groupOf.length < n) this.groupOf = new Int32Array(Math.max(n, 1024));
    const groupOf = this.groupOf;
    // A fresh table per batch: ids are dense per batch, and a batch holds few partitions.
    const table = new BytesHashTable(64, 1024);
    /** The first row of each group, by group id. */
    const firstOf: number[] = [];
    if (this.codec.singleBytes) {
      const v = batch.columns[this.ordinals[0]] as BytesVector;
      const { offsets, data, valid } = v;
      const nullHash = hashTagged(0, data, 0, 0);
      // A partition column has few values (a date, a region): a direct-mapped cache from a
      // fingerprint of the value (its length and last four bytes) to its group, confirmed against
      // the bytes of the group's first row, settles nearly every row without hashing it.
      const cacheFp = this.cacheFp;
      const cacheGroup = this.cacheGroup.fill(-1);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) {
          groupOf[i] = table.findOrInsertTagged(0, data, 0, 0, nullHash);
          if (groupOf[i] === firstOf.length) firstOf.push(i);
          continue;
        }
        const s = offsets[i];
        const e = offsets[i + 1];
        const len = e - s;
        const fp =
          len >= 4
            ? (data[e - 4] | (data[e - 3] << 8) | (data[e - 2] << 16) | (data[e - 1] << 24)) ^ Math.imul(len, 0x9e3779b1)
            : len | (len > 0 ? data[s] << 8 : 0) | (len > 1 ? data[s + 1] << 16 : 0) | (len > 2 ? data[s + 2] << 24 : 0);
        const slot = Math.imul(fp, 0x9e3779b1) >>> (32 - FINGERPRINT_BITS);
        const cached = cacheGroup[slot];
        if (cached >= 0 && cacheFp[slot] === fp) {
          const r = firstOf[cached];
          const rs = offsets[r];
          if (offsets[r + 1] - rs === len && sameBytes(data, view, rs, s, len)) {
            groupOf[i] = cached;
            continue;
          }
        }
        const g = table.findOrInsertTagged(1, data, s, e, hashTagged(1, data, s, e));
        if (g === firstOf.length) firstOf.push(i);
        cacheFp[slot] = fp;
        cacheGroup[slot] = g;
        groupOf[i] = g;
      }
    } else {
      const codec = this.codec;
      codec.bind(this.ordinals.map((o) => batch.columns[o]));
      for (let i = 0; i < n; i++) {
        const len = codec.encode(i);
        const key = codec.scratch;
        const g = table.findOrInsert(key, 0, len, hashKey(key, 0, len));
        if (g === firstOf.length) firstOf.push(i);
        groupOf[i] = g;
      }
    }
    const count = table.idCount;
    const start = new Int32Array(count + 1);
    for (let i = 0; i < n; i++) start[groupOf[i] + 1]++;
    for (let g = 0; g < count; g++) start[g + 1] += start[g];
    return { count, groupOf: groupOf.subarray(0, n), firstRow: Int32Array.from(firstOf), start };
  }
}
