/**
 * Spark 3.5's interval types, literals, casts and arithmetic; expected values are Spark's (the
 * SQL query test suite's interval.sql.out, date.sql.out, dateTimeOperations.sql.out).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession } from "../../../../src/api/session.js";
import { catalogString } from "../../../../src/types/print-schema.js";
import { HIVE, slotText } from "../../../../src/exec/eval/cast.js";
import { requireZone } from "../../../../src/columnar/time-zone.js";
import { parseDataType } from "../../../../src/sql/ddl.js";
import { schemaFromJson, schemaToJson } from "../../../../src/types/json-schema.js";
import { DayTimeIntervalType, YearMonthIntervalType } from "../../../../src/types/data-types.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const spark = new SparkSession("interval-test", { "spark.sql.session.timeZone": "America/Los_Angeles", "sluice.exec.workers": "0" });

/** The query's schema (catalogString) and its rows as HiveResult prints them. */
async function run(sql: string): Promise<{ schema: string; rows: string[] }> {
  const df = spark.sql(sql);
  const schema = catalogString(df.schema);
  const zone = requireZone("America/Los_Angeles");
  const rows: string[] = [];
  for (const b of await df.collectBatches()) {
    for (let i = 0; i < b.numRows; i++) rows.push(b.columns.map((c) => (c.valid === null || c.valid[i] === 1 ? slotText(c, i, HIVE, zone) : "NULL")).join("\t"));
  }
  return { schema, rows };
}

async function expectError(sql: string, pattern: RegExp): Promise<void> {
  await assert.rejects(async () => {
    await spark.sql(sql).collect();
  }, pattern);
}

test("interval types: names, DDL and JSON as Spark's", () => {
  assert.equal(catalogString(parseDataType("interval year to month")), "interval year to month");
  assert.equal(catalogString(parseDataType("INTERVAL HOUR")), "interval hour");
  assert.equal(catalogString(parseDataType("interval")), "interval");
  const t = parseDataType("struct<a: interval day to second, b: interval month>");
  assert.equal(schemaToJson(t), '{"type":"struct","fields":[{"name":"a","type":"interval day to second","nullable":true,"metadata":{}},{"name":"b","type":"interval month","nullable":true,"metadata":{}}]}');
  assert.deepEqual(schemaFromJson('"interval minute to second"'), DayTimeIntervalType(2, 3));
  assert.deepEqual(schemaFromJson('"interval year"'), YearMonthIntervalType(0, 0));
});

test("literals: multi-unit and unit-to-unit forms get ANSI types", async () => {
  assert.deepEqual(await run("select interval 2 years 4 months"), { schema: "struct<INTERVAL '2-4' YEAR TO MONTH:interval year to month>", rows: ["2-4"] });
  assert.deepEqual(await run("select interval 4 day 5 hour 6 minute 7 seconds"), {
    schema: "struct<INTERVAL '4 05:06:07' DAY TO SECOND:interval day to second>",
    rows: ["4 05:06:07.000000000"],
  });
  assert.deepEqual(await run("SELECT interval '2 weeks 2 days 1 hour 3 minutes 2 seconds 100 millisecond 200 microseconds'"), {
    schema: "struct<INTERVAL '16 01:03:02.1002' DAY TO SECOND:interval day to second>",
    rows: ["16 01:03:02.100200000"],
  });
  assert.deepEqual((await run("select interval -'1-1' year to month")).rows, ["-1-1"]);
  assert.deepEqual((await run("select interval '20 15:40:32.99899999' day to second")).rows, ["20 15:40:32.998999000"]);
  assert.deepEqual(await run("select interval 30 day day"), { schema: "struct<day:interval day>", rows: ["30 00:00:00.000000000"] });
  assert.deepEqual((await run("SELECT INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND")).rows, ["-106751991 04:00:54.775808000"]);
  await expectError("select interval 1 year 2 days", /Cannot mix year-month and day-time fields/);
  await expectError("SELECT INTERVAL '178956970-8' YEAR TO MONTH", /integer overflow/);
  await expectError("select interval '1 day 2' day", /Cannot parse the INTERVAL value/);
});

