import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage } from "../../../../src/storage/local.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { IntegerType, LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { schemaToJson } from "../../../../src/types/json-schema.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { AnalysisError } from "../../../../src/errors.js";
import { query } from "../../formats/parquet/duckdb.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-append-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });

const SCHEMA = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("city", StringType())]);

function rows(from: number, n: number, city: (i: number) => string | null = () => "x"): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => ({ id: BigInt(from + k), name: `n${from + k}`, city: city(from + k) }));
}

/** The log replayed by hand: live `add` actions of every commit, in version order. */
function liveAdds(table: string): { path: string; partitionValues: Record<string, string | null> }[] {
  const logDir = join(dir, table, "_delta_log");
  const live = new Map<string, { path: string; partitionValues: Record<string, string | null> }>();
  for (const f of readdirSync(logDir).filter((n) => n.endsWith(".json")).sort()) {
    for (const line of readFileSync(join(logDir, f), "utf8").split("\n")) {
      if (line === "") continue;
      const a = JSON.parse(line) as { add?: { path: string; partitionValues: Record<string, string | null> }; remove?: { path: string } };
      if (a.add !== undefined) live.set(decodeURIComponent(a.add.path), a.add);
      if (a.remove !== undefined) live.delete(decodeURIComponent(a.remove.path));
    }
  }
  return [...live.entries()].map(([path, a]) => ({ path, partitionValues: a.partitionValues }));
}

/** Rows DuckDB reads from the live files, partition columns taken from the log. */
async function duckRows(table: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const a of liveAdds(table)) {
    const file = join(dir, table, a.path);
    assert.ok(existsSync(file), file);
    for (const r of await query(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}', hive_partitioning = false)`)) out.push({ ...r, ...a.partitionValues });
  }
  return out;
}

function normalize(rs: readonly Record<string, unknown>[]): string[] {
  return rs.map((r) => JSON.stringify({ id: String(r.id), name: r.name, city: r.city ?? null })).sort();
}

test("create, append twice: every row is read back by readDeltaTable and by DuckDB over the log", async () => {
  const r1 = await appendToTable(storage, "plain", [batchFromRows(SCHEMA, rows(0, 100))], { schema: SCHEMA });
  const r2 = await appendToTable(storage, "plain", [batchFromRows(SCHEMA, rows(100, 50)), batchFromRows(SCHEMA, rows(150, 25))], {
    schema: SCHEMA,
    txn: { appId: "query-1", version: 0 },
  });
  assert.deepEqual([r1.version, r2.version], [0, 1]);
  assert.equal(r2.numRows, 75);
  const snap = await loadSnapshot(storage, "plain");
  assert.equal(snap.version, 1);
  assert.deepEqual([snap.protocol.minReaderVersion, snap.protocol.minWriterVersion, snap.protocol.readerFeatures, snap.protocol.writerFeatures], [1, 2, undefined, undefined]);
  assert.equal(snap.metadata.schemaString, schemaToJson(SCHEMA));
  assert.deepEqual(snap.metadata.partitionColumns, []);
  assert.match(snap.metadata.id, /^[0-9a-f-]{36}$/);
  assert.equal(snap.txns.get("query-1")?.version, 0);
  assert.equal(snap.files.length, 2);
  const content = await readDeltaTable(storage, "plain");
  const expected = normalize(rows(0, 175));
  assert.deepEqual(normalize(content.batches.flatMap(batchToRows)), expected);
  assert.deepEqual(normalize(await duckRows("plain")), expected);
});

