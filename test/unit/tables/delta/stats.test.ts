import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage } from "../../../../src/storage/local.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import {
  BooleanType,
  DateType,
  DoubleType,
  IntegerType,
  LongType,
  StringType,
  StructField,
  StructType,
  TimestampType,
} from "../../../../src/types/data-types.js";
import { writeDataFiles } from "../../../../src/tables/delta/data-writer.js";
import { truncateMax, truncateMin } from "../../../../src/tables/delta/stats.js";
import { query } from "../../formats/parquet/duckdb.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-stats-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });

const SCHEMA = StructType([
  StructField("id", LongType()),
  StructField("n", IntegerType()),
  StructField("x", DoubleType()),
  StructField("s", StringType()),
  StructField("d", DateType()),
  StructField("ts", TimestampType()),
  StructField("flag", BooleanType()),
  StructField("st", StructType([StructField("a", IntegerType()), StructField("b", StringType())])),
]);

const LONG_A = "a".repeat(40);
const LONG_Z = `z${"é".repeat(35)}`;

function rows(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    out.push({
      id: BigInt(i * 1_000_003 - 7),
      n: i % 7 === 0 ? null : i - 20,
      x: i % 5 === 0 ? null : i / 3 - 4,
      s: i === 0 ? LONG_A : i === 1 ? LONG_Z : i % 4 === 0 ? null : `v${i}`,
      d: i % 6 === 0 ? null : new Date(Date.UTC(2024, 0, 1 + i)),
      ts: i % 9 === 0 ? null : new Date(Date.UTC(2024, 5, 1, 0, 0, i, i * 7 + 1)),
      flag: i % 2 === 0,
      st: i % 10 === 3 ? null : { a: i % 8 === 0 ? null : i * 2, b: i % 3 === 0 ? null : `b${i}` },
    });
  }
  return out;
}

test("truncateMin is a prefix and truncateMax an upper bound", () => {
  assert.equal(truncateMin("abc"), "abc");
  assert.equal(truncateMin(LONG_A), "a".repeat(32));
  assert.equal(truncateMax("abc"), "abc");
  assert.equal(truncateMax(LONG_A), `${"a".repeat(32)}\u007f`);
  assert.equal(truncateMax(LONG_Z), `z${"é".repeat(31)}\u{10ffff}`);
  const withMax = `${"q".repeat(32)}\u{10ffff}\u{10ffff}b`;
  assert.equal(truncateMax(withMax), `${"q".repeat(32)}\u{10ffff}\u{10ffff}\u007f`);
  assert.equal(truncateMax(`${"q".repeat(32)}\u{10ffff}`), `${"q".repeat(32)}\u{10ffff}`);
  const bytes = (s: string): Buffer => Buffer.from(s, "utf8");
  for (const s of [LONG_A, LONG_Z, withMax]) {
    assert.ok(Buffer.compare(bytes(truncateMax(s)), bytes(s)) > 0, s);
    assert.ok(Buffer.compare(bytes(truncateMin(s)), bytes(s)) <= 0, s);
  }
});