test("casts: strings to calendar intervals (null when invalid) and back", async () => {
  assert.deepEqual(await run("select cast('+     1 second' as interval)"), { schema: "struct<CAST(+     1 second AS INTERVAL):interval>", rows: ["1 seconds"] });
  assert.deepEqual((await run("select cast('- -1 second' as interval)")).rows, ["NULL"]);
  assert.deepEqual((await run("select cast(interval '1-2' year to month as string), cast(interval '3' hour as string)")).rows, [
    "INTERVAL '1-2' YEAR TO MONTH\tINTERVAL '03' HOUR",
  ]);
  assert.deepEqual((await run("select cast('1 02:03:04.5' as interval day to second), cast('10' as interval year)")).rows, ["1 02:03:04.500000000\t10-0"]);
  assert.deepEqual((await run("select cast(interval '1 02:03' day to minute as interval hour), cast(3 as interval minute), cast(interval '5' day as bigint)")).rows, [
    "1 02:00:00.000000000\t0 00:03:00.000000000\t5",
  ]);
  await expectError("select cast('1 day' as interval day to second)", /does not match day-time format/);
});

test("make_interval, make_dt_interval, make_ym_interval", async () => {
  assert.deepEqual(await run("select make_interval(1, 2, 3, 4, 5, 6, 7.008009)"), {
    schema: "struct<make_interval(1, 2, 3, 4, 5, 6, 7.008009):interval>",
    rows: ["1 years 2 months 25 days 5 hours 6 minutes 7.008009 seconds"],
  });
  assert.deepEqual((await run("select make_interval(1)")).schema, "struct<make_interval(1, 0, 0, 0, 0, 0, 0.000000):interval>");
  assert.deepEqual((await run("select make_dt_interval(1, 0, 0, 123456789012.123456)")).rows, ["1428899 00:30:12.123456000"]);
  assert.deepEqual((await run("select make_ym_interval(178956970, 7)")).rows, ["178956970-7"]);
  await expectError("select make_ym_interval(178956970, 8)", /integer overflow/);
});

test("arithmetic: intervals with numbers, dates and timestamps", async () => {
  assert.deepEqual(await run("select 3 * (timestamp'2019-10-15 10:11:12.001002' - date'2019-10-15')"), {
    schema: "struct<((TIMESTAMP '2019-10-15 10:11:12.001002' - DATE '2019-10-15') * 3):interval day to second>",
    rows: ["1 06:33:36.003006000"],
  });
  assert.deepEqual((await run("select interval 2 weeks 3 microseconds * 1.5")).rows, ["21 00:00:00.000005000"]);
  assert.deepEqual((await run("select (timestamp'2019-10-15' - timestamp'2019-10-14') / 1.5")).rows, ["0 16:00:00.000000000"]);
  assert.deepEqual(
    (await run("select interval '2-2' year to month + interval '3' month, interval '22:33.123456' minute to second - interval '10' day")).rows,
    ["2-5\t-9 23:37:26.876544000"],
  );
  assert.deepEqual(await run("select date'2012-01-01' - interval '2-2' year to month, date '2011-11-11' + 1, date'2011-11-11' - interval '2' day"), {
    schema: "struct<DATE '2012-01-01' - INTERVAL '2-2' YEAR TO MONTH:date,date_add(DATE '2011-11-11', 1):date,date_add(DATE '2011-11-11', (- extractansiintervaldays(INTERVAL '2' DAY))):date>",
    rows: ["2009-11-01\t2011-11-12\t2011-11-09"],
  });
  assert.deepEqual((await run("select date'2012-01-01' - interval '3' hour, timestamp'2011-11-11 11:11:11' + interval '2' day")).rows, [
    "2011-12-31 21:00:00\t2011-11-13 11:11:11",
  ]);
  assert.deepEqual(await run("select date'2001-10-01' - date'2001-09-28'"), { schema: "struct<(DATE '2001-10-01' - DATE '2001-09-28'):interval day>", rows: ["3 00:00:00.000000000"] });
  assert.deepEqual((await run("select -interval '-1 year 1 month', - interval '1 2:3:4.001' day to second")).rows, ["0-11\t-1 02:03:04.001000000"]);
  assert.deepEqual((await run("select timestamp'2019-03-09 12:00:00' + make_interval(0, 0, 0, 1)")).rows, ["2019-03-10 12:00:00"]);
  await expectError("select interval 2147483647 month * 2", /integer overflow/);
  await expectError("select interval '2' year / 0", /Division by zero/);
  await expectError("select timestamp'2011-11-11 11:11:11' - '2011-11-11 11:11:10'", /requires a timestamp operand/);
});

