/**
 * The session time zone (`spark.sql.session.timeZone`) reaches the delta source: zone-less
 * timestamp partition values are read as wall-clock times in it (batch, streaming, worker threads),
 * and data skipping parses them in the same zone, so a filter never drops a file whose rows match.
 * The table's log is written by hand, as a Spark session in Los Angeles writes such values.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, MemoryStream, SparkSession, col, lit } from "../../../../src/index.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { writeParquet } from "../../../../src/formats/parquet/parquet-writer.js";
import { LongType, StructField, StructType, TimestampType } from "../../../../src/types/data-types.js";
import { schemaToJson } from "../../../../src/types/json-schema.js";
import type { Row } from "../../../../src/index.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-time-zone-"));
after(() => rmSync(base, { recursive: true, force: true }));

const ZONE = "spark.sql.session.timeZone";
const SCHEMA = StructType([StructField("id", LongType()), StructField("ts", TimestampType())]);
const DATA = StructType([StructField("id", LongType())]);

/** Zone-less partition values as a Pacific session writes them, and their instants in that zone (PDT, UTC-7). */
const FILES = [
  { id: 1n, value: "2021-09-08 11:11:11", pacific: "2021-09-08T18:11:11.000Z" },
  { id: 2n, value: "2021-09-08 23:30:00", pacific: "2021-09-09T06:30:00.000Z" },
  { id: 3n, value: "2021-09-09 02:00:00", pacific: "2021-09-09T09:00:00.000Z" },
];

/**
 * A table partitioned by `ts`, one file per entry of FILES. With `corruptFirst`, the first file's
 * bytes are not Parquet: reading it fails, so a read that succeeds proves the file was skipped.
 */
async function table(name: string, corruptFirst = false): Promise<string> {
  const dir = join(base, name);
  mkdirSync(join(dir, "_delta_log"), { recursive: true });
  const actions: unknown[] = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: name, format: { provider: "parquet", options: {} }, schemaString: schemaToJson(SCHEMA), partitionColumns: ["ts"], configuration: {} } },
  ];
  for (const [i, f] of FILES.entries()) {
    const bytes = corruptFirst && i === 0 ? new TextEncoder().encode("not parquet") : await writeParquet(DATA, [batchFromRows(DATA, [{ id: f.id }])]);
    const path = `part-${i}.parquet`;
    writeFileSync(join(dir, path), bytes);
    actions.push({ add: { path, partitionValues: { ts: f.value }, size: bytes.length, modificationTime: 0, dataChange: true } });
  }
  writeFileSync(join(dir, "_delta_log", "00000000000000000000.json"), actions.map((a) => JSON.stringify(a)).join("\n") + "\n");
  return dir;
}

/** `[id, ISO instant]` pairs, by id. */
function pairs(rows: readonly (Row | Record<string, unknown>)[]): [string, string][] {
  return rows
    .map((r): [string, string] => {
      const ts = r.ts;
      assert.ok(ts instanceof Date, `ts is a Date, got ${String(ts)}`);
      return [String(r.id), ts.toISOString()];
    })
    .sort((a, b) => Number(a[0]) - Number(b[0]));
}

async function withZone<T>(zone: string, run: () => Promise<T>): Promise<T> {
  spark.conf.set(ZONE, zone);
  try {
    return await run();
  } finally {
    spark.conf.unset(ZONE);
  }
}

test("zone-less timestamp partition values are read in spark.sql.session.timeZone (UTC when unset)", async () => {
  const dir = await table("batch");
  const utc = pairs(await spark.read.format("delta").load(dir).collect());
  assert.deepEqual(utc, FILES.map((f) => [String(f.id), new Date(`${f.value.replace(" ", "T")}Z`).toISOString()]));
  const pacific = await withZone("America/Los_Angeles", async () => pairs(await spark.read.format("delta").load(dir).collect()));
  assert.deepEqual(pacific, FILES.map((f) => [String(f.id), f.pacific]));
  const offset = await withZone("+09:00", async () => pairs(await spark.read.format("delta").load(dir).collect()));
  assert.deepEqual(offset[0], ["1", "2021-09-08T02:11:11.000Z"]);
});

