/**
 * The date functions that need no time zone, checked against Spark 3.5's documented examples and
 * its golden files (date.sql.out, timestamp.sql.out, postgreSQL/date.sql.out).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession } from "../../../../src/api/session.js";
import { isValid } from "../../../../src/columnar/vector.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import { valueAt } from "../../../../src/columnar/values.js";
import { formatDate } from "../../../../src/exec/eval/datetime.js";
import { dateCallSql } from "../../../../src/plan/expressions/functions/date.js";

const spark = new SparkSession("date-functions-spark", { "spark.sql.session.timeZone": "UTC", "sluice.exec.workers": "0" });
spark.sql("CREATE OR REPLACE TEMPORARY VIEW date_view AS SELECT '2011-11-11' date_str, '1' int_str");

/** A date as `yyyy-MM-dd`, a timestamp as µs since the epoch, anything else as its JS value. */
function cell(v: Vector): unknown {
  if (!isValid(v, 0)) return null;
  if (v.kind === "i32" && v.type.typeName === "date") return formatDate(v.values[0]);
  if (v.kind === "i64") return v.values[0];
  return valueAt(v, 0);
}

/** The single row of `SELECT …`, one cell per column. */
async function row(sql: string): Promise<unknown[]> {
  const batches = await spark.sql(sql).collectBatches();
  const b = batches.find((x) => x.numRows > 0);
  assert.ok(b !== undefined, `no row from ${sql}`);
  return b.columns.map(cell);
}

async function rejects(sql: string, message: RegExp): Promise<void> {
  await assert.rejects(async () => spark.sql(sql).collectBatches(), message);
}

test("date_add / date_sub: strings and timestamps are cast to dates; INT overflow wraps as Java's", async () => {
  assert.deepEqual(await row("SELECT date_add('2016-07-30', 1), date_sub('2016-07-30', 1)"), ["2016-07-31", "2016-07-29"]);
  assert.deepEqual(await row("SELECT date_add(date'2011-11-11', 1), date_add('2011-11-11', 1Y), date_add('2011-11-11', 1S), dateadd('2011-11-11', 1)"), [
    "2011-11-12",
    "2011-11-12",
    "2011-11-12",
    "2011-11-12",
  ]);
  assert.deepEqual(await row("SELECT date_add(timestamp'2011-11-11 12:12:12', 1), date_sub(timestamp'2011-11-11 12:12:12', 1)"), ["2011-11-12", "2011-11-10"]);
  assert.deepEqual(await row("SELECT date_add(null, 1), date_add(date'2011-11-11', null), date_sub(null, 1)"), [null, null, null]);
  assert.deepEqual(await row("SELECT date_add(date_str, 1), date_sub(date_str, 1) FROM date_view"), ["2011-11-12", "2011-11-10"]);
  assert.deepEqual(await row("SELECT unix_date(date_add(date'1970-01-02', 2147483647))"), [-2147483648]);
});

test("date_add / date_sub: a constant string day count is read as an INT; other types are Spark's errors", async () => {
  assert.deepEqual(await row("SELECT date_add('2011-11-11', '1'), date_sub(date'2011-11-11', '1')"), ["2011-11-12", "2011-11-10"]);
  await rejects("SELECT date_add('2011-11-11', '1.2')", /SECOND_FUNCTION_ARGUMENT_NOT_INTEGER/);
  await rejects("SELECT date_sub(date'2011-11-11', '1.2')", /SECOND_FUNCTION_ARGUMENT_NOT_INTEGER/);
  await rejects("SELECT date_add('2011-11-11', 1L)", /UNEXPECTED_INPUT_TYPE.*"BIGINT"/);
  await rejects("SELECT date_add('2011-11-11', 1.0)", /UNEXPECTED_INPUT_TYPE.*"DECIMAL\(2,1\)"/);
  await rejects("SELECT date_sub('2011-11-11', 1E1)", /UNEXPECTED_INPUT_TYPE.*"DOUBLE"/);
  await rejects("SELECT date_add('2011-11-11', int_str) FROM date_view", /UNEXPECTED_INPUT_TYPE.*"STRING"/);
});

test("datediff / date_diff: end minus start in days", async () => {
  assert.deepEqual(await row("SELECT datediff('2009-07-31', '2009-07-30'), datediff('2009-07-30', '2009-07-31'), date_diff('2009-07-31', '2009-07-30')"), [1, -1, 1]);
  assert.deepEqual(await row("SELECT datediff(timestamp'2009-07-31 23:59:59', date'2009-07-30'), datediff(null, '2009-07-30')"), [1, null]);
});