test("comparisons widen interval fields; year-month and day-time do not compare", async () => {
  assert.deepEqual((await run("SELECT INTERVAL '1' DAY > INTERVAL '1' HOUR, INTERVAL '-1-1' YEAR TO MONTH = INTERVAL '-13' MONTH")).rows, ["true\ttrue"]);
  await expectError("SELECT INTERVAL '1' YEAR < INTERVAL '1' DAY", /cannot compare/);
});

test("sum and avg of ANSI intervals keep interval types; min/max/group by work on them", async () => {
  assert.deepEqual(await run("select sum(i), avg(i), min(i), max(i) from values (interval '1' day), (interval '3' hour), (null) as t(i)"), {
    schema: "struct<sum(i):interval day to hour,avg(i):interval day to second,min(i):interval day to hour,max(i):interval day to hour>",
    rows: ["1 03:00:00.000000000\t0 13:30:00.000000000\t0 03:00:00.000000000\t1 00:00:00.000000000"],
  });
  assert.deepEqual((await run("select avg(i) from values (interval '1' year), (interval '3' month) as t(i)")).rows, ["0-8"]);
  await expectError("select sum(i) from values (interval '178956970' year), (interval '1' year) as t(i)", /integer overflow/);
});

test("extract and date_part of intervals", async () => {
  assert.deepEqual(await run("select extract(YEAR from interval '2-1' YEAR TO MONTH), date_part('MONTH', -interval '2-1' YEAR TO MONTH)"), {
    schema: "struct<extract(YEAR FROM INTERVAL '2-1' YEAR TO MONTH):int,date_part(MONTH, (- INTERVAL '2-1' YEAR TO MONTH)):tinyint>",
    rows: ["2\t-1"],
  });
  assert.deepEqual((await run("select extract(second from interval '123 12:34:56.789123' day to second), extract(hour from make_interval(0, 0, 0, 1, 30))")).rows, [
    "56.789123\t6",
  ]);
  await expectError("select extract(day from interval '2-1' year to month)", /cannot be extracted/);
});

test("try_add / try_divide of intervals give null instead of errors", async () => {
  assert.deepEqual(await run("SELECT try_add(interval 2 year, interval 2 year), try_add(date'2021-01-01', interval 2 second)"), {
    schema: "struct<try_add(INTERVAL '2' YEAR, INTERVAL '2' YEAR):interval year,try_add(DATE '2021-01-01', INTERVAL '02' SECOND):timestamp>",
    rows: ["4-0\t2021-01-01 00:00:02"],
  });
  assert.deepEqual((await run("SELECT try_add(interval 2147483647 month, interval 2 month), try_divide(interval 2 year, 0), try_divide(interval 2 second, 2)")).rows, [
    "NULL\tNULL\t0 00:00:01.000000000",
  ]);
  await expectError("SELECT try_add(interval 2 year, interval 2 second)", /interval/);
});

