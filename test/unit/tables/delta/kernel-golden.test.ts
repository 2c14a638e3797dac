/**
 * Delta kernel "golden tables" conformance: every archive under shared/fixtures/delta/kernel-golden
 * is unpacked once into a temp folder (zstd through sluice's own codec, then `tar`'s reader; no
 * zstd binary needed) and checked:
 * - a table with an `expected/` folder (Parquet written by Spark) is read with readDeltaTable and
 *   compared, order-insensitively and exactly (timestamps to the microsecond), with those rows read
 *   by DuckDB;
 * - a table needing a reader feature sluice does not support is refused with an error naming it;
 * - a table that cannot be reconstructed (corrupt log, missing versions …) fails with the right error;
 * - a table without `expected/` gets the assertions of the Delta test that uses it.
 * Every table not in the default "read and compare" class is listed in {@link CASES} with the reason.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnpackSync } from "tar";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import type { DeltaTableContent, ReadDeltaTableOptions } from "../../../../src/tables/delta/table-reader.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import type { DeltaSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { LogReplay } from "../../../../src/tables/delta/log-replay.js";
import { parseAction } from "../../../../src/tables/delta/actions.js";
import { formatDecimal, valueAt } from "../../../../src/columnar/values.js";
import { isValid } from "../../../../src/columnar/vector.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import type { DataType, StructField } from "../../../../src/types/data-types.js";
import { AnalysisError, SourceError } from "../../../../src/errors.js";
import { loadCodec, zstdDecompress } from "../../../../src/formats/compression/codec.js";
import { fixtureFolder } from "../../../support/fixtures.js";

const { dir: ARCHIVES, skip } = fixtureFolder("delta/kernel-golden");

type ErrorClass = typeof AnalysisError | typeof SourceError;

/**
 * Every table that is not "read and compare with expected/" (and the few that are, with extra
 * options or assertions), with the reason. Tables absent from here must have an `expected/` folder.
 */
