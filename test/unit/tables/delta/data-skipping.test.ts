/**
 * Delta data skipping: pruneFiles over real tables written by appendToTable (several files with
 * distinct ranges, partitions, nulls, long strings, big longs, NaN, dates and timestamps with
 * microseconds) and over the DAT fixtures. For thousands of generated predicates, bound with the
 * SQL parser and binder, every file holding a matching row (found by evaluating the predicate on
 * the file's rows) must be kept; clear cases must actually prune.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage } from "../../../../src/storage/local.js";
import type { Storage } from "../../../../src/storage/storage.js";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import type { Batch } from "../../../../src/columnar/batch.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import { isValid } from "../../../../src/columnar/vector.js";
import { decodeUtf8 } from "../../../../src/columnar/utf8.js";
import { formatDecimal } from "../../../../src/columnar/values.js";
import {
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
} from "../../../../src/types/data-types.js";
import type { DataType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import type { DeltaFile, DeltaSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaFile } from "../../../../src/tables/delta/table-reader.js";
import { pruneFiles } from "../../../../src/tables/delta/data-skipping.js";
import { parseExpression } from "../../../../src/sql/parser.js";
import { bindPredicate } from "../../../../src/plan/expressions/bind.js";
import type { BoundExpr } from "../../../../src/plan/expressions/bound.js";
import { compileExpr } from "../../../../src/exec/eval/compile.js";
import { formatDate, formatTimestamp } from "../../../../src/exec/eval/datetime.js";
import { fixtureFolder } from "../../../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-skipping-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });
const { dir: DAT, skip: datSkip } = fixtureFolder("delta/dat");

const LONG_PREFIX = "p".repeat(40);
const BIG = 2n ** 60n;
const TS_BASE = 1_700_000_000_000_000n;

const WIDE = StructType([
  StructField("id", LongType()),
  StructField("i", IntegerType()),
  StructField("sh", ShortType()),
  StructField("big", LongType()),
  StructField("d", DoubleType()),
  StructField("f", FloatType()),
  StructField("dec", DecimalType(10, 2)),
  StructField("s", StringType()),
  StructField("s2", StringType()),
  StructField("dt", DateType()),
  StructField("ts", TimestampType()),
  StructField("n", IntegerType()),
  StructField("st", StructType([StructField("a", IntegerType()), StructField("b", StringType())])),
]);

/** Six files; file k holds 20 rows with values in ranges of their own per column. */
function wideRows(k: number): Record<string, unknown>[] {
  return Array.from({ length: 20 }, (_, j) => ({
    id: BigInt(k * 100 + j),
    i: k * 1000 + j - 2500,
    sh: k * 3 + (j % 3),
    big: BIG + BigInt(k * 4 + (j % 4)),
    d: k === 2 && j === 7 ? Number.NaN : k === 3 && j === 0 ? -0 : k + j / 100,
    f: Math.fround(k * 1.1 + j * 0.01),
    dec: BigInt((k - 2) * 1000 + j),
    // Long strings sharing a 40-character prefix: stats are cut to 32 characters.
    s: j === 5 ? null : `${LONG_PREFIX}${k}${String(j).padStart(2, "0")}`,
    // Code point order differs from UTF-16 order between these two files.
    s2: k === 4 ? `\u{1F600}${j}` : k === 5 ? `\uFF5E${j}` : `${String.fromCharCode(97 + k)}${j}`,
    dt: 19000 + k * 30 + j,
    ts: TS_BASE + BigInt(k) * 3_600_000_000n + BigInt(j) * 1000n + 123n,
    n: k === 1 ? null : k === 2 && j % 2 === 0 ? null : k * 10 + (j % 7),
    st: k === 3 && j < 4 ? null : { a: k * 100 + j, b: j % 2 === 0 ? null : `b${k}` },
  }));
}

const PARTED = StructType([StructField("id", LongType()), StructField("v", StringType()), StructField("p", StringType()), StructField("pd", DateType())]);
const P_VALUES = ["a", "b", "c d", "\u00fc", null] as const;

/** One append per p value; each splits into files by pd. */
function partedRows(k: number): Record<string, unknown>[] {
  return Array.from({ length: 12 }, (_, j) => ({
    id: BigInt(k * 100 + j),
    v: `v${k}${j % 3}`,
    p: P_VALUES[k],
    pd: j % 4 === 3 ? null : 19000 + (j % 4) * 10,
  }));
}

