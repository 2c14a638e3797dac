/**
 * The Delta streaming source lists only the commits it has not read yet (`startAfter` its
 * position), so a batch on a table with a long history lists what is new, not the history.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../../../src/index.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { LongType, StructField, StructType } from "../../../../src/types/data-types.js";
import { localFileSystem, resolveLocation, routeLocalStorage } from "../../../../src/storage/resolve.js";
import { CountingStorage } from "../../../../src/storage/forwarding.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-source-listing-"));
after(() => rmSync(base, { recursive: true, force: true }));
const SCHEMA = StructType([StructField("id", LongType())]);

/** Appends through the local storage itself: the writer's own listings are not the source's. */
async function append(path: string, id: number): Promise<void> {
  const { key } = resolveLocation(path);
  await appendToTable(localFileSystem(), key, [batchFromRows(SCHEMA, [{ id: BigInt(id) }])], { schema: SCHEMA });
}

test("each batch lists the new commits only, however long the table's history", async () => {
  const path = join(base, "t");
  for (let i = 0; i < 150; i++) await append(path, i);
  const counting = new CountingStorage(localFileSystem(), true);
  const undo = routeLocalStorage(() => counting);
  const name = "delta_listing";
  const logListed = (): number => {
    let n = 0;
    for (const [prefix, entries] of counting.listedByPrefix) if (prefix.endsWith("_delta_log/")) n += entries;
    return n;
  };
  try {
    const q = spark.readStream.format("delta").option("startingVersion", "latest").load(path)
      .writeStream.format("memory").queryName(name).option("checkpointLocation", join(base, "ck")).start();
    await q.processAllAvailable();
    const perBatch: number[] = [];
    for (let i = 0; i < 20; i++) {
      counting.reset();
      await append(path, 1000 + i);
      await q.processAllAvailable();
      perBatch.push(logListed());
    }
    await q.stop();
    assert.equal(q.exception, null);
    // Per batch the source lists what follows its position (the new commit), never the 150 commits of history.
    assert.ok(Math.max(...perBatch) <= 4, `entries listed in _delta_log/ per batch: ${perBatch.join(", ")}`);
    assert.equal(Math.max(...perBatch.slice(2)), Math.min(...perBatch.slice(2)), `flat: ${perBatch.join(", ")}`);
    assert.deepEqual((await spark.table(name).collect()).map((r) => Number(r.id)).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => 1000 + i));
  } finally {
    undo();
  }
});