test("stats match DuckDB's min, max and null counts of the written file", async () => {
  const adds = await writeDataFiles(storage, "t1", SCHEMA, [], [batchFromRows(SCHEMA, rows().slice(0, 30)), batchFromRows(SCHEMA, rows().slice(30))]);
  assert.equal(adds.length, 1);
  const add = adds[0];
  assert.match(add.path, /^part-00000-[0-9a-f-]{36}\.c000\.snappy\.parquet$/);
  assert.equal(add.dataChange, true);
  const stats = JSON.parse(add.stats ?? "null") as {
    numRecords: number;
    minValues: Record<string, unknown>;
    maxValues: Record<string, unknown>;
    nullCount: Record<string, unknown>;
  };
  const file = join(dir, "t1", add.path);
  const [r] = await query(`SELECT count(*)::INTEGER AS c,
      min(id)::VARCHAR AS id_min, max(id)::VARCHAR AS id_max, (count(*) - count(id))::INTEGER AS id_nulls,
      min(n) AS n_min, max(n) AS n_max, (count(*) - count(n))::INTEGER AS n_nulls,
      min(x) AS x_min, max(x) AS x_max, (count(*) - count(x))::INTEGER AS x_nulls,
      min(s) AS s_min, max(s) AS s_max, (count(*) - count(s))::INTEGER AS s_nulls,
      strftime(min(d), '%Y-%m-%d') AS d_min, strftime(max(d), '%Y-%m-%d') AS d_max, (count(*) - count(d))::INTEGER AS d_nulls,
      epoch_ms(min(ts))::DOUBLE AS ts_min, epoch_ms(max(ts))::DOUBLE AS ts_max, (count(*) - count(ts))::INTEGER AS ts_nulls,
      (count(*) - count(flag))::INTEGER AS flag_nulls,
      min(st.a) AS a_min, max(st.a) AS a_max, (count(*) - count(st.a))::INTEGER AS a_nulls,
      min(st.b) AS b_min, max(st.b) AS b_max, (count(*) - count(st.b))::INTEGER AS b_nulls,
      (count(*) - count(st))::INTEGER AS st_nulls
    FROM read_parquet('${file}')`);
  assert.equal(stats.numRecords, r.c);
  assert.equal(String(stats.minValues.id), r.id_min);
  assert.equal(String(stats.maxValues.id), r.id_max);
  for (const c of ["n", "x", "d"]) {
    assert.equal(stats.minValues[c], r[`${c}_min`], `${c} min`);
    assert.equal(stats.maxValues[c], r[`${c}_max`], `${c} max`);
  }
  assert.equal(Date.parse(String(stats.minValues.ts)), r.ts_min);
  assert.equal(Date.parse(String(stats.maxValues.ts)), r.ts_max);
  // Strings: DuckDB's exact bounds lie within the truncated ones.
  assert.equal(r.s_min, LONG_A);
  assert.equal(stats.minValues.s, "a".repeat(32));
  assert.equal(r.s_max, LONG_Z);
  assert.equal(stats.maxValues.s, truncateMax(LONG_Z));
  assert.deepEqual(stats.minValues.st, { a: r.a_min, b: r.b_min });
  assert.deepEqual(stats.maxValues.st, { a: r.a_max, b: r.b_max });
  assert.equal("flag" in stats.minValues, false, "no bounds for booleans");
  assert.deepEqual(stats.nullCount, {
    id: 0,
    n: r.n_nulls,
    x: r.x_nulls,
    s: r.s_nulls,
    d: r.d_nulls,
    ts: r.ts_nulls,
    flag: r.flag_nulls,
    st: { a: r.a_nulls, b: r.b_nulls },
  });
  assert.ok((r.st_nulls as number) > 0 && (r.a_nulls as number) > (r.st_nulls as number), "nested null counts include null parents");
});

test("a float column holding NaN gets no bounds, and only the first 32 leaf columns get stats", async () => {
  const fields: StructField[] = [StructField("x", DoubleType())];
  for (let i = 0; i < 40; i++) fields.push(StructField(`c${i}`, IntegerType()));
  const schema = StructType(fields);
  const rowsWithNaN = [0, 1, 2].map((i) => {
    const r: Record<string, unknown> = { x: i === 1 ? Number.NaN : i };
    for (let c = 0; c < 40; c++) r[`c${c}`] = c + i;
    return r;
  });
  const [add] = await writeDataFiles(storage, "t2", schema, [], [batchFromRows(schema, rowsWithNaN)]);
  const stats = JSON.parse(add.stats ?? "null") as { minValues: Record<string, unknown>; nullCount: Record<string, unknown> };
  assert.equal("x" in stats.minValues, false);
  assert.equal(Object.keys(stats.nullCount).length, 32);
  assert.equal(stats.minValues.c30, 30);
  assert.equal("c31" in stats.minValues, false);
});

test("timestamp bounds are cut to milliseconds outwards: the max is never below a microsecond value (readers would skip the file)", async () => {
  const schema = StructType([StructField("ts", TimestampType())]);
  // 1.999999 ms before and after the epoch, and a value with 456 µs past the millisecond.
  const values = [-1999n, 1999n, 1704164645123456n];
  const [add] = await writeDataFiles(storage, "ts-micros", schema, [], [batchFromRows(schema, values.map((ts) => ({ ts })))]);
  const stats = JSON.parse(add.stats ?? "null") as { minValues: { ts: string }; maxValues: { ts: string } };
  assert.deepEqual([stats.minValues.ts, stats.maxValues.ts], ["1969-12-31T23:59:59.998Z", "2024-01-02T03:04:05.124Z"]);
  const file = join(dir, "ts-micros", add.path);
  const [r] = await query(`SELECT epoch_us(min(ts))::VARCHAR AS lo, epoch_us(max(ts))::VARCHAR AS hi FROM read_parquet('${file}')`);
  assert.ok(BigInt(Date.parse(stats.minValues.ts)) * 1000n <= BigInt(String(r.lo)));
  assert.ok(BigInt(Date.parse(stats.maxValues.ts)) * 1000n >= BigInt(String(r.hi)));
});