interface Table {
  readonly storage: Storage;
  readonly key: string;
  readonly snapshot: DeltaSnapshot;
  readonly batches: ReadonlyMap<DeltaFile, readonly Batch[]>;
  /** The session time zone the files are read and pruned in (UTC when absent). */
  readonly timeZone?: string;
}

async function openTable(s: Storage, key: string, timeZone?: string): Promise<Table> {
  const snapshot = await loadSnapshot(s, key);
  const batches = new Map<DeltaFile, Batch[]>();
  for (const f of snapshot.files) batches.set(f, await readDeltaFile(s, key, snapshot, f, { timeZone }));
  return { storage: s, key, snapshot, batches, timeZone };
}

let wide: Promise<Table> | undefined;
function wideTable(): Promise<Table> {
  wide ??= (async () => {
    for (let k = 0; k < 6; k++) await appendToTable(storage, "wide", [batchFromRows(WIDE, wideRows(k))], { schema: WIDE });
    return openTable(storage, "wide");
  })();
  return wide;
}

let parted: Promise<Table> | undefined;
function partedTable(): Promise<Table> {
  parted ??= (async () => {
    for (let k = 0; k < P_VALUES.length; k++) {
      await appendToTable(storage, "parted", [batchFromRows(PARTED, partedRows(k))], { schema: PARTED, partitionBy: ["p", "pd"] });
    }
    return openTable(storage, "parted");
  })();
  return parted;
}

function bind(sql: string, t: Table): BoundExpr {
  return bindPredicate(parseExpression(sql), t.snapshot.metadata.schema);
}

/** Rows of each file for which `predicate` is true. */
function matchesPerFile(t: Table, predicate: BoundExpr): Map<DeltaFile, number> {
  const evaluate = compileExpr(predicate);
  const out = new Map<DeltaFile, number>();
  for (const [f, batches] of t.batches) {
    let n = 0;
    for (const b of batches) {
      const r = evaluate(b);
      for (let i = 0; i < b.numRows; i++) if (r.kind === "bool" && isValid(r, i) && r.values[i] === 1) n++;
    }
    out.set(f, n);
  }
  return out;
}

/** Prunes with `sql`; asserts no matching file is lost and the kept files keep their order. */
function check(t: Table, sql: string): { kept: readonly DeltaFile[]; matching: number } {
  const predicate = bind(sql, t);
  const kept = pruneFiles(t.snapshot.files, t.snapshot.metadata, predicate, { timeZone: t.timeZone });
  const keptSet = new Set(kept);
  const order = t.snapshot.files.filter((f) => keptSet.has(f));
  assert.deepEqual(kept, order, `${sql}: kept files are not a subsequence of the snapshot's`);
  let matching = 0;
  for (const [f, n] of matchesPerFile(t, predicate)) {
    if (n > 0) matching++;
    if (n > 0) assert.ok(keptSet.has(f), `${sql}: dropped ${f.path} which holds ${n} matching row(s); stats ${f.stats ?? "none"} partition ${JSON.stringify(f.partitionValues)}`);
  }
  return { kept, matching };
}

// ---------------------------------------------------------------------------------------------
// Generated predicates

/** A column a predicate can use, with literals taken from (and next to) its values. */
interface Column {
  readonly sql: string;
  readonly type: DataType;
  readonly literals: readonly string[];
}

function columnsOf(t: Table): Column[] {
  const out: Column[] = [];
  // `parent`: the vectors of the struct holding `fields` in a batch (null at the top level).
  const visit = (fields: StructType["fields"], path: readonly string[], parent: ((b: Batch) => Vector[]) | null): void => {
    fields.forEach((f, k) => {
      const p = [...path, f.name];
      const own = (b: Batch): Vector[] => (parent === null ? [b.columns[k]] : parent(b).flatMap((v) => (v.kind === "struct" ? [v.children[k]] : [])));
      if (f.dataType.typeName === "struct") {
        visit(f.dataType.fields, p, own);
        return;
      }
      const literals = new Set<string>();
      for (const batches of t.batches.values()) {
        for (const b of batches) for (const v of own(b)) for (let i = 0; i < v.length; i++) for (const l of literalsNear(f.dataType, v, i)) literals.add(l);
      }
      if (literals.size > 0) out.push({ sql: p.map((n) => `\`${n}\``).join("."), type: f.dataType, literals: [...literals] });
    });
  };
  visit(t.snapshot.metadata.schema.fields, [], null);
  return out;
}

