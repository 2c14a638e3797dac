/**
 * The data-file writer's storage side: writes are handed to the object writers without waiting
 * (one in flight per file), so a failed write must still fail the whole write with a SinkError
 * naming the file, leave no object behind, and never surface as an unhandled rejection.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { valueAt } from "../../../../src/columnar/values.js";
import { SinkError } from "../../../../src/errors.js";
import { ForwardingStorage } from "../../../../src/storage/forwarding.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import type { ObjectWriter } from "../../../../src/storage/storage.js";
import { writeDataFiles } from "../../../../src/tables/files/data-file-writer.js";
import type { DataFileLayout } from "../../../../src/tables/files/data-file-writer.js";
import { LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { readParquet } from "../../../../src/formats/parquet/parquet-reader.js";
import { batchToRows } from "../../../../src/columnar/values.js";

const schema = StructType([StructField("p", StringType()), StructField("n", LongType())]);
const layout: DataFileLayout = {
  format: "parquet",
  compression: "snappy",
  partitionBy: ["p"],
  partitionValue: (v, row) => {
    const x = valueAt(v, row);
    return x === null ? null : String(x);
  },
};
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ p: ["a", "b", "c"][(from + i) % 3], n: BigInt(from + i) }));

/** A storage whose object writers under `failing` reject every write, a little later (as a disk would). */
class FailingWrites extends ForwardingStorage {
  constructor(
    inner: MemoryStorage,
    private readonly failing: string,
  ) {
    super(inner);
  }
  override createWriter(path: string): ObjectWriter {
    const w = this.inner.createWriter(path);
    if (!path.includes(this.failing)) return w;
    const fail = async () => {
      await new Promise((r) => setTimeout(r, 5));
      await w.abort();
      throw new Error("disk full");
    };
    return { path, bytesWritten: 0, write: fail, writev: fail, close: () => w.close(), abort: () => w.abort() };
  }
}

test("a partitioned write's files hold their rows, in order, whatever the writes' timing", async () => {
  const storage = MemoryStorage.fresh("data-files");
  const batches = [0, 3000, 6000].map((s) => batchFromRows(schema, rows(s, 3000)));
  const files = await writeDataFiles(storage, "t", schema, layout, batches);
  assert.deepEqual(files.map((f) => f.partitionValues.p).sort(), ["a", "b", "c"]);
  for (const f of files) {
    const back = (await readParquet(await storage.get(f.key))).batches.flatMap(batchToRows);
    const want = rows(0, 9000).filter((r) => r.p === f.partitionValues.p).map((r) => ({ n: r.n }));
    assert.deepEqual(back, want, `partition ${f.partitionValues.p}`);
    assert.equal(f.numRows, want.length);
  }
});

test("a write that fails in storage fails the write with a SinkError naming the file, and leaves no object", async () => {
  const inner = MemoryStorage.fresh("data-files-fail");
  const storage = new FailingWrites(inner, "p=b/");
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  try {
    // The second batch comes late: the first one's failed write settles while nothing waits on it.
    async function* batches() {
      yield batchFromRows(schema, rows(0, 3000));
      await new Promise((r) => setTimeout(r, 30));
      yield batchFromRows(schema, rows(3000, 3000));
    }
    await assert.rejects(writeDataFiles(storage, "t", schema, layout, batches()), (e: unknown) => e instanceof SinkError && /p=b\//.test(e.message) && /disk full/.test(e.message));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(unhandled, []);
    const left = (await inner.list("t/")).map((o) => o.path).filter((p) => p.startsWith("t/p=b/"));
    assert.deepEqual(left, [], "the failed file left no object");
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});
