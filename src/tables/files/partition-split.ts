/**
 * Splitting a batch by the values of its partition columns, vectorised: each row's key is hashed
 * into a {@link BytesHashTable} (the single string column straight from its bytes, other keys
 * through the {@link KeyCodec}, as dropDuplicates does), which numbers the distinct keys of the
 * batch; a counting sort then lists each group's rows in row order. No JS value or string is made
 * per row: the caller names a group's partition from its first row.
 */
import type { Batch } from "../../columnar/batch.js";
import type { BytesVector } from "../../columnar/vector.js";
import { BytesHashTable } from "../../columnar/bytes-hash-table.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { hashKey, hashTagged } from "../../columnar/murmur3.js";
import type { DataType } from "../../types/data-types.js";

/** The rows of a batch grouped by partition. */
export interface PartitionGroups {
  /** Number of distinct partitions in the batch, numbered in order of first appearance. */
  readonly count: number;
  /** `groupOf[i]`: the group of row i (valid until the splitter's next `split`). */
  readonly groupOf: Int32Array;
  /** `firstRow[g]`: the first row of group `g` (to read its partition values from). */
  readonly firstRow: Int32Array;
  /** The rows of group `g`, ascending: `rows.subarray(start[g], start[g + 1])`. */
  readonly rows: Int32Array;
  readonly start: Int32Array;
}

/** Groups rows by the columns at `ordinals` (of types `types`); one instance serves many batches. */
export class PartitionSplitter {
  private readonly codec: KeyCodec;
  private groupOf = new Int32Array(0);

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
    if (this.codec.singleBytes) {
      const v = batch.columns[this.ordinals[0]] as BytesVector;
      const { offsets, data, valid } = v;
      const nullHash = hashTagged(0, data, 0, 0);
      for (let i = 0; i < n; i++) {
        groupOf[i] =
          valid !== null && valid[i] === 0
            ? table.findOrInsertTagged(0, data, 0, 0, nullHash)
            : table.findOrInsertTagged(1, data, offsets[i], offsets[i + 1], hashTagged(1, data, offsets[i], offsets[i + 1]));
      }
    } else {
      const codec = this.codec;
      codec.bind(this.ordinals.map((o) => batch.columns[o]));
      for (let i = 0; i < n; i++) {
        const len = codec.encode(i);
        const key = codec.scratch;
        groupOf[i] = table.findOrInsert(key, 0, len, hashKey(key, 0, len));
      }
    }
    const count = table.idCount;
    const start = new Int32Array(count + 1);
    const firstRow = new Int32Array(count).fill(-1);
    for (let i = 0; i < n; i++) {
      const g = groupOf[i];
      start[g + 1]++;
      if (firstRow[g] < 0) firstRow[g] = i;
    }
    for (let g = 0; g < count; g++) start[g + 1] += start[g];
    const at = start.slice(0, count);
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[at[groupOf[i]]++] = i;
    return { count, groupOf: groupOf.subarray(0, n), firstRow, rows, start };
  }
}