/** SQL literals for slot `i` of `v` and values just around it. */
function literalsNear(type: DataType, v: Vector, i: number): string[] {
  if (!isValid(v, i)) return [];
  switch (v.kind) {
    case "i64": {
      const x = v.values[i];
      if (type.typeName === "timestamp") return [x, x - 1n, x + 1n, x - 1000n, x + 1000n].map((u) => `TIMESTAMP'${formatTimestamp(u)}'`);
      return [x, x - 1n, x + 1n].map((u) => `${u}L`);
    }
    case "i32": {
      const x = v.values[i];
      if (type.typeName === "date") return [x, x - 1, x + 1].map((d) => `DATE'${formatDate(d)}'`);
      return [x, x - 1, x + 1].map(String);
    }
    case "i16":
    case "i8": {
      const x = v.values[i];
      return [x, x + 1, x - 1].map(String);
    }
    case "f64":
    case "f32": {
      const x = v.values[i];
      const t = v.kind === "f32" ? "FLOAT" : "DOUBLE";
      return [x, x + 0.005, x - 0.005].map((y) => `CAST('${Number.isNaN(y) ? "NaN" : String(y)}' AS ${t})`);
    }
    case "decimal": {
      if (type.typeName !== "decimal") return [];
      const x = v.values[i];
      return [x, x - 1n, x + 1n].map((u) => formatDecimal(u, type.scale));
    }
    case "bytes": {
      if (type.typeName !== "string") return [];
      const s = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
      const cps = Array.from(s);
      return [s, `${s}a`, cps.slice(0, -1).join(""), cps.slice(0, 32).join(""), `${cps.slice(0, 32).join("")}zz`].filter((x) => !x.includes("'") && !x.includes("\\")).map((x) => `'${x}'`);
    }
    case "bool":
      return [v.values[i] === 1 ? "true" : "false"];
    default:
      return [];
  }
}