test("a filter on the partition column prunes in the session zone: matching files are kept, others skipped", async () => {
  // Under Pacific time files 2 and 3 are after 05:00Z on the 9th and file 1 is not. Parsed in UTC
  // (a pruner out of step with the reader) files 2 and 3 would be before it and dropped.
  const dir = await table("prune", true);
  const after5 = lit(new Date("2021-09-09T05:00:00Z"));
  const got = await withZone("America/Los_Angeles", async () => pairs(await spark.read.format("delta").load(dir).filter(col("ts").gt(after5)).collect()));
  assert.deepEqual(got, [["2", FILES[1].pacific], ["3", FILES[2].pacific]], "the corrupt file 1 was skipped, no matching row lost");
  // An equality on an exact Pacific instant keeps exactly its file.
  const eq = await withZone("America/Los_Angeles", async () =>
    pairs(await spark.read.format("delta").load(dir).filter(col("ts").equalTo(lit(new Date(FILES[2].pacific)))).collect()),
  );
  assert.deepEqual(eq, [["3", FILES[2].pacific]]);
  // In UTC (no session zone) every value is before 05:00Z on the 9th: all files are skipped.
  const utc = pairs(await spark.read.format("delta").load(dir).filter(col("ts").gt(after5)).collect());
  assert.deepEqual(utc, []);
});

test("worker threads and streaming reads use the session zone too", async () => {
  const dir = await table("workers");
  spark.conf.set("sluice.exec.workers", 2);
  spark.conf.set("sluice.exec.parallelMinBytes", 0);
  try {
    const rows = await withZone("America/Los_Angeles", async () => pairs(await spark.read.format("delta").load(dir).collect()));
    assert.deepEqual(rows, FILES.map((f) => [String(f.id), f.pacific]));
  } finally {
    spark.conf.unset("sluice.exec.workers");
    spark.conf.unset("sluice.exec.parallelMinBytes");
  }
  const sinkName = `delta_time_zone_${Date.now()}`;
  const stream = await withZone("America/Los_Angeles", async () => spark.readStream.format("delta").load(dir));
  const q = stream.writeStream.format("memory").queryName(sinkName).trigger({ availableNow: true }).start();
  await q.awaitTermination();
  assert.deepEqual(pairs(await spark.table(sinkName).collect()), FILES.map((f) => [String(f.id), f.pacific]), "recorded at load(), as the DataFrame was defined");
});

test("spark.sql.session.timeZone is checked when set; other sources are unaffected by it", async () => {
  assert.throws(() => spark.conf.set(ZONE, "America/Los_Angles"), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, `session: option 'spark.sql.session.timeZone' must be a time zone such as 'UTC', 'America/Los_Angeles' or '+08:00', got "America/Los_Angles"`);
    return true;
  });
  assert.equal(spark.conf.get(ZONE), undefined, "a refused value is not kept");
  const ms = new MemoryStream("id BIGINT", `tz_memory_${Date.now()}`);
  ms.addData([{ id: 1n }]);
  const rows = await withZone("Europe/Paris", async () => {
    const q = spark.readStream.format("memory").option("name", ms.name).load().writeStream.format("memory").queryName(`${ms.name}_out`).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    return spark.table(`${ms.name}_out`).collect();
  });
  assert.deepEqual(rows.map((r) => r.id), [1n]);
  const jsonDir = join(base, "json");
  mkdirSync(jsonDir);
  writeFileSync(join(jsonDir, "a.json"), '{"id": 7}\n');
  const json = await withZone("Asia/Tokyo", async () => spark.read.format("json").schema("id BIGINT").load(jsonDir).collect());
  assert.deepEqual(json.map((r) => r.id), [7n]);
});