test("add_months clamps to the month's end; last_day", async () => {
  assert.deepEqual(await row("SELECT add_months('2016-08-31', 1), add_months('2016-01-31', 1), add_months('2016-03-31', -13), add_months('2016-08-31', null)"), [
    "2016-09-30",
    "2016-02-29",
    "2015-02-28",
    null,
  ]);
  assert.deepEqual(await row("SELECT last_day('2009-01-12'), last_day('2016-02-03'), last_day('1900-02-10'), last_day(null)"), ["2009-01-31", "2016-02-29", "1900-02-28", null]);
});

test("months_between: whole months on the same day or both month ends, else 31-day months, rounded unless roundOff=false", async () => {
  assert.deepEqual(await row("SELECT months_between('1997-02-28 10:30:00', '1996-10-30'), months_between('1997-02-28 10:30:00', '1996-10-30', false)"), [
    3.94959677,
    3.9495967741935485,
  ]);
  assert.deepEqual(await row("SELECT months_between('2019-03-31', '2019-02-28'), months_between('2019-01-15 10:00:00', '2019-03-15'), months_between(null, '2019-03-15')"), [
    1,
    -2,
    null,
  ]);
});

test("months_between reads both timestamps in the session zone, seconds counted from the local day's start", async () => {
  const la = new SparkSession("date-functions-spark-la", { "spark.sql.session.timeZone": "America/Los_Angeles", "sluice.exec.workers": "0" });
  const [b] = await la
    .sql("SELECT months_between(timestamp'1997-02-28 10:30:00', date'1996-10-30'), months_between(timestamp'2019-03-10 10:00:00', timestamp'2019-02-11 00:00:00')")
    .collectBatches();
  // 2019-03-10 is a spring-forward day in Los Angeles: 10:00 is 9 hours after its midnight.
  assert.deepEqual(b.columns.map(cell), [3.94959677, 0.97983871]);
});

test("output names Spark gives date calls", () => {
  assert.equal(dateCallSql("dateadd", ["2011-11-11", "1"]), "date_add(2011-11-11, 1)");
  assert.equal(dateCallSql("months_between", ["a", "b"]), "months_between(a, b, true)");
  assert.equal(dateCallSql("months_between", ["a", "b", "false"]), undefined);
  assert.equal(dateCallSql("date_diff", ["a", "b"]), undefined);
});

test("next_day: day names as Spark spells them; an unknown name is null", async () => {
  assert.deepEqual(await row("SELECT next_day('2015-01-14', 'TU'), next_day('2015-07-23', 'Mon'), next_day('2015-07-23 12:12:12', 'mon'), next_day('2015-07-23', 'thursday')"), [
    "2015-01-20",
    "2015-07-27",
    "2015-07-27",
    "2015-07-30",
  ]);
  assert.deepEqual(await row("SELECT next_day('2015-07-23', 'xx'), next_day('xx', 'Mon'), next_day(null, 'Mon'), next_day(null, 'xx')"), [null, null, null, null]);
});

test("make_date: null for fields naming no date (non-ANSI)", async () => {
  assert.deepEqual(await row("SELECT make_date(2019, 1, 1), make_date(12, 12, 12), make_date(2013, 7, 15), make_date(2019, 7, NULL)"), ["2019-01-01", "0012-12-12", "2013-07-15", null]);
  assert.deepEqual(await row("SELECT make_date(2000, 13, 1), make_date(2000, 1, 33), make_date(2013, 2, 30), make_date(2013, 11, -1), make_date(2012, 2, 29)"), [null, null, null, null, "2012-02-29"]);
  assert.deepEqual(await row("SELECT unix_date(make_date(-44, 3, 15)), unix_date(make_date(999999, 3, 18))"), [-735525, 364522683]);
});

test("calendar fields: dayofweek, weekday, dayofyear, weekofyear, quarter", async () => {
  assert.deepEqual(await row("SELECT dayofweek('2007-02-03'), dayofweek('2009-07-30'), dayofweek('2017-05-27'), dayofweek(null), dayofweek('1582-10-15 13:10:15')"), [7, 5, 7, null, 6]);
  assert.deepEqual(await row("SELECT weekday('2007-02-03'), weekday('2009-07-30'), weekday('2017-05-27'), weekday(null), weekday('1582-10-15 13:10:15')"), [5, 3, 5, null, 4]);
  assert.deepEqual(await row("SELECT dayofyear('2016-04-09'), dayOfYear('1500-01-01'), dayOfYear('1582-10-15 13:10:15'), dayofyear('2016-12-31')"), [100, 1, 288, 366]);
  // ISO weeks: 2021-01-03 (a Sunday) is in week 53 of 2020; 2019-12-30 (a Monday) in week 1 of 2020.
  assert.deepEqual(await row("SELECT weekofyear('2008-02-20'), weekofyear('2021-01-03'), weekofyear('2019-12-30'), weekofyear('2021-01-04')"), [8, 53, 1, 1]);
  assert.deepEqual(await row("SELECT quarter('2016-08-31'), quarter('2016-01-01'), quarter('2016-12-31'), quarter(null)"), [3, 1, 4, null]);
});