/** A deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function predicates(columns: readonly Column[], count: number, seed: number): string[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const ops = ["=", "<", "<=", ">", ">=", "!=", "<=>"];
  const atom = (): string => {
    const c = pick(columns);
    const l = pick(c.literals);
    const r = rnd();
    if (r < 0.4) return `${c.sql} ${pick(ops)} ${l}`;
    if (r < 0.55) return `${l} ${pick(ops)} ${c.sql}`;
    if (r < 0.62) return `${c.sql} IS ${rnd() < 0.5 ? "NOT " : ""}NULL`;
    if (r < 0.72) return `${c.sql} ${rnd() < 0.3 ? "NOT " : ""}IN (${l}, ${pick(c.literals)}${rnd() < 0.2 ? ", NULL" : ""})`;
    if (r < 0.8 && c.type.typeName === "string") {
      const prefix = Array.from(l.slice(1, -1)).slice(0, Math.floor(rnd() * 36)).join("").replaceAll("%", "").replaceAll("_", "");
      return `${c.sql} ${rnd() < 0.2 ? "NOT " : ""}LIKE '${prefix}%'`;
    }
    if (r < 0.84) return `${c.sql} ${pick(ops)} NULL`;
    return `NOT (${c.sql} ${pick(ops)} ${l})`;
  };
  const expr = (depth: number): string => {
    if (depth === 0 || rnd() < 0.45) return atom();
    const r = rnd();
    if (r < 0.4) return `(${expr(depth - 1)}) AND (${expr(depth - 1)})`;
    if (r < 0.8) return `(${expr(depth - 1)}) OR (${expr(depth - 1)})`;
    return `NOT ((${expr(depth - 1)}) ${rnd() < 0.5 ? "AND" : "OR"} (${expr(depth - 1)}))`;
  };
  return Array.from({ length: count }, () => expr(2));
}

function checkGenerated(t: Table, count: number, seed: number): { pruned: number } {
  const columns = columnsOf(t);
  assert.ok(columns.length > 0);
  let pruned = 0;
  for (const sql of predicates(columns, count, seed)) {
    const { kept } = check(t, sql);
    if (kept.length < t.snapshot.files.length) pruned++;
  }
  return { pruned };
}

// ---------------------------------------------------------------------------------------------
// Tests

test("generated predicates over a six-file table never drop a file holding a match, and often prune", async () => {
  const t = await wideTable();
  assert.equal(t.snapshot.files.length, 6);
  const { pruned } = checkGenerated(t, 3000, 1);
  assert.ok(pruned > 600, `only ${pruned} of 3000 predicates pruned a file`);
});

test("generated predicates over a table partitioned by a string and a date (with null partitions)", async () => {
  const t = await partedTable();
  assert.ok(t.snapshot.files.length >= 15, `${t.snapshot.files.length} files`);
  const { pruned } = checkGenerated(t, 1500, 2);
  assert.ok(pruned > 300, `only ${pruned} of 1500 predicates pruned a file`);
});

test("ranges on numbers, dates, timestamps and decimals keep only the files that overlap", async () => {
  const t = await wideTable();
  const cases: string[] = [
    "id >= 300 AND id < 400",
    "id = 219",
    "id BETWEEN 150 AND 250",
    "id BETWEEN 119 AND 200",
    "id < 0",
    "id IN (5, 505)",
    "505 >= id AND 500 <= id",
    "i > 2500",
    "sh = 7",
    `big = ${BIG + 9n}L`,
    `big > ${BIG + 15n}L`,
    "dec < -5",
    "dec >= 20.05",
    "dt = DATE'2022-01-31'",
    "dt >= '2022-02-20'",
    "dt < TIMESTAMP'2022-01-20 00:00:00'",
    `ts = TIMESTAMP'${formatTimestamp(TS_BASE + 3_600_000_000n * 2n + 19_123n)}'`,
    `ts > TIMESTAMP'${formatTimestamp(TS_BASE + 3_600_000_000n * 4n + 21_000n)}'`,
    "f <= 1.0",
    "st.a >= 400",
    "n IS NOT NULL",
    "n IS NULL",
    "n = 11",
    "s2 = 'c3'",
    "s2 LIKE 'b%'",
    "id < 100 OR id >= 500",
    "NOT (id >= 100)",
    "id != 3",
    "NOT (id < 100 OR id > 199)",
    "id = NULL",
    "1 = 0",
  ];
  let pruned = 0;
  for (const sql of cases) {
    // Exact here: a file is kept only when it holds a match.
    const { kept, matching } = check(t, sql);
    assert.equal(kept.length, matching, `${sql}: kept ${kept.length} files, ${matching} hold a match`);
    if (kept.length < 6) pruned++;
  }
  assert.ok(pruned >= cases.length - 3);
});

test("bounds that cannot be trusted keep the file: NaN, truncated strings, millisecond timestamps, code point order", async () => {
  const t = await wideTable();
  // File 2 holds a NaN, which Spark orders above every number: its stats have no bounds for d.
  assert.ok(check(t, "d > 100").kept.length >= 1);
  assert.equal(check(t, "d > 100").matching, 1);
  // …and the writer leaves out both bounds of a column holding a NaN: file 2 is kept here too.
  assert.deepEqual(check(t, "d < 0.5").kept.map((f) => t.snapshot.files.indexOf(f)).length, 3);
  // Every file's strings share a 40-character prefix; the stats only have 32 characters of it.
  assert.equal(check(t, `s = '${LONG_PREFIX}319'`).kept.length, 6);
  assert.equal(check(t, `s > '${LONG_PREFIX}5'`).matching, 1);
  assert.equal(check(t, `s < '${"p".repeat(31)}'`).kept.length, 0);
  // Timestamps have microseconds; stats milliseconds: the exact max of file 0 is still found.
  assert.equal(check(t, `ts = TIMESTAMP'${formatTimestamp(TS_BASE + 19_123n)}'`).matching, 1);
  // U+1F600 sorts after U+FF5E in UTF-8 (Spark) but before it in UTF-16.
  assert.deepEqual(check(t, "s2 > '\uFF5F'").kept.length, 1);
  assert.equal(check(t, "s2 > '\uFF5F'").matching, 1);
});

test("partition predicates prune exactly, including functions of partition columns and null partitions", async () => {
  const t = await partedTable();
  const filesWith = (p: string | null): number => t.snapshot.files.filter((f) => (f.partitionValues.p ?? null) === p).length;
  assert.equal(check(t, "p = 'a'").kept.length, filesWith("a"));
  assert.equal(check(t, "p = 'c d'").kept.length, filesWith("c d"));
  assert.equal(check(t, "p = '\u00fc'").kept.length, filesWith("\u00fc"));
  assert.equal(check(t, "p IS NULL").kept.length, filesWith(null));
  assert.equal(check(t, "upper(p) = 'B'").kept.length, filesWith("b"));
  assert.equal(check(t, `p IN ('a', 'b') AND pd = DATE'${formatDate(19010)}'`).kept.length, 2);
  assert.equal(check(t, "pd IS NULL AND p <=> NULL").kept.length, 1);
  assert.equal(check(t, "p = 'a' OR id >= 300").kept.length, filesWith("a") + filesWith("\u00fc") + filesWith(null));
  assert.equal(check(t, "NOT (p <=> 'a')").kept.length, t.snapshot.files.length - filesWith("a"));
});

test("timestamp partitions read in a session time zone are pruned in the same zone", async () => {
  const schema = StructType([StructField("id", LongType()), StructField("pt", TimestampType())]);
  const rows = Array.from({ length: 12 }, (_, j) => ({ id: BigInt(j), pt: j % 5 === 4 ? null : TS_BASE + BigInt(j % 5) * 3_600_000_000n + 500n }));
  await appendToTable(storage, "by-hour", [batchFromRows(schema, rows)], { schema, partitionBy: ["pt"] });
  for (const zone of ["UTC", "America/Los_Angeles", "+05:30"]) {
    const t = await openTable(storage, "by-hour", zone);
    assert.equal(t.snapshot.files.length, 5);
    const { pruned } = checkGenerated(t, 300, 4);
    assert.ok(pruned > 50, `${zone}: only ${pruned} of 300 predicates pruned a file`);
    // The value the reader builds for the first file's partition, written as a literal: one file.
    const first = t.batches.get(t.snapshot.files[0])?.[0].columns[1];
    assert.ok(first !== undefined && first.kind === "i64");
    const { kept, matching } = check(t, `pt = TIMESTAMP'${formatTimestamp(first.values[0])}'`);
    assert.equal(kept.length, 1);
    assert.equal(matching, 1);
  }
});

test("filters over columns the table does not have, or with time-dependent functions, prune nothing", async () => {
  const t = await wideTable();
  const other = StructType([StructField("id", StringType())]);
  // The filter's `id` is a string here, unlike the table's long: the conjunct is ignored.
  assert.equal(pruneFiles(t.snapshot.files, t.snapshot.metadata, bindPredicate(parseExpression("id = '1'"), other)).length, 6);
  assert.equal(check(t, "ts > current_timestamp()").kept.length, 6);
  assert.equal(check(t, "abs(id) < 0").kept.length, 6);
});

/**
 * The wide table with stats as other writers produce them: timestamps truncated (not rounded) to
 * milliseconds, floats in their shortest float32 form, doubles bounded without their NaNs (Parquet
 * statistics), string maxima cut to 32 characters without a tie-breaker, decimals with exponents.
 */
