import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession } from "../../../src/index.js";

function session(zone: string): SparkSession {
  return new SparkSession("tz-test", { "spark.sql.session.timeZone": zone, "sluice.exec.workers": "0" });
}

async function row(spark: SparkSession, sql: string): Promise<unknown[]> {
  const rows = await spark.sql(sql).collect();
  return Object.values(rows[0] as Record<string, unknown>);
}

test("timestamp literals, casts and renderings use the session time zone", async () => {
  const spark = session("America/Los_Angeles");
  const [s, d, utc] = await row(
    spark,
    "SELECT CAST(TIMESTAMP '2019-03-10 02:30:00' AS STRING), CAST(TIMESTAMP '2019-01-01 23:30:00' AS DATE), CAST(TIMESTAMP '2019-01-01 23:30:00' AS STRING)",
  );
  assert.equal(s, "2019-03-10 03:30:00"); // in the spring-forward gap: moved later, as java.time does
  assert.equal((d as Date).toISOString().slice(0, 10), "2019-01-01");
  assert.equal(utc, "2019-01-01 23:30:00");
  const [instant] = await row(spark, "SELECT TIMESTAMP '2019-01-01 00:00:00'");
  assert.equal((instant as Date).toISOString(), "2019-01-01T08:00:00.000Z");
  const [explicit] = await row(spark, "SELECT TIMESTAMP '2019-01-01 00:00:00 Europe/Paris'");
  assert.equal((explicit as Date).toISOString(), "2018-12-31T23:00:00.000Z");
});

test("datetime functions read and write wall-clock times in the session time zone", async () => {
  const spark = session("America/Los_Angeles");
  const r = await row(
    spark,
    `SELECT hour(TIMESTAMP '2019-06-01 12:00:00 UTC'), from_unixtime(0), date_format(TIMESTAMP '2019-06-01 12:00:00 UTC', 'yyyy-MM-dd HH:mm xxx'),
            CAST(to_timestamp('2019-06-01 05:00', 'yyyy-MM-dd HH:mm') AS STRING), unix_timestamp('1970-01-01 00:00:00'),
            CAST(date_trunc('DAY', TIMESTAMP '2019-06-01 23:00:00') AS STRING), CAST(CAST(DATE '2019-06-01' AS TIMESTAMP) AS STRING),
            CAST('2019-06-01 10:00:00' AS TIMESTAMP) = TIMESTAMP '2019-06-01 17:00:00 UTC'`,
  );
  assert.deepEqual(r, [5, "1969-12-31 16:00:00", "2019-06-01 05:00 -07:00", "2019-06-01 05:00:00", 28800n, "2019-06-01 00:00:00", "2019-06-01 00:00:00", true]);
});

test("a query keeps the zone it was analysed with; show() renders in the session zone", async () => {
  const spark = session("UTC");
  const df = spark.sql("SELECT CAST(TIMESTAMP '2020-01-01 00:00:00' AS STRING) AS s, TIMESTAMP '2020-01-01 00:00:00' AS t");
  spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo");
  assert.deepEqual(Object.values((await df.collect())[0] as Record<string, unknown>)[0], "2020-01-01 00:00:00");
  assert.match(await df.showString(), /\|2020-01-01 00:00:00\|2020-01-01 09:00:00\|/);
  const tokyo = await row(spark, "SELECT CAST(TIMESTAMP '2020-01-01 00:00:00' AS STRING), hour(TIMESTAMP '2020-01-01 00:00:00 UTC')");
  assert.deepEqual(tokyo, ["2020-01-01 00:00:00", 9]);
});

test("an unknown session time zone is refused when set", () => {
  const spark = session("UTC");
  assert.throws(() => spark.conf.set("spark.sql.session.timeZone", "Mars/Olympus"), /time zone/);
});

