/**
 * The datetime functions over TIMESTAMP_NTZ, as Spark 3.5: to_timestamp_ntz, make_timestamp_ntz,
 * convert_timezone, localtimestamp, and to_timestamp / make_timestamp under
 * `spark.sql.timestampType=TIMESTAMP_NTZ`. Expected values are Spark's (timestamp-ntz.sql.out,
 * timestampNTZ/timestamp.sql.out), in the session time zone America/Los_Angeles.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession } from "../../../../src/api/session.js";
import { col, convert_timezone, lit, make_timestamp_ntz, to_timestamp_ntz } from "../../../../src/index.js";
import { catalogString } from "../../../../src/types/print-schema.js";
import { HIVE, slotText } from "../../../../src/exec/eval/cast.js";
import { requireZone } from "../../../../src/columnar/time-zone.js";

const LA = "America/Los_Angeles";
const spark = new SparkSession("timestamp-ntz-functions", { "spark.sql.session.timeZone": LA, "sluice.exec.workers": "0" });
const ntzSpark = new SparkSession("timestamp-ntz-functions-ntz", {
  "spark.sql.session.timeZone": LA,
  "sluice.exec.workers": "0",
  "spark.sql.timestampType": "TIMESTAMP_NTZ",
});

/** The query's schema (catalogString) and its rows as HiveResult prints them. */
async function run(sql: string, session = spark): Promise<{ schema: string; rows: string[] }> {
  const df = session.sql(sql);
  const schema = catalogString(df.schema);
  const zone = requireZone(LA);
  const rows: string[] = [];
  for (const b of await df.collectBatches()) {
    for (let i = 0; i < b.numRows; i++) rows.push(b.columns.map((c) => (c.valid === null || c.valid[i] === 1 ? slotText(c, i, HIVE, zone) : "NULL")).join("\t"));
  }
  return { schema, rows };
}

test("to_timestamp_ntz parses wall-clock times and casts dates and timestamps", async () => {
  const r = await run("select to_timestamp_ntz(null), to_timestamp_ntz('2016-12-31 00:12:00'), to_timestamp_ntz('2016-12-31', 'yyyy-MM-dd')");
  assert.equal(r.schema, "struct<to_timestamp_ntz(NULL):timestamp_ntz,to_timestamp_ntz(2016-12-31 00:12:00):timestamp_ntz,to_timestamp_ntz(2016-12-31, yyyy-MM-dd):timestamp_ntz>");
  assert.deepEqual(r.rows, ["NULL\t2016-12-31 00:12:00\t2016-12-31 00:00:00"]);
  const c = await run("select to_timestamp_ntz(to_date('2016-12-31')), to_timestamp_ntz(to_timestamp_ltz('2016-12-31 00:12:00'))");
  assert.deepEqual(c.rows, ["2016-12-31 00:00:00\t2016-12-31 00:12:00"]);
});

test("make_timestamp_ntz builds a wall-clock time; 60.007 seconds is null", async () => {
  const r = await run("SELECT make_timestamp_ntz(2021, 07, 11, 6, 30, 45.678), make_timestamp_ntz(2021, 07, 11, 6, 30, 60.007)");
  assert.equal(r.schema, "struct<make_timestamp_ntz(2021, 7, 11, 6, 30, 45.678):timestamp_ntz,make_timestamp_ntz(2021, 7, 11, 6, 30, 60.007):timestamp_ntz>");
  assert.deepEqual(r.rows, ["2021-07-11 06:30:45.678\tNULL"]);
});

test("convert_timezone maps a wall-clock time between zones, from the session's by default", async () => {
  const r = await run("SELECT convert_timezone('Europe/Moscow', 'America/Los_Angeles', timestamp_ntz'2022-01-01 00:00:00'), convert_timezone('Europe/Brussels', timestamp_ntz'2022-03-23 00:00:00')");
  assert.deepEqual(r.rows, ["2021-12-31 13:00:00\t2022-03-23 08:00:00"]);
  assert.equal(
    r.schema,
    "struct<convert_timezone(Europe/Moscow, America/Los_Angeles, TIMESTAMP_NTZ '2022-01-01 00:00:00'):timestamp_ntz," +
      "convert_timezone(current_timezone(), Europe/Brussels, TIMESTAMP_NTZ '2022-03-23 00:00:00'):timestamp_ntz>",
  );
});

test("localtimestamp is the session zone's wall clock", async () => {
  const r = await run("select typeof(localtimestamp()), localtimestamp() = cast(current_timestamp() as timestamp_ntz)");
  assert.deepEqual(r.rows, ["timestamp_ntz\ttrue"]);
});