test("date_from_unix_date / unix_date", async () => {
  assert.deepEqual(await row("SELECT DATE_FROM_UNIX_DATE(0), DATE_FROM_UNIX_DATE(1000), DATE_FROM_UNIX_DATE(null), date_from_unix_date(1)"), ["1970-01-01", "1972-09-27", null, "1970-01-02"]);
  assert.deepEqual(await row("SELECT UNIX_DATE(DATE('1970-01-01')), UNIX_DATE(DATE('2020-12-04')), UNIX_DATE(null)"), [0, 18600, null]);
  await rejects("SELECT unix_date('2020-12-04')", /UNEXPECTED_INPUT_TYPE.*"STRING"/);
});

test("timestamp_millis / timestamp_micros and unix_seconds / unix_millis / unix_micros", async () => {
  assert.deepEqual(await row("SELECT TIMESTAMP_MILLIS(1230219000123), TIMESTAMP_MILLIS(-1230219000123), TIMESTAMP_MILLIS(null)"), [1230219000123000n, -1230219000123000n, null]);
  assert.deepEqual(await row("SELECT TIMESTAMP_MICROS(1230219000123123), TIMESTAMP_MICROS(-1230219000123123), timestamp_micros(1Y)"), [1230219000123123n, -1230219000123123n, 1n]);
  await rejects("SELECT TIMESTAMP_MILLIS(92233720368547758)", /long overflow/);
  await rejects("SELECT TIMESTAMP_MILLIS(-92233720368547758)", /long overflow/);
  await rejects("SELECT timestamp_millis(1.5)", /UNEXPECTED_INPUT_TYPE/);
  assert.deepEqual(await row("SELECT UNIX_SECONDS(timestamp'2020-12-01 14:30:08Z'), UNIX_SECONDS(timestamp'2020-12-01 14:30:08.999999Z'), UNIX_SECONDS(null)"), [1606833008n, 1606833008n, null]);
  assert.deepEqual(await row("SELECT UNIX_MILLIS(timestamp'2020-12-01 14:30:08.999999Z'), UNIX_MICROS(timestamp'2020-12-01 14:30:08.999999Z')"), [1606833008999n, 1606833008999999n]);
  // Floor division: 1 µs before the epoch is second -1.
  assert.deepEqual(await row("SELECT unix_seconds(timestamp_micros(-1)), unix_millis(timestamp_micros(-1)), unix_micros(timestamp_micros(-1))"), [-1n, -1n, -1n]);
});

test("trunc: year, quarter, month and week of a date; finer or unknown units are null", async () => {
  assert.deepEqual(await row("SELECT trunc('2019-08-04', 'week'), trunc('2019-08-04', 'quarter'), trunc('2009-02-12', 'MM'), trunc('2015-10-27', 'YEAR')"), [
    "2019-07-29",
    "2019-07-01",
    "2009-02-01",
    "2015-01-01",
  ]);
  assert.deepEqual(await row("SELECT trunc('2015-10-27', 'yy'), trunc('2015-10-27', 'mon'), trunc(timestamp'2015-10-27 10:00:00', 'YYYY')"), ["2015-01-01", "2015-10-01", "2015-01-01"]);
  assert.deepEqual(await row("SELECT trunc('2015-10-27', 'DD'), trunc('2015-10-27', 'hour'), trunc('aa', 'MM'), trunc('2018-01-01', 'aa')"), [null, null, null, null]);
});

test("timestamp_seconds: exact for integers and decimals, truncating for doubles, as Spark's SecondsToTimestamp", async () => {
  const spark = new SparkSession("ts-seconds", { "sluice.exec.workers": "0", "spark.sql.session.timeZone": "UTC" });
  const rows = await spark.sql("SELECT CAST(timestamp_seconds(1230219000) AS STRING) AS a, CAST(timestamp_seconds(1.23) AS STRING) AS b, CAST(timestamp_seconds(1.23D) AS STRING) AS c, timestamp_seconds(double('NaN')) AS d").collect();
  assert.deepEqual(Object.values(rows[0]), ["2008-12-25 15:30:00", "1970-01-01 00:00:01.23", "1970-01-01 00:00:01.23", null]);
  await assert.rejects(spark.sql("SELECT timestamp_seconds(1230219000123123)").collect(), /overflow/);
  await assert.rejects(spark.sql("SELECT timestamp_seconds(0.1234567)").collect(), /Rounding necessary/);
});