const CASES: Readonly<Record<string, Expectation>> = {
  // Spark wrote the zone-less partition value `as_timestamp=2021-09-08 11:11:11` in its session time
  // zone and read the expected rows back in that zone (2021-09-08T18:11:11Z). Spark's test harness
  // (SharedSparkSession, which Delta's golden table generator runs under) pins the session time zone
  // to America/Los_Angeles; no commitInfo records it. delta-kernel-rs skips this table for the same
  // reason ("needs 2021-09-08T11:11:11+00:00 as expected value").
  "data-reader-partition-values": { kind: "rows", options: { timeZone: "America/Los_Angeles" }, why: "zone-less timestamp partition value" },
  // delta-kernel-java also asserts the latest txn version per appId on this table.
  "deltalog-getChanges": {
    kind: "rows",
    why: "also checks txns",
    also: async (dir) => {
      const s = await loadSnapshot(localFileSystem(), keyOf(join(dir, "delta")));
      assert.equal(s.txns.get("fakeAppId")?.version, 3);
      assert.equal(s.txns.has("nonExistentAppId"), false);
    },
  },

  // Reader features sluice does not support: refused, naming the feature.
  "data-reader-timestamp_ntz-id-mode": { kind: "refused", feature: "columnMapping" },
  "data-reader-timestamp_ntz-name-mode": { kind: "refused", feature: "columnMapping" },
  "data-skipping-basic-stats-all-types-columnmapping-id": { kind: "refused", feature: "columnMapping" },
  "data-skipping-basic-stats-all-types-columnmapping-name": { kind: "refused", feature: "columnMapping" },
  "table-with-columnmapping-mode-id": { kind: "refused", feature: "columnMapping" },
  "table-with-columnmapping-mode-name": { kind: "refused", feature: "columnMapping" },
  "dv-partitioned-with-checkpoint": { kind: "refused", feature: "deletionVectors" },
  "dv-with-columnmapping": { kind: "refused", feature: "deletionVectors" },
  "log-replay-dv-key-cases": { kind: "refused", feature: "deletionVectors" },
  "v2-checkpoint-json": { kind: "refused", feature: "v2Checkpoint" },
  "v2-checkpoint-parquet": { kind: "refused", feature: "v2Checkpoint" },

  // Tables that cannot be reconstructed: Delta's tests expect a failure.
  "deltalog-invalid-protocol-version": { kind: "fails", error: AnalysisError, message: /requires reader version 99/, why: "minReaderVersion 99" },
  "deltalog-state-reconstruction-without-metadata": { kind: "fails", error: SourceError, message: /has no metaData action/, why: "no metaData in the log" },
  "deltalog-state-reconstruction-without-protocol": { kind: "fails", error: SourceError, message: /has no protocol action/, why: "no protocol in the log" },
  "deltalog-state-reconstruction-from-checkpoint-missing-metadata": {
    kind: "fails",
    error: SourceError,
    message: /version 10 .* has no metaData action/,
    why: "the checkpoint at 10 lacks metaData",
  },
  // The checkpoint lacks protocol, and its metaData (written by Delta Standalone) also lacks the
  // schemaString PROTOCOL.md requires; that malformation is met first (metaData is parsed while the
  // checkpoint is read), so the error names it rather than the missing protocol.
  "deltalog-state-reconstruction-from-checkpoint-missing-protocol": {
    kind: "fails",
    error: SourceError,
    message: /metaData\.schemaString is missing .*00000000000000000010\.checkpoint\.parquet/,
    why: "the checkpoint at 10 lacks protocol (and schemaString)",
  },
  "no-delta-log-folder": { kind: "fails", error: AnalysisError, message: /no Delta table at .*no-delta-log-folder/, why: "data files but no _delta_log" },
  "versions-not-contiguous": { kind: "fails", error: AnalysisError, message: /commit 1 is missing/, why: "commits 0 and 2 only" },
  // Written by Delta Standalone for log-level tests (commitInfo, listing): metaData has no
  // schemaString, which PROTOCOL.md requires, so no reader can read these tables' data.
  "deltalog-commit-info": { kind: "fails", error: SourceError, message: /metaData\.schemaString is missing/, why: "metaData without schemaString" },
  "update-deleted-directory": { kind: "fails", error: SourceError, message: /metaData\.schemaString is missing/, why: "metaData without schemaString" },

  // No expected/ folder: the assertions Delta's own tests make on these logs.
  "canonicalized-paths-normal-a": { kind: "check", why: "add '/p', remove 'file:/p' cancel", check: (dir) => expectNoFilesAtVersion1(dir) },
  "canonicalized-paths-normal-b": { kind: "check", why: "add '/p', remove 'file:///p' cancel", check: (dir) => expectNoFilesAtVersion1(dir) },
  "canonicalized-paths-special-a": { kind: "check", why: "escaped add and file:/ remove cancel", check: (dir) => expectNoFilesAtVersion1(dir) },
  "canonicalized-paths-special-b": { kind: "check", why: "escaped add and file:/// remove cancel", check: (dir) => expectNoFilesAtVersion1(dir) },
  checkpoint: {
    kind: "check",
    why: "log-only table (data files are not shipped): version 14 from the checkpoint at 10, one live file",
    check: async (dir) => {
      const s = await loadSnapshot(localFileSystem(), keyOf(join(dir, "delta")));
      assert.equal(s.version, 14);
      assert.deepEqual(
        s.files.map((f) => f.path),
        ["15"],
      );
    },
  },
  "delete-re-add-same-file-different-transactions": {
    kind: "check",
    why: "log-only: 'foo' added, removed, added again in later commits stays live with the latest add",
    check: async (dir) => {
      const s = await loadSnapshot(localFileSystem(), keyOf(join(dir, "delta")));
      assert.deepEqual(
        s.files.map((f) => [f.path, f.modificationTime]),
        [
          ["bar", 1697064972263],
          ["foo", 1700000000000],
        ],
      );
    },
  },
  "log-replay-special-characters-b": {
    kind: "check",
    why: "log-only: the path 'special%20p@%23h' decodes to 'special p@#h', which is the file looked for",
    check: async (dir) => {
      const key = keyOf(join(dir, "delta"));
      const s = await loadSnapshot(localFileSystem(), key);
      assert.deepEqual(
        s.files.map((f) => [f.path, f.rawPath]),
        [["special p@#h", "special%20p@%23h"]],
      );
      await assert.rejects(readDeltaTable(localFileSystem(), key), (e: unknown) => e instanceof SourceError && e.message.includes("/delta/special p@#h"));
    },
  },
  "data-reader-absolute-paths-escaped-chars": {
    kind: "check",
    why: "log-only and without metaData (refused); replaying its adds decodes 'bar%2Dbar' to 'bar-bar'",
    check: async (dir) => {
      const key = keyOf(join(dir, "delta"));
      await assert.rejects(loadSnapshot(localFileSystem(), key), /has no metaData action/);
      const replay = new LogReplay();
      for (const v of [0, 1]) {
        const text = readFileSync(join(dir, "delta", "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8");
        for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
          const action = parseAction(JSON.parse(line), `commit ${v}`);
          if (action !== null) replay.apply(action);
        }
      }
      assert.deepEqual([...replay.state().files.keys()].sort(), [
        "..//Users/scott.sandre/connectors/golden-tables/src/test/resources/golden/data-reader-absolute-paths-escaped-chars/foo.snappy.parquet",
        "bar-bar.snappy.parquet",
      ]);
    },
  },
  hive: {
    kind: "check",
    why: "a folder of tables for the Hive connector tests: each read equals its live files read by DuckDB",
    check: async (dir) => {
      const names = readdirSync(join(dir, "delta"));
      assert.equal(names.length, 11);
      for (const name of names) await expectSameAsDuckDb(join(dir, "delta", name));
    },
  },
};