test("spark.sql.timestampType=TIMESTAMP_NTZ: to_timestamp and make_timestamp return TIMESTAMP_NTZ", async () => {
  const r = await run(
    "select to_timestamp('2019-10-06 10:11:12.12345CST', 'yyyy-MM-dd HH:mm:ss.SSSSSS[zzz]'), to_timestamp(1), make_timestamp(2021, 7, 11, 6, 30, 45.678, 'CET'), to_timestamp('2016-12-31 00:12:00')",
    ntzSpark,
  );
  assert.equal(
    r.schema,
    "struct<to_timestamp(2019-10-06 10:11:12.12345CST, yyyy-MM-dd HH:mm:ss.SSSSSS[zzz]):timestamp_ntz,to_timestamp(1):timestamp_ntz," +
      "make_timestamp(2021, 7, 11, 6, 30, 45.678, CET):timestamp_ntz,to_timestamp(2016-12-31 00:12:00):timestamp_ntz>",
  );
  assert.deepEqual(r.rows, ["2019-10-06 10:11:12.12345\tNULL\t2021-07-11 06:30:45.678\t2016-12-31 00:12:00"]);
  // The default session keeps TIMESTAMP.
  assert.equal((await run("select to_timestamp('2016-12-31 00:12:00')")).schema, "struct<to_timestamp(2016-12-31 00:12:00):timestamp>");
});

test("timestampadd and date_trunc keep TIMESTAMP_NTZ; unix_timestamp reads it in UTC", async () => {
  const r = await run(
    "select timestampadd(MONTH, -1, timestamp_ntz'2022-02-14 01:02:03'), timestampadd(MINUTE, 58, timestamp_ntz'2022-02-14 01:02:03'), " +
      "date_trunc('HOUR', timestamp_ntz'2022-02-14 01:02:03'), unix_timestamp(timestamp_ntz'1970-01-02 00:00:00')",
  );
  assert.equal(r.schema.replace(/\(.*?\):/g, "():"), "struct<timestampadd():timestamp_ntz,timestampadd():timestamp_ntz,date_trunc():timestamp_ntz,unix_timestamp():bigint>");
  assert.deepEqual(r.rows, ["2022-01-14 01:02:03\t2022-02-14 02:00:03\t2022-02-14 01:00:00\t86400"]);
});

test("date_add / date_sub take a TIMESTAMP_NTZ's date", async () => {
  const r = await run("select date_add(timestamp_ntz'2022-03-13 02:30:00', 1), date_sub(timestamp_ntz'2022-03-13 02:30:00', 1)");
  assert.equal(r.schema, "struct<date_add(TIMESTAMP_NTZ '2022-03-13 02:30:00', 1):date,date_sub(TIMESTAMP_NTZ '2022-03-13 02:30:00', 1):date>");
  assert.deepEqual(r.rows, ["2022-03-14\t2022-03-12"]);
});

test("hour / minute / second / extract read a TIMESTAMP_NTZ's own fields, even in a DST gap of the session zone", async () => {
  // 2022-03-13 02:30 does not exist in America/Los_Angeles; as TIMESTAMP_NTZ it needs no zone.
  const r = await run(
    "select hour(timestamp_ntz'2022-03-13 02:30:07'), minute(timestamp_ntz'2022-03-13 02:30:07'), second(timestamp_ntz'2022-03-13 02:30:07'), " +
      "extract(hour from timestamp_ntz'2022-03-13 02:30:00'), date_part('second', timestamp_ntz'2022-03-13 02:30:01.5'), hour(timestamp'2022-01-01 05:00:00')",
  );
  assert.deepEqual(r.rows, ["2\t30\t7\t2\t1.500000\t5"]);
});

test("Column builders of the TIMESTAMP_NTZ functions", async () => {
  const spark = new SparkSession("ntz-api", { "sluice.exec.workers": "0", "spark.sql.session.timeZone": "UTC" });
  const df = spark.createDataFrame([{ s: "2024-03-10 02:30:00" }], "s STRING");
  const r = await df
    .select(
      to_timestamp_ntz(col("s")).cast("string").alias("a"),
      make_timestamp_ntz(lit(2024), lit(1), lit(2), lit(3), lit(4), lit(5)).cast("string").alias("b"),
      convert_timezone(lit("UTC"), lit("Asia/Tokyo"), to_timestamp_ntz(col("s"))).cast("string").alias("c"),
    )
    .collect();
  assert.deepEqual([r[0].a, r[0].b, r[0].c], ["2024-03-10 02:30:00", "2024-01-02 03:04:05", "2024-03-10 11:30:00"]);
});
