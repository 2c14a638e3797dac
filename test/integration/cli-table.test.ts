/**
 * `sluice table …` and `sluice query …` as a user runs them (child processes of bin/sluice.mjs) on
 * Delta tables written by sluice in a temp folder: the output names the right versions,
 * operations and rows; errors are one line with exit 1; usage errors exit 2 with the help.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchFromRows } from "../../src/columnar/build.js";
import { LocalStorage } from "../../src/storage/local.js";
import { appendToTable } from "../../src/tables/delta/append.js";
import { loadSnapshot } from "../../src/tables/delta/snapshot.js";
import { DateType, LongType, StringType, StructField, StructType } from "../../src/types/data-types.js";
import { runSluice } from "../support/sluice-cli.js";
import type { RunResult } from "../support/sluice-cli.js";

let dir = "";
let storage: LocalStorage;
const SCHEMA = StructType([StructField("id", LongType()), StructField("day", DateType()), StructField("kind", StringType())]);
const rows: { id: bigint; day: number; kind: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sluice-cli-table-"));
  storage = new LocalStorage(dir, { fsync: false });
  for (const [from, n] of [
    [0, 30],
    [30, 12],
  ]) {
    const batch = Array.from({ length: n }, (_, k) => ({ id: BigInt(from + k), day: 20_000 + ((from + k) % 4), kind: (from + k) % 3 === 0 ? "x" : "y" }));
    rows.push(...batch);
    await appendToTable(storage, "t", [batchFromRows(SCHEMA, batch)], { schema: SCHEMA, partitionBy: ["day"] });
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function sluice(...args: string[]): Promise<RunResult> {
  return runSluice(args, { timeoutMs: 60_000 });
}

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

test("table describe: version, partition columns, files, size and the schema tree", async () => {
  const snap = await loadSnapshot(storage, "t");
  const out = ok(await sluice("table", "describe", join(dir, "t")));
  assert.match(out, /^format\s+delta$/m);
  assert.match(out, /^version\s+1$/m);
  assert.match(out, new RegExp(`^id\\s+${snap.metadata.id}$`, "m"));
  assert.match(out, /^protocol\s+minReaderVersion 1, minWriterVersion 2$/m);
  assert.match(out, /^partition columns\s+day$/m);
  assert.match(out, new RegExp(`^files\\s+${snap.files.length}$`, "m"));
  assert.match(out, /^rows\s+42$/m);
  assert.ok(out.includes("root\n |-- id: long (nullable = true)\n |-- day: date (nullable = true)\n |-- kind: string (nullable = true)\n"), out);

  const json = JSON.parse(ok(await sluice("table", "describe", join(dir, "t"), "--json"))) as Record<string, unknown>;
  assert.equal(json.version, 1);
  assert.equal(json.numFiles, snap.files.length);
  assert.equal(json.sizeInBytes, snap.files.reduce((s, f) => s + f.size, 0));
  assert.equal(json.numRecords, 42);
  assert.deepEqual(json.partitionColumns, ["day"]);
  assert.equal(json.location, `file://${join(dir, "t")}`);
});

test("query: per-partition aggregates over the Delta table equal the rows written", async () => {
  const sql = `SELECT day, kind, count(*) AS n, sum(id) AS s FROM delta.\`${join(dir, "t")}\` GROUP BY ALL ORDER BY day, kind`;
  const lines = ok(await sluice("query", sql, "--format", "json")).trim().split("\n");
  const expected = new Map<string, { day: string; kind: string; n: number; s: number }>();
  for (const r of rows) {
    const day = new Date(r.day * 86_400_000).toISOString().slice(0, 10);
    const e = expected.get(`${day}|${r.kind}`) ?? { day, kind: r.kind, n: 0, s: 0 };
    e.n++;
    e.s += Number(r.id);
    expected.set(`${day}|${r.kind}`, e);
  }
  const want = [...expected.values()].sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.kind < b.kind ? -1 : 1));
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    want,
  );

  const table = ok(await sluice("query", `SELECT count(*) AS n FROM delta.\`${join(dir, "t")}\``));
  assert.equal(table, "+---+\n|  n|\n+---+\n| 42|\n+---+\n");
  const csv = ok(await sluice("query", `SELECT kind, count(*) AS n FROM delta.\`${join(dir, "t")}\` GROUP BY kind ORDER BY kind`, "--format=csv"));
  assert.equal(csv, `kind,n\nx,${rows.filter((r) => r.kind === "x").length}\ny,${rows.filter((r) => r.kind === "y").length}\n`);
});

test("optimize, vacuum and history: the commits show up with their operations", async () => {
  const opt = ok(await sluice("table", "optimize", join(dir, "t"), "--where", "day = DATE'2024-10-04'"));
  assert.match(opt, /compacted 2 files .* into 1 .* in 1 partition; committed version 2/);
  const dry = ok(await sluice("table", "vacuum", join(dir, "t"), "--retain", "0", "--dry-run", "--no-retention-check"));
  const listed = dry.split("\n").filter((l) => l.startsWith("  day="));
  assert.equal(listed.length, 2, dry);
  for (const l of listed) assert.ok(existsSync(join(dir, "t", l.trim())), "a dry run deletes nothing");
  const vac = ok(await sluice("table", "vacuum", join(dir, "t"), "--retain", "0", "--no-retention-check"));
  assert.match(vac, /deleted 2 files .* versions 3 \(VACUUM START\) and 4 \(VACUUM END\)/);
  for (const l of listed) assert.ok(!existsSync(join(dir, "t", l.trim())), "vacuum deleted the compacted files");

  const history = JSON.parse(ok(await sluice("table", "history", join(dir, "t"), "--json", "--limit", "4"))) as { version: number; operation: string; timestamp: string }[];
  assert.deepEqual(
    history.map((h) => [h.version, h.operation]),
    [
      [4, "VACUUM END"],
      [3, "VACUUM START"],
      [2, "OPTIMIZE"],
      [1, "WRITE"],
    ],
  );
  assert.ok(history.every((h) => !Number.isNaN(Date.parse(h.timestamp))));
  const text = ok(await sluice("table", "history", join(dir, "t")));
  assert.match(text, /^\|version\|timestamp\s*\|operation\s*\|operationParameters\s*\|operationMetrics\s*\|$/m);
  assert.match(text, /^\|0\s+\|\d{4}-\d\d-\d\dT[^|]+Z\|WRITE\s+\|mode=Append, partitionBy=\["day"\]\s*\|numOutputRows=30, numFiles=\d+, numOutputBytes=\d+\s*\|$/m);
  assert.match(text, /^\|2\s+\|[^|]+\|OPTIMIZE\s+\|/m);

  const after = JSON.parse(ok(await sluice("query", `SELECT count(*) AS n, sum(id) AS s FROM delta.\`${join(dir, "t")}\``, "--format", "json"))) as unknown;
  assert.deepEqual(after, { n: 42, s: (41 * 42) / 2 }, "the table's rows are unchanged");
});

test("errors: one line and exit 1 for a missing table; exit 2 with the help for bad usage; --help exits 0", async () => {
  const missing = await sluice("table", "describe", join(dir, "nope"));
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim().split("\n").length, 1, missing.stderr);
  assert.match(missing.stderr, /^sluice table describe: .*nope is not a Delta table/);

  const badSql = await sluice("query", `SELECT nope FROM delta.\`${join(dir, "t")}\``);
  assert.equal(badSql.code, 1);
  assert.match(badSql.stderr, /^sluice query: .*nope/);
  assert.equal(badSql.stderr.trim().split("\n").length, 1, badSql.stderr);

  const usage = await sluice("table", "history", join(dir, "t"), "--limit", "zero");
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--limit' must be an integer/);
  assert.match(usage.stderr, /Usage: sluice table/);

  const noSub = await sluice("table");
  assert.equal(noSub.code, 2);
  const noSql = await sluice("query");
  assert.equal(noSql.code, 2);
  assert.match(noSql.stderr, /Usage: sluice query/);

  const help = await sluice("table", "vacuum", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--dry-run/);
  const main = await sluice("--help");
  assert.match(main.stdout, /sluice query/);
  assert.match(main.stdout, /sluice demo/);
  assert.match(main.stdout, /sluice table/);
});

test("query is locked to the tables it names: escapes exit 1 with one line; --unsafe lifts the lock; --help says so", async () => {
  const csv = join(dir, "plain.csv");
  writeFileSync(csv, "a,b\n1,x\n2,y\n");
  for (const sql of [`SELECT * FROM read_csv('${csv}')`, `COPY (SELECT 1) TO '${join(dir, "copied.csv")}'`, "INSTALL httpfs", `ATTACH '${join(dir, "x.duckdb")}'`]) {
    const r = await sluice("query", sql);
    assert.equal(r.code, 1, `${sql}: exit ${String(r.code)}\n${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^sluice query: .*--unsafe to lift the lock/);
  }
  assert.equal(existsSync(join(dir, "copied.csv")), false);
  assert.equal(ok(await sluice("query", `SELECT sum(a) AS s FROM read_csv('${csv}')`, "--unsafe", "--format", "csv")), "s\n3\n");
  // A legit query over a named table runs under the lock.
  assert.equal(ok(await sluice("query", `SELECT count(*) AS n FROM delta.\`${join(dir, "t")}\``, "--format", "csv")), `n\n${rows.length}\n`);
  const help = ok(await sluice("query", "--help"));
  assert.match(help, /locked to the tables it names/);
  assert.match(help, /--unsafe/);
});