test("abs, signum and width_bucket of ANSI intervals", async () => {
  assert.deepEqual((await run("SELECT abs(INTERVAL '-10' YEAR), abs(INTERVAL -'1 02:03:04.123' DAY TO SECOND), signum(INTERVAL '-10' DAY)")).rows, [
    "10-0\t1 02:03:04.123000000\t-1.0",
  ]);
  assert.deepEqual((await run("SELECT width_bucket(INTERVAL '-59' MINUTE, INTERVAL -'1 01' DAY TO HOUR, INTERVAL '1 2:3:4.001' DAY TO SECOND, 10)")).rows, ["5"]);
});

test("JSON and CSV read and write intervals as Spark's text", async () => {
  assert.deepEqual((await run("SELECT to_json(map('a', interval 100 day 130 minute)), to_json(from_json('{\"a\":\"1\"}', 'a interval year'))")).rows, [
    `{"a":"INTERVAL '100 02:10' DAY TO MINUTE"}\t{"a":"INTERVAL '1' YEAR"}`,
  ]);
  assert.deepEqual((await run("SELECT from_json('{\"a\":\"1 days\"}', 'a interval'), to_csv(named_struct('a', interval 32 hour, 'b', interval 70 minute))")).rows, [
    `{1 days}\tINTERVAL '32' HOUR,INTERVAL '70' MINUTE`,
  ]);
});

test("SET TIME ZONE INTERVAL sets a zone offset", async () => {
  const s = new SparkSession("interval-set-zone", { "sluice.exec.workers": "0" });
  await s.sql("SET TIME ZONE INTERVAL '15:40:32' HOUR TO SECOND").collect();
  assert.equal(s.conf.sessionTimeZone(), "+15:40:32");
  await s.sql("SET TIME ZONE INTERVAL 10 HOURS").collect();
  assert.equal(s.conf.sessionTimeZone(), "+10:00");
  assert.throws(() => s.sql("SET TIME ZONE INTERVAL 24 HOURS"), /\[-18, \+18\] hours/);
  assert.throws(() => s.sql("SET TIME ZONE INTERVAL 10 HOURS 'GMT+1'"), /Invalid time zone displacement value/);
});

test("createDataFrame and collect carry intervals as months, microseconds and calendar objects", async () => {
  const df = spark.createDataFrame(
    [{ ym: 14, dt: 93_784_000_000n, c: { months: 1, days: 2, microseconds: 3_000_000n } }],
    "ym INTERVAL YEAR TO MONTH, dt INTERVAL DAY TO SECOND, c INTERVAL",
  );
  assert.deepEqual(await df.collect(), [{ ym: 14, dt: 93_784_000_000n, c: { months: 1, days: 2, microseconds: 3_000_000n } }]);
  df.createOrReplaceTempView("iv");
  assert.deepEqual((await run("select ym + interval '1' month, dt * 2, c from iv")).rows, ["1-3\t2 04:06:08.000000000\t1 months 2 days 3 seconds"]);
});

test("Parquet and Delta tables refuse interval columns by name, as Spark", async () => {
  await expectError("create table iv_p using parquet as select 1 as a, named_struct('x', interval '1' year) as s", /does not support the column 's\.x' of type INTERVAL YEAR/);
  await assert.rejects(
    async () => spark.createDataFrame([{ d: 1n }], "d INTERVAL DAY").write.mode("overwrite").parquet(`/tmp/sluice-interval-test-${process.pid}`),
    /parquet writer: column 'd' has type INTERVAL DAY, which Parquet cannot store/,
  );
});

