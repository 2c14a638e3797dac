/**
 * Manifest pruning from partition summaries, and file pruning from column metrics, on tables
 * sluice wrote: what is skipped could not hold a matching row, and nothing else is.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../../../src/index.js";
import { bindPredicate } from "../../../../src/plan/expressions/bind.js";
import { parseExpression } from "../../../../src/sql/parser.js";
import { resolveLocation } from "../../../../src/storage/resolve.js";
import { manifestFilter, pruneEntries } from "../../../../src/tables/iceberg/pruning.js";
import { currentSchema } from "../../../../src/tables/iceberg/metadata.js";
import { liveEntries, openIcebergTable, selectSnapshot, snapshotManifests } from "../../../../src/tables/iceberg/table-reader.js";
import { sparkSchemaOf } from "../../../../src/tables/iceberg/types.js";

const spark = SparkSession.builder.getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-iceberg-pruning-"));

let tables = 0;

async function table() {
  const path = join(dir, `t${++tables}`);
  for (const [day, from] of [["2024-01-01", 0], ["2024-01-02", 10], [null, 20]] as const) {
    await spark.createDataFrame(Array.from({ length: 10 }, (_, i) => ({ id: from + i, day, name: i === 0 ? null : `n${from + i}` })), "id INT, day STRING, name STRING")
      .write.format("iceberg").mode("append").partitionBy("day").save(path);
  }
  const { storage, key } = resolveLocation(path);
  const t = await openIcebergTable(storage, key);
  const schema = currentSchema(t.current.metadata);
  const snapshot = selectSnapshot(t.current.metadata);
  assert.ok(snapshot !== null);
  return { t, schema, snapshot, bind: (sql: string) => bindPredicate(parseExpression(sql), sparkSchemaOf(schema)) };
}

test("manifests whose identity partition summaries rule a filter out are skipped", async () => {
  const { t, schema, snapshot, bind } = await table();
  const manifests = await snapshotManifests(t, snapshot);
  assert.equal(manifests.length, 3);
  const kept = (sql: string) => manifests.filter(manifestFilter(t.current.metadata, schema, bind(sql))).length;
  assert.equal(kept("day = '2024-01-02'"), 1);
  assert.equal(kept("day > '2024-01-01'"), 1);
  assert.equal(kept("day IS NULL"), 1, "only the manifest whose summary says it holds nulls");
  assert.equal(kept("day IS NOT NULL"), 2, "the manifest whose partition is only null is skipped");
  assert.equal(kept("id = 5"), 3, "not a partition column: kept");
  assert.equal(kept("day = '2023-12-31' OR id < 0"), 3, "an OR with a non-partition column: kept");
});

test("data files whose column metrics rule a filter out are skipped; null counts are used", async () => {
  const { t, schema, snapshot, bind } = await table();
  const entries = await liveEntries(t, snapshot);
  const kept = (sql: string) => pruneEntries(entries, schema, bind(sql)).length;
  assert.equal(entries.length, 3);
  assert.equal(kept("id BETWEEN 12 AND 15"), 1);
  assert.equal(kept("id > 100"), 0);
  // Strings compare as bytes: the third file's names run from 'n1' to 'n9'.
  assert.equal(kept("name = 'n0'"), 0);
  assert.equal(kept("name >= 'n2'"), 2);
  assert.equal(kept("name IS NULL"), 3, "each file has one null name");
  assert.equal(kept("CAST(id AS BIGINT) < 1"), 1, "an order-preserving cast");
  assert.equal(kept("length(name) = 3"), 3, "not understood: kept");
});