function withForeignStats(t: Table): Table {
  const files: DeltaFile[] = [];
  const batches = new Map<DeltaFile, readonly Batch[]>();
  const ordinal = (name: string): number => t.snapshot.metadata.schema.fields.findIndex((f) => f.name === name);
  for (const [file, bs] of t.batches) {
    const ts: bigint[] = [];
    const f: number[] = [];
    const d: number[] = [];
    const s: string[] = [];
    const dec: bigint[] = [];
    for (const b of bs) {
      for (let i = 0; i < b.numRows; i++) {
        const c = (name: string): Vector => b.columns[ordinal(name)];
        const tv = c("ts");
        const fv = c("f");
        const dv = c("d");
        const sv = c("s");
        const decv = c("dec");
        if (tv.kind === "i64" && isValid(tv, i)) ts.push(tv.values[i]);
        if (fv.kind === "f32" && isValid(fv, i)) f.push(fv.values[i]);
        if (dv.kind === "f64" && isValid(dv, i) && !Number.isNaN(dv.values[i])) d.push(dv.values[i]);
        if (sv.kind === "bytes" && isValid(sv, i)) s.push(decodeUtf8(sv.data, sv.offsets[i], sv.offsets[i + 1]));
        if (decv.kind === "decimal" && isValid(decv, i)) dec.push(decv.values[i]);
      }
    }
    const byBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
    ts.sort(byBig);
    dec.sort(byBig);
    f.sort((a, b) => a - b);
    d.sort((a, b) => a - b);
    s.sort();
    const msIso = (us: bigint): string => new Date(Number(us / 1000n)).toISOString();
    const shortest = (x: number): string => {
      for (let p = 1; p <= 9; p++) if (Math.fround(Number(x.toPrecision(p))) === x) return String(Number(x.toPrecision(p)));
      return String(x);
    };
    const cut = (x: string): string => Array.from(x).slice(0, 32).join("");
    const exp = (u: bigint): string => `${u}E-2`;
    const stats =
      `{"numRecords":20,` +
      `"minValues":{"ts":"${msIso(ts[0])}","f":${shortest(f[0])},"d":${d[0]},"s":${JSON.stringify(cut(s[0]))},"dec":${exp(dec[0])}},` +
      `"maxValues":{"ts":"${msIso(ts[ts.length - 1])}","f":${shortest(f[f.length - 1])},"d":${d[d.length - 1]},"s":${JSON.stringify(cut(s[s.length - 1]))},"dec":${exp(dec[dec.length - 1])}},` +
      `"nullCount":{"ts":0,"f":0,"d":0,"s":${20 - s.length},"dec":0}}`;
    const changed: DeltaFile = { ...file, stats };
    files.push(changed);
    batches.set(changed, bs);
  }
  return { ...t, snapshot: { ...t.snapshot, files }, batches };
}