test("TIMESTAMP_NTZ: literals, casts, arithmetic and a Parquet round trip", async () => {
  assert.deepEqual(
    await run(
      "select timestamp_ntz'2021-03-14 02:30:00.123456' as n, cast(timestamp_ntz'2021-03-14 02:30:00' as timestamp) as t, cast(timestamp'2021-01-01 00:00:00' as timestamp_ntz) as n2, " +
        "timestamp_ntz'2021-01-31 10:00:00' + interval 1 month as n3, timestamp_ntz'2021-01-02 00:00:00' - timestamp_ntz'2021-01-01 12:00:00' as d",
    ),
    {
      schema: "struct<n:timestamp_ntz,t:timestamp,n2:timestamp_ntz,n3:timestamp_ntz,d:interval day to second>",
      rows: ["2021-03-14 02:30:00.123456\t2021-03-14 03:30:00\t2021-01-01 00:00:00\t2021-02-28 10:00:00\t0 12:00:00.000000000"],
    },
  );
  const dir = mkdtempSync(join(tmpdir(), "sluice-ntz-"));
  try {
    const s = new SparkSession("interval-ntz-parquet", { "spark.sql.session.timeZone": "America/Los_Angeles", "sluice.exec.workers": "0", "spark.sql.warehouse.dir": dir });
    await s.sql("create table ntz_t using parquet as select timestamp_ntz'2021-03-14 02:30:00.123456' as n, date'2021-01-01' as d").collect();
    const back = s.sql("select n, n > d, n - d from ntz_t");
    assert.equal(catalogString(back.schema), "struct<n:timestamp_ntz,(n > d):boolean,(n - d):interval day to second>");
    assert.deepEqual(
      (await back.collect()).map((r) => Object.values(r).map(String)),
      [[new Date(Date.UTC(2021, 2, 14, 2, 30, 0, 123)).toString(), "true", "6229800123456"]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("spark.sql.timestampType=TIMESTAMP_NTZ makes TIMESTAMP literals and types TIMESTAMP_NTZ", async () => {
  const s = new SparkSession("interval-ntz-setting", { "spark.sql.session.timeZone": "UTC", "sluice.exec.workers": "0", "spark.sql.timestampType": "TIMESTAMP_NTZ" });
  const df = s.sql("select timestamp'2019-01-01 00:00:00' as a, cast('2019-01-01 10:00:00' as timestamp) as b, timestamp'2019-01-01 00:00:00Z' as c");
  assert.equal(catalogString(df.schema), "struct<a:timestamp_ntz,b:timestamp_ntz,c:timestamp>");
});

test("a Delta table with a TIMESTAMP_NTZ column gets the timestampNtz table feature", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-ntz-delta-"));
  try {
    const s = new SparkSession("interval-ntz-delta", { "sluice.exec.workers": "0", "spark.sql.warehouse.dir": dir, "spark.sql.session.timeZone": "UTC" });
    await s.sql("create table d1 using delta as select timestamp_ntz'2021-01-01 10:00:00' as n").collect();
    await s.sql("insert into d1 select timestamp_ntz'2022-01-01 10:00:00'").collect();
    const log = readFileSync(join(dir, "d1/_delta_log/00000000000000000000.json"), "utf8");
    assert.match(log, /"protocol":\{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":\["timestampNtz"\],"writerFeatures":\["timestampNtz"\]\}/);
    assert.deepEqual((await run2(s, "select n from d1 order by n")).rows, ["2021-01-01 10:00:00", "2022-01-01 10:00:00"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function run2(s: SparkSession, sql: string): Promise<{ rows: string[] }> {
  const rows: string[] = [];
  for (const b of await s.sql(sql).collectBatches()) {
    for (let i = 0; i < b.numRows; i++) rows.push(b.columns.map((c) => slotText(c, i, HIVE, requireZone("UTC"))).join("\t"));
  }
  return { rows };
}

test("JSON and CSV write and read TIMESTAMP_NTZ as wall-clock text", async () => {
  assert.deepEqual((await run("select to_json(named_struct('t', timestamp_ntz'2021-01-01 10:00:00.5')), to_csv(named_struct('t', timestamp_ntz'2021-01-01 10:00:00'))")).rows, [
    `{"t":"2021-01-01T10:00:00.500"}\t2021-01-01T10:00:00.000`,
  ]);
  assert.deepEqual((await run("select from_csv('2021-01-01 10:00:00', 't timestamp_ntz'), from_json('{\"t\":\"2021-01-01T10:00:00\"}', 't timestamp_ntz')")).rows, [
    `{2021-01-01 10:00:00}\t{2021-01-01 10:00:00}`,
  ]);
});