/** What a golden table must do; tables absent from {@link CASES} are `{ kind: "rows" }`. */
type Expectation =
  /** Read (with `options`) and equal the rows of `expected/`; then run `also`. */
  | {
      readonly kind: "rows";
      readonly options?: ReadDeltaTableOptions;
      readonly why?: string;
      readonly also?: (tableDir: string) => Promise<void>;
    }
  /** Refused with an AnalysisError naming `feature`. */
  | { readonly kind: "refused"; readonly feature: string }
  /** Reading fails with `error` whose message matches `message`. */
  | { readonly kind: "fails"; readonly error: ErrorClass; readonly message: RegExp; readonly why: string }
  /** No `expected/` folder: the assertions of the Delta test that uses the table. */
  | { readonly kind: "check"; readonly why: string; readonly check: (tableDir: string) => Promise<void> }
  /** Not checked, with the reason. */
  | { readonly kind: "skipped"; readonly reason: string };

const root = mkdtempSync(join(tmpdir(), "sluice-kernel-golden-"));
after(() => rmSync(root, { recursive: true, force: true }));
const archives = existsSync(ARCHIVES) ? readdirSync(ARCHIVES).filter((n) => n.endsWith(".tar.zst")) : [];
if (archives.length > 0) await loadCodec("zstd");
for (const a of archives) unpackTarZst(join(ARCHIVES, a), root);
const tables = archives.map((a) => a.slice(0, -".tar.zst".length));

test("the kernel golden archives unpack into one table folder each", { skip }, () => {
  assert.ok(tables.length >= 88, `expected the kernel golden archives at ${ARCHIVES}`);
  for (const t of tables) assert.ok(existsSync(join(root, t, "delta")), `${t}.tar.zst holds no ${t}/delta`);
  for (const name of Object.keys(CASES)) assert.ok(tables.includes(name), `CASES names ${name}, which is not an archive`);
});

let connection: Promise<DuckDBConnection> | undefined;
function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(":memory:").then((db) => db.connect());
  return connection;
}

for (const name of tables) {
  const dir = join(root, name);
  const expectation: Expectation = CASES[name] ?? { kind: "rows" };
  const label = `golden ${name}${expectation.kind === "rows" ? "" : ` (${expectation.kind === "refused" ? `refused: ${expectation.feature}` : expectation.kind})`}`;
  switch (expectation.kind) {
    case "skipped":
      test(label, { skip: expectation.reason }, () => undefined);
      break;
    case "rows":
      test(label, async () => {
        assert.ok(existsSync(join(dir, "expected")), `${name} has no expected/ folder: list it in CASES`);
        const table = await readDeltaTable(localFileSystem(), keyOf(join(dir, "delta")), expectation.options ?? {});
        const sql = `SELECT * FROM read_parquet('${join(dir, "expected")}/*.parquet', hive_partitioning = false)`;
        await assertSameRows(table, sql);
        await expectation.also?.(dir);
      });
      break;
    case "refused":
      test(label, async () => {
        await assert.rejects(readDeltaTable(localFileSystem(), keyOf(join(dir, "delta"))), (e: unknown) => {
          assert.ok(e instanceof AnalysisError, `expected an AnalysisError, got ${String(e)}`);
          assert.match(e.message, new RegExp(`requires reader features? .*'${expectation.feature}'.*, which sluice does not support`));
          return true;
        });
      });
      break;
    case "fails":
      test(label, async () => {
        await assert.rejects(readDeltaTable(localFileSystem(), keyOf(join(dir, "delta"))), (e: unknown) => {
          assert.ok(e instanceof expectation.error, `expected a ${expectation.error.name}, got ${String(e)}`);
          assert.match(e.message, expectation.message);
          return true;
        });
      });
      break;
    case "check":
      test(label, () => expectation.check(dir));
      break;
  }
}