test("stats as other writers produce them (ms timestamps, shortest floats, NaN-free bounds, cut strings) never lose a match", async () => {
  const t = withForeignStats(await wideTable());
  assert.equal(check(t, "d > 100").matching, 1);
  assert.equal(check(t, `ts = TIMESTAMP'${formatTimestamp(TS_BASE + 19_123n)}'`).matching, 1);
  assert.equal(check(t, `s = '${LONG_PREFIX}319'`).kept.length, 6);
  const columns = columnsOf(t).filter((c) => ["`ts`", "`f`", "`d`", "`s`", "`dec`"].includes(c.sql));
  assert.equal(columns.length, 5);
  let pruned = 0;
  for (const sql of predicates(columns, 2000, 3)) if (check(t, sql).kept.length < 6) pruned++;
  assert.ok(pruned > 300, `only ${pruned} of 2000 predicates pruned a file`);
});

test("files without stats, or with unparsable stats, are kept", async () => {
  const t = await wideTable();
  const files = t.snapshot.files.map((f, k) => ({ ...f, stats: k === 0 ? undefined : k === 1 ? "{not json" : k === 2 ? '{"numRecords":20}' : f.stats }));
  const kept = pruneFiles(files, t.snapshot.metadata, bind("id < 0", t));
  assert.deepEqual(kept, files.slice(0, 3));
});

const datCases = existsSync(DAT) ? readdirSync(DAT).filter((n) => existsSync(`${DAT}/${n}/delta/_delta_log`)) : [];

test("the DAT fixtures are found", { skip: datSkip }, () => {
  assert.ok(datCases.length >= 10, `DAT fixtures at ${DAT}`);
});

for (const name of datCases) {
  test(`DAT ${name}: generated predicates never drop a file holding a match`, async () => {
    const t = await openTable(localFileSystem(), `${DAT}/${name}/delta`.slice(1));
    checkGenerated(t, 400, name.length);
  });
}

test("DAT basic_partitioned and multi_partitioned prune by partition and by stats", { skip: datSkip }, async () => {
  const basic = await openTable(localFileSystem(), `${DAT}/basic_partitioned/delta`.slice(1));
  const letterA = basic.snapshot.files.filter((f) => f.partitionValues.letter === "a").length;
  assert.ok(letterA > 0 && letterA < basic.snapshot.files.length);
  assert.equal(check(basic, "letter = 'a'").kept.length, letterA);
  assert.equal(check(basic, "number = 1").kept.length, 1);
  const multi = await openTable(localFileSystem(), `${DAT}/multi_partitioned/delta`.slice(1));
  assert.ok(check(multi, "date = DATE'1970-01-02'").kept.length < multi.snapshot.files.length);
  const prim = await openTable(localFileSystem(), `${DAT}/all_primitive_types/delta`.slice(1));
  assert.equal(check(prim, "int32 > 1000").kept.length, 0);
  assert.equal(check(prim, "timestamp < TIMESTAMP'1969-12-31 23:00:00'").kept.length, 0);
});