test("a partitioned table with the null partition and special characters", async () => {
  const cities = ["a b", "x/y:z=1%", "é#?", null, ""];
  const data = rows(0, 40, (i) => cities[i % cities.length]);
  const res = await appendToTable(storage, "parts", [batchFromRows(SCHEMA, data)], { schema: SCHEMA, partitionBy: ["city"], maxRecordsPerFile: 5 });
  assert.equal(res.files.length, 2 + 2 + 2 + 4); // partitions of 8, 8, 8 and 16 rows (null and "" are one), 5 rows per file
  const paths = res.files.map((f) => f.path);
  assert.ok(paths.some((p) => p.startsWith("city=__HIVE_DEFAULT_PARTITION__/part-00000-")));
  assert.ok(paths.some((p) => p.startsWith("city=x%252Fy%253Az%253D1%2525/")), paths.join("\n"));
  assert.ok(paths.some((p) => p.startsWith("city=a%20b/")), paths.join("\n"));
  for (const f of res.files) {
    assert.ok(f.partitionValues.city !== "", "the empty string is the null partition");
    const decoded = decodeURIComponent(f.path);
    assert.ok(existsSync(join(dir, "parts", decoded)), decoded);
  }
  assert.ok(existsSync(join(dir, "parts", "city=x%2Fy%3Az%3D1%25")), "Hive-escaped directory on disk");
  const expected = normalize(data.map((r) => ({ ...r, city: r.city === "" ? null : r.city })));
  const content = await readDeltaTable(storage, "parts");
  assert.deepEqual(normalize(content.batches.flatMap(batchToRows)), expected);
  assert.deepEqual(normalize(await duckRows("parts")), expected);
  await assert.rejects(
    appendToTable(storage, "parts", [], { schema: SCHEMA, partitionBy: ["name"] }),
    (e: unknown) => e instanceof AnalysisError && /partitionBy \(name\) differs/.test(e.message),
  );
  const other = StructType([StructField("id", IntegerType())]);
  await assert.rejects(appendToTable(storage, "parts", [], { schema: other }), /column 'id' has type bigint in the table but int in the data/);
});

test("concurrent appenders lose no commit: versions are dense and every row is present", async () => {
  await appendToTable(storage, "conc", [batchFromRows(SCHEMA, rows(0, 10))], { schema: SCHEMA });
  const n = 8;
  const results = await Promise.all(
    Array.from({ length: n }, (_, k) => appendToTable(storage, "conc", [batchFromRows(SCHEMA, rows(1000 * (k + 1), 20))], { schema: SCHEMA })),
  );
  assert.deepEqual(results.map((r) => r.version).sort((a, b) => (a ?? 0) - (b ?? 0)), Array.from({ length: n }, (_, k) => k + 1));
  const logFiles = readdirSync(join(dir, "conc", "_delta_log")).filter((f) => f.endsWith(".json")).sort();
  assert.deepEqual(logFiles, Array.from({ length: n + 1 }, (_, k) => `${String(k).padStart(20, "0")}.json`));
  const expected = normalize([...rows(0, 10), ...Array.from({ length: n }, (_, k) => rows(1000 * (k + 1), 20)).flat()]);
  const content = await readDeltaTable(storage, "conc");
  assert.deepEqual(normalize(content.batches.flatMap(batchToRows)), expected);
  assert.deepEqual(normalize(await duckRows("conc")), expected);
});

test("concurrent creators of a new table: one creates it, the others append", async () => {
  const results = await Promise.all(
    Array.from({ length: 4 }, (_, k) => appendToTable(storage, "racecreate", [batchFromRows(SCHEMA, rows(100 * k, 3))], { schema: SCHEMA })),
  );
  assert.deepEqual(results.map((r) => r.version).sort(), [0, 1, 2, 3]);
  const content = await readDeltaTable(storage, "racecreate");
  assert.equal(content.batches.reduce((s, b) => s + b.numRows, 0), 12);
});

test("a txn already recorded for the appId skips the append (exactly once)", async () => {
  const txn = { appId: "q-42", version: 3 };
  const first = await appendToTable(storage, "once", [batchFromRows(SCHEMA, rows(0, 5))], { schema: SCHEMA, txn, operation: "STREAMING UPDATE" });
  assert.equal(first.version, 0);
  const rerun = await appendToTable(storage, "once", [batchFromRows(SCHEMA, rows(0, 5))], { schema: SCHEMA, txn });
  const { timings, snapshot: _snapshot, ...rest } = rerun;
  assert.deepEqual(rest, { version: null, skipped: true, files: [], numRows: 0, configuration: null });
  assert.equal(timings.dataMs, 0, "a skipped append writes no data");
  const older = await appendToTable(storage, "once", [batchFromRows(SCHEMA, rows(0, 5))], { schema: SCHEMA, txn: { appId: "q-42", version: 2 } });
  assert.equal(older.skipped, true);
  const next = await appendToTable(storage, "once", [batchFromRows(SCHEMA, rows(5, 5))], { schema: SCHEMA, txn: { appId: "q-42", version: 4 } });
  assert.equal(next.version, 1);
  const snap = await loadSnapshot(storage, "once");
  assert.equal(snap.txns.get("q-42")?.version, 4);
  const content = await readDeltaTable(storage, "once");
  assert.deepEqual(normalize(content.batches.flatMap(batchToRows)), normalize(rows(0, 10)));
  // Only the committed files exist: a skipped batch writes nothing.
  assert.equal(readdirSync(join(dir, "once")).filter((f) => f.endsWith(".parquet")).length, 2);
});