test("SET TIME ZONE sets the session zone from a zone id, LOCAL or an interval within 18 hours", async () => {
  const spark = session("UTC");
  const set = async (sql: string) => Object.values((await spark.sql(sql).collect())[0] as Record<string, unknown>)[1];
  assert.equal(await set("SET TIME ZONE 'Asia/Hong_Kong'"), "Asia/Hong_Kong");
  assert.equal(spark.conf.sessionTimeZone(), "Asia/Hong_Kong");
  assert.equal(await set("SET TIME ZONE INTERVAL 10 HOURS"), "+10:00");
  assert.equal(await set("SET TIME ZONE INTERVAL '15:40:32' HOUR TO SECOND"), "+15:40:32");
  assert.equal(await set("SET TIME ZONE INTERVAL -3 HOURS 30 MINUTES"), "-02:30");
  assert.equal(await set("SET TIME ZONE LOCAL"), "UTC"); // the test runner's TZ
  for (const bad of ["SET TIME ZONE", "SET TIME ZONE INTERVAL 3 DAYS", "SET TIME ZONE INTERVAL 24 HOURS", "SET TIME ZONE INTERVAL 10 HOURS 'GMT+1'"]) {
    assert.throws(() => spark.sql(bad), /TEMP_004[45]/, bad);
  }
  assert.throws(() => spark.sql("SET TIME ZONE 'invalid/zone'"), /time zone/);
});

test("window() over a string time column casts it to a timestamp in the session zone", async () => {
  const spark = session("America/Los_Angeles");
  const rows = await spark
    .sql(
      "SELECT a, CAST(window.start AS STRING) AS s, count(*) AS n FROM VALUES ('A1', '2021-01-01 00:00:00'), ('A1', '2021-01-01 00:04:30'), ('A1', '2021-01-01 00:06:00') AS tab(a, b) GROUP BY a, window(b, '5 minutes') ORDER BY s",
    )
    .collect();
  assert.deepEqual(rows.map((r) => `${r.s} ${r.n}`), ["2021-01-01 00:00:00 2", "2021-01-01 00:05:00 1"]);
});

test("a time alone casts to today's date at that time in the session zone", async () => {
  const spark = session("Asia/Tokyo");
  const [h, m, s, isToday] = await row(spark, "SELECT hour('10:11:12'), minute('10:11:12'), second('T10:11:12'), CAST(CAST('10:11:12' AS TIMESTAMP) AS DATE) = current_date()");
  assert.deepEqual([h, m, s, isToday], [10, 11, 12, true]);
});

test("function settings of the session are read at analysis: concatBinaryAsString, eltOutputAsString", async () => {
  const spark = session("UTC");
  assert.equal(spark.sql("SELECT concat(X'41', X'42') AS c").schema.fields[0].dataType.typeName, "binary");
  spark.conf.set("spark.sql.function.concatBinaryAsString", "true");
  spark.conf.set("spark.sql.function.eltOutputAsString", "true");
  const [c, e] = await row(spark, "SELECT concat(X'41', X'42'), elt(1, X'43', X'44')");
  assert.deepEqual([c, e], ["AB", "C"]);
});

test("CSV and JSON files read zone-less timestamps in the session zone unless the timeZone option says otherwise", async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "sluice-tz-files-"));
  try {
    writeFileSync(join(dir, "a.csv"), "2015-08-26 10:00:00\n2019-03-10 02:30:00\n2015-08-26 10:00:00Z\n");
    writeFileSync(join(dir, "a.json"), '{"t":"2015-08-26 10:00:00"}\n');
    const spark = session("America/Los_Angeles");
    const epochs = async (df: ReturnType<SparkSession["sql"]>) => (await df.selectExpr("unix_timestamp(t) AS u").collect()).map((r) => (r as { u: bigint }).u);
    const csv = spark.read.schema("t timestamp").csv(join(dir, "a.csv"));
    // 10:00 PDT is 17:00 UTC; 02:30 falls in the spring-forward gap and moves to 03:30 PDT; a Z keeps UTC.
    assert.deepEqual(await epochs(csv), [1440608400n, 1552213800n, 1440583200n]);
    const utcCsv = spark.read.schema("t timestamp").option("timeZone", "UTC").csv(join(dir, "a.csv"));
    assert.deepEqual((await epochs(utcCsv))[0], 1440583200n);
    assert.deepEqual(await epochs(spark.read.schema("t timestamp").json(join(dir, "a.json"))), [1440608400n]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