/**
 * Time travel: the golden tables come in chains where each table is the previous one plus commits
 * (Delta's generator copies the table after each step), so an older version of a longer table must
 * read exactly as the shorter table's expected rows. [table, version, table whose expected/ to match]
 */
const TIME_TRAVEL: readonly (readonly [string, number, string])[] = [
  ["time-travel-start-start20-start40", 0, "time-travel-start"],
  ["time-travel-start-start20-start40", 1, "time-travel-start-start20"],
  ["time-travel-start-start20", 0, "time-travel-start"],
  ["time-travel-schema-changes-b", 0, "time-travel-schema-changes-a"],
  ["time-travel-partition-changes-b", 0, "time-travel-partition-changes-a"],
  ["snapshot-data3", 0, "snapshot-data0"],
  ["snapshot-data3", 1, "snapshot-data1"],
  ["snapshot-data3", 2, "snapshot-data2"],
  ["snapshot-data2-deleted", 2, "snapshot-data2"],
];

for (const [name, version, like] of TIME_TRAVEL) {
  test(`golden ${name} at version ${version} reads as ${like}`, { skip }, async () => {
    const table = await readDeltaTable(localFileSystem(), keyOf(join(root, name, "delta")), { version });
    assert.equal(table.version, version);
    await assertSameRows(table, `SELECT * FROM read_parquet('${join(root, like, "expected")}/*.parquet', hive_partitioning = false)`);
  });
}

// Every classic checkpoint must reconstruct the same state as replaying the JSON commits it
// summarises: the snapshot loaded through the checkpoint equals the one loaded from a copy of the
// log without checkpoints. Tables expected to fail are left to their own case.
for (const name of tables) {
  const kind = (CASES[name] ?? { kind: "rows" }).kind;
  if (kind !== "rows" && kind !== "check") continue;
  const log = join(root, name, "delta", "_delta_log");
  if (!existsSync(log)) continue;
  const entries = readdirSync(log);
  const checkpoints = entries.filter((e) => /^\d{20}\.checkpoint(\.\d{10}\.\d{10})?\.parquet$/.test(e));
  if (checkpoints.length === 0) continue;
  const cpVersion = Math.max(...checkpoints.map((c) => Number(c.slice(0, 20))));
  if (!entries.includes(`${String(cpVersion).padStart(20, "0")}.json`) || !entries.includes(`${"0".padStart(20, "0")}.json`)) continue;
  test(`golden ${name}: checkpoint replay equals JSON replay`, async () => {
    const viaCheckpoint = await loadSnapshot(localFileSystem(), keyOf(join(root, name, "delta")));
    const copy = mkdtempSync(join(tmpdir(), "sluice-kernel-golden-json-"));
    try {
      cpSync(log, join(copy, "_delta_log"), { recursive: true, filter: (src) => !src.includes(".checkpoint") && !src.endsWith("_last_checkpoint") });
      const viaJson = await loadSnapshot(localFileSystem(), keyOf(copy));
      assert.equal(viaCheckpoint.version, viaJson.version);
      assert.deepEqual(viaCheckpoint.protocol, viaJson.protocol);
      assert.deepEqual(viaCheckpoint.metadata, viaJson.metadata);
      const txns = (s: DeltaSnapshot) => [...s.txns.values()].sort((a, b) => (a.appId < b.appId ? -1 : 1));
      assert.deepEqual(txns(viaCheckpoint), txns(viaJson));
      const summary = (s: DeltaSnapshot) => s.files.map((f) => JSON.stringify([f.path, f.partitionValues, f.size, f.modificationTime, f.deletionVector ?? null]));
      assert.deepEqual(summary(viaCheckpoint), summary(viaJson));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
}

/** Unpacks a `.tar.zst` archive into `into`: one zstd frame holding a tar stream. */
function unpackTarZst(archive: string, into: string): void {
  const tar = zstdDecompress(readFileSync(archive));
  new UnpackSync({ cwd: into, strict: true }).end(Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength));
}

async function expectNoFilesAtVersion1(dir: string): Promise<void> {
  const s = await loadSnapshot(localFileSystem(), keyOf(join(dir, "delta")));
  assert.equal(s.version, 1);
  assert.deepEqual(s.files, []);
}

/**
 * Reads the table at `tableDir` and compares it with its live files read by DuckDB, partition
 * columns taken from the log's partition values (the Hive tables' partition columns are strings).
 */
async function expectSameAsDuckDb(tableDir: string): Promise<void> {
  const key = keyOf(tableDir);
  const snapshot = await loadSnapshot(localFileSystem(), key);
  const table = await readDeltaTable(localFileSystem(), key);
  const parts = snapshot.files.map((f) => {
    const consts = snapshot.metadata.partitionColumns.map((c) => {
      const v = f.partitionValues[c];
      return `${v === null || v === undefined ? "NULL" : `'${v.replaceAll("'", "''")}'`}::VARCHAR AS "${c}"`;
    });
    return `SELECT *${consts.map((c) => `, ${c}`).join("")} FROM read_parquet('${join(tableDir, f.path).replaceAll("'", "''")}', hive_partitioning = false)`;
  });
  assert.ok(parts.length > 0, `no live files in ${tableDir}`);
  await assertSameRows(table, parts.join(" UNION ALL BY NAME "));
}

/**
 * Asserts that `table`'s rows equal, as a multiset, the rows of the DuckDB query `sql` (columns
 * matched to the table schema by name, ignoring case). Flat tables of integral, decimal, boolean,
 * date and timestamp columns are compared as text built by DuckDB itself (fast for the tables with
 * a million rows); others value by value through DuckDB's JSON rows.
 */
async function assertSameRows(table: DeltaTableContent, sql: string): Promise<void> {
  const c = await duck();
  const described = await c.runAndReadAll(`DESCRIBE ${sql}`);
  const names = described.getRowObjectsJson().map((r) => String(r.column_name));
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n] as const));
  const fields = table.schema.fields;
  for (const f of fields) assert.ok(byLower.has(f.name.toLowerCase()), `expected content lacks column ${f.name} (has ${names.join(",")})`);
  assert.equal(names.length, fields.length, `expected columns ${names.join(",")}`);
  const source = (f: StructField) => `"${byLower.get(f.name.toLowerCase()) ?? f.name}"`;
  if (fields.every((f) => FLAT_TYPES.has(f.dataType.typeName))) {
    // Text rows, ASCII only, so DuckDB's ORDER BY and JavaScript's sort agree; DuckDB's rows are
    // streamed chunk by chunk against ours instead of being held (two tables have a million rows).
    const actual: string[] = [];
    for (const b of table.batches) {
      const columns = b.columns.map(flatTexts);
      for (let i = 0; i < b.numRows; i++) {
        let row = columns[0][i];
        for (let k = 1; k < columns.length; k++) row += "|" + columns[k][i];
        actual.push(row);
      }
    }
    actual.sort();
    const exprs = fields.map((f) => `COALESCE(${flatSql(source(f), f.dataType)}, '~')`);
    const result = await c.stream(`SELECT ${exprs.join(" || '|' || ")} AS r FROM (${sql}) ORDER BY r`);
    let n = 0;
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (const value of chunk.getColumnValues(0)) {
        assert.ok(n < actual.length, `more rows expected than the ${actual.length} read`);
        // Report the first difference rather than diffing a million rows.
        assert.equal(actual[n], String(value), `sorted row ${n} differs`);
        n++;
      }
    }
    assert.equal(actual.length, n, "row count");
    return;
  }
  const reader = await c.runAndReadAll(`SELECT ${fields.map((f) => `${source(f)} AS "${f.name}"`).join(", ")} FROM (${sql})`);
  const expected = (reader.getRowObjectsJson() as Record<string, unknown>[]).map((r) => JSON.stringify(fields.map((f) => theirs(r[f.name], f.dataType))));
  const actual: string[] = [];
  for (const b of table.batches) {
    for (let i = 0; i < b.numRows; i++) actual.push(JSON.stringify(fields.map((f, k) => ours(b.columns[k], i, f.dataType))));
  }
  assert.deepEqual(actual.sort(), expected.sort());
}

const FLAT_TYPES: ReadonlySet<string> = new Set(["byte", "short", "integer", "long", "decimal", "boolean", "date", "timestamp", "timestamp_ntz"]);

/** DuckDB text of a flat column: integers and decimals as printed, dates as epoch days, timestamps as epoch µs. */
function flatSql(column: string, t: DataType): string {
  switch (t.typeName) {
    case "date":
      return `CAST(${column} - DATE '1970-01-01' AS VARCHAR)`;
    case "timestamp":
    case "timestamp_ntz":
      return `CAST(epoch_us(${column}) AS VARCHAR)`;
    default:
      return `CAST(${column} AS VARCHAR)`;
  }
}

/** Our text of every slot of a flat column, as {@link flatSql} prints it. */
function flatTexts(v: Vector): string[] {
  const out = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    if (!isValid(v, i)) {
      out[i] = "~";
      continue;
    }
    switch (v.kind) {
      case "i64":
      case "i32":
      case "i16":
      case "i8":
        out[i] = String(v.values[i]);
        break;
      case "bool":
        out[i] = v.values[i] === 1 ? "true" : "false";
        break;
      case "decimal":
        out[i] = v.type.scale === 0 ? v.values[i].toString() : formatDecimal(v.values[i], v.type.scale);
        break;
      default:
        assert.fail(`flat comparison of a ${v.kind} vector`);
    }
  }
  return out;
}

/** Storage keys of the local file system are absolute paths without the leading slash. */
function keyOf(path: string): string {
  return path.replace(/^\/+/, "");
}

/** Slot `i` of our vector in a canonical JSON form (timestamps as microseconds). */
function ours(v: Vector, i: number, t: DataType): unknown {
  if (!isValid(v, i)) return null;
  switch (v.kind) {
    case "i64":
      return String(v.values[i]);
    case "struct":
      if (t.typeName !== "struct") break;
      return t.fields.map((f, k) => ours(v.children[k], i, f.dataType));
    case "list": {
      if (t.typeName !== "array") break;
      const out: unknown[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) out.push(ours(v.child, k, t.elementType));
      return out;
    }
    case "map": {
      if (t.typeName !== "map") break;
      const out: unknown[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) out.push([ours(v.keys, k, t.keyType), ours(v.items, k, t.valueType)]);
      return out;
    }
    default:
      break;
  }
  const x = valueAt(v, i);
  switch (t.typeName) {
    case "float":
      return canonicalFloat(Math.fround(Number(x)));
    case "double":
      return canonicalFloat(Number(x));
    case "date":
      return (x as Date).toISOString().slice(0, 10);
    case "binary":
      return Buffer.from(x as Uint8Array).toString("hex");
    case "decimal":
      return canonicalDecimal(String(x));
    default:
      return x;
  }
}

/** DuckDB's JSON value in the same canonical form as {@link ours}. */
function theirs(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.typeName) {
    case "long":
      return String(v);
    case "timestamp":
    case "timestamp_ntz":
      return duckTimestampMicros(String(v));
    case "float":
      return canonicalFloat(Math.fround(Number(v)));
    case "double":
      return canonicalFloat(Number(v));
    case "date":
      return String(v);
    case "binary":
      return blobHex(String(v));
    case "decimal":
      return canonicalDecimal(String(v));
    case "struct":
      return t.fields.map((f) => theirs((v as Record<string, unknown>)[f.name], f.dataType));
    case "array":
      return (v as unknown[]).map((e) => theirs(e, t.elementType));
    case "map":
      return (v as { key: unknown; value: unknown }[]).map((e) => [theirs(e.key, t.keyType), theirs(e.value, t.valueType)]);
    default:
      return v;
  }
}

function canonicalFloat(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** A decimal string without trailing fractional zeros, so "1.50" and "1.5" compare equal. */
function canonicalDecimal(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** DuckDB prints TIMESTAMP as `yyyy-MM-dd HH:mm:ss[.ffffff]` and TIMESTAMPTZ with a `+HH[:mm]` offset. */
function duckTimestampMicros(s: string): string {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?)?$/.exec(s);
  assert.ok(m !== null, `unparsable DuckDB timestamp ${s}`);
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const ms = d.getTime() + ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1000;
  const offsetMinutes = m[8] === undefined ? 0 : (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? "0"));
  return String(BigInt(ms - offsetMinutes * 60_000) * 1000n + BigInt((m[7] ?? "").padEnd(6, "0")));
}

/** DuckDB prints blobs with printable ASCII as is and other bytes as `\xHH`. */
function blobHex(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "x") {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("hex");
}
