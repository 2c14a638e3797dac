/**
 * Spark 3.5 datetime patterns and the zone-dependent datetime functions, checked against Spark's
 * golden files (datetime-formatting*.sql.out, datetime-parsing-invalid.sql.out, timestamp.sql.out,
 * timestamp-ltz.sql.out, extract.sql.out) and documented examples, in the session time zone
 * America/Los_Angeles as the golden files were generated.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession } from "../../../../src/api/session.js";
import { isValid } from "../../../../src/columnar/vector.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import { valueAt } from "../../../../src/columnar/values.js";
import { formatTimestamp } from "../../../../src/exec/eval/datetime.js";
import { zoneRules } from "../../../../src/columnar/time-zone.js";
import { dateTimeFormatter } from "../../../../src/exec/eval/datetime-pattern.js";
import {
  current_timezone,
  date_part,
  datepart,
  extract,
  from_utc_timestamp,
  lit,
  make_timestamp,
  make_timestamp_ltz,
  second,
  to_timestamp_ltz,
  to_unix_timestamp,
  to_utc_timestamp,
  try_to_timestamp,
} from "../../../../src/api/functions.js";

const LA = "America/Los_Angeles";
const spark = new SparkSession("datetime-functions-spark", { "spark.sql.session.timeZone": LA, "sluice.exec.workers": "0" });
const la = zoneRules(LA) ?? assert.fail("no zone");

/** A timestamp as Spark shows it in the session zone, a decimal as its text, anything else as its JS value. */
function cell(v: Vector): unknown {
  if (!isValid(v, 0)) return null;
  if (v.kind === "i64" && v.type.typeName === "timestamp") return formatTimestamp(v.values[0], la);
  if (v.kind === "decimal") {
    const s = v.values[0].toString().padStart(v.type.scale + 1, "0");
    return `${s.slice(0, -v.type.scale)}.${s.slice(-v.type.scale)}`;
  }
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

const TS = "timestamp'1582-05-31 19:40:35.123'";
const TS2 = "timestamp'2018-11-17 05:33:33.123'";

test("date_format: every letter Spark 3.5 allows (datetime-formatting.sql.out)", async () => {
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'G GG GGG GGGG'), date_format(${TS}, 'y yy yyy yyyy yyyyy yyyyyy')`), [
    "AD AD AD Anno Domini",
    "1582 82 1582 1582 01582 001582",
  ]);
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'q qq'), date_format(${TS}, 'Q QQ QQQ QQQQ'), date_format(${TS2}, 'M MM MMM MMMM'), date_format(${TS2}, 'L LL')`), [
    "2 02",
    "2 02 Q2 2nd quarter",
    "11 11 Nov November",
    "11 11",
  ]);
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'E EE EEE EEEE'), date_format(${TS}, 'F'), date_format(${TS}, 'd dd'), date_format(${TS}, 'D DD DDD')`), [
    "Mon Mon Mon Monday",
    "3",
    "31 31",
    "151 151 151",
  ]);
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'H HH h hh k kk K KK m mm s ss a')`), ["19 19 7 07 19 19 7 07 40 40 35 35 PM"]);
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'S SS SSS SSSS SSSSS SSSSSS SSSSSSS SSSSSSSS SSSSSSSSS')`), [
    "1 12 123 1230 12300 123000 1230000 12300000 123000000",
  ]);
});

test("date_format: zones and offsets, local mean time before 1883 included", async () => {
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'VV'), date_format(${TS}, 'z zz zzz zzzz'), date_format(${TS2}, 'z zzzz')`), [
    LA,
    "PST PST PST Pacific Standard Time",
    "PST Pacific Standard Time",
  ]);
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'X XX XXX XXXX XXXXX'), date_format(${TS2}, 'X XX XXX XXXX XXXXX')`), [
    "-0752 -0752 -07:52 -075258 -07:52:58",
    "-08 -0800 -08:00 -0800 -08:00",
  ]);
  assert.deepEqual(await row(`SELECT date_format(${TS}, 'Z ZZ ZZZ ZZZZ ZZZZZ'), date_format(${TS}, 'O OOOO'), date_format(${TS2}, 'O OOOO x xx xxx')`), [
    "-0752 -0752 -0752 GMT-07:52:58 -07:52:58",
    "GMT-7:52:58 GMT-07:52:58",
    "GMT-8 GMT-08:00 -08 -0800 -08:00",
  ]);
  assert.deepEqual(await row(`SELECT date_format(${TS}, '[yyyy-MM-dd HH:mm:ss]'), date_format(${TS}, "''"), date_format(${TS}, "姚123'GyYqQ'")`), [
    "1582-05-31 19:40:35",
    "'",
    "姚123GyYqQ",
  ]);
});

test("patterns Spark 3.5 refuses: upgrade error where SimpleDateFormat took them, else IllegalArgumentException", async () => {
  for (const p of ["GGGGG", "yyyyyyy", "MMMMM", "LLLLL", "EEEEE", "FF", "ddd", "DDDD", "HHH", "aa", "zzzzz", "ZZZZZZ", "SSSSSSSSSS", "Y", "w", "W", "u"]) {
    await rejects(`SELECT date_format(${TS2}, '${p}')`, /DATETIME_PATTERN_RECOGNITION/);
  }
  await rejects(`SELECT date_format(${TS2}, 'qqqqq')`, /Too many pattern letters: q/);
  await rejects(`SELECT date_format(${TS2}, 'V')`, /Pattern letter count must be 2: V/);
  await rejects(`SELECT date_format(${TS2}, 'OO')`, /Pattern letter count must be 1 or 4: O/);
  await rejects(`SELECT date_format(${TS2}, 'e')`, /week-based/);
  for (const p of ["A", "n", "N", "p", "B"]) await rejects(`SELECT date_format(${TS2}, '${p}')`, new RegExp(`Illegal pattern character: ${p}`));
  await rejects(`SELECT date_format(${TS2}, 'C')`, /Unknown pattern letter: C/);
  // E is for formatting only.
  await rejects("SELECT to_timestamp('22 05 2020 Friday', 'dd MM yyyy EEEEE')", /DATETIME_PATTERN_RECOGNITION/);
  await rejects("SELECT to_timestamp('22 05 2020 Fri', 'dd MM yyyy E')", /DATETIME_PATTERN_RECOGNITION/);
});

test("to_timestamp with a pattern: optional sections, variable fractions, zone names (timestamp.sql.out)", async () => {
  const p = "'yyyy-MM-dd HH:mm:ss.SSSSSS[zzz]'";
  assert.deepEqual(
    await row(
      `SELECT to_timestamp('2019-10-06 10:11:12.', ${p}), to_timestamp('2019-10-06 10:11:12.0', ${p}), to_timestamp('2019-10-06 10:11:12.123UTC', ${p}), ` +
        `to_timestamp('2019-10-06 10:11:12.12345CST', ${p}), to_timestamp('2019-10-06 10:11:12.1234567PST', ${p})`,
    ),
    [null, "2019-10-06 10:11:12", "2019-10-06 03:11:12.123", "2019-10-06 08:11:12.12345", null],
  );
  assert.deepEqual(
    await row(
      "SELECT to_timestamp('123456 2019-10-06 10:11:12.123456PST', 'SSSSSS yyyy-MM-dd HH:mm:ss.SSSSSS[zzz]'), " +
        "to_timestamp('223456 2019-10-06 10:11:12.123456PST', 'SSSSSS yyyy-MM-dd HH:mm:ss.SSSSSS[zzz]'), " +
        "to_timestamp('2019-10-06 10:11', 'yyyy-MM-dd HH:mm[:ss.SSSSSS]'), to_timestamp('2019-10-06 10:11:12.12', 'yyyy-MM-dd HH:mm[:ss.SSSSSS]')",
    ),
    ["2019-10-06 10:11:12.123456", null, "2019-10-06 10:11:00", "2019-10-06 10:11:12.12"],
  );
  assert.deepEqual(
    await row(
      `SELECT to_timestamp("12.12342019-10-06S10:11", "ss.SSSSyyyy-MM-dd'S'HH:mm"), to_timestamp("12.1232019-10-06S10:11", "ss.SSSSyyyy-MM-dd'S'HH:mm"), ` +
        `to_timestamp("12.1234019-10-06S10:11", "ss.SSSSy-MM-dd'S'HH:mm"), to_timestamp("2019-10-06T10:11:12'12", "yyyy-MM-dd'T'HH:mm:ss''SSSS")`,
    ),
    ["2019-10-06 10:11:12.1234", null, "0019-10-06 10:11:12.1234", "2019-10-06 10:11:12.12"],
  );
  assert.deepEqual(
    await row("SELECT to_timestamp('16', 'dd'), to_timestamp('02-29', 'MM-dd'), to_timestamp('2019 40', 'yyyy mm'), to_timestamp('2019 10:10:10', 'yyyy hh:mm:ss'), to_timestamp('20191006', 'yyyyMMdd')"),
    ["1970-01-16 00:00:00", null, "2019-01-01 00:40:00", "2019-01-01 10:10:10", "2019-10-06 00:00:00"],
  );
});

test("texts only the legacy parser reads raise the upgrade error; others are null (datetime-parsing-invalid.sql.out)", async () => {
  for (const [text, pattern] of [["1", "yy"], ["123", "yy"], ["1", "yyy"], ["9", "DD"], ["9", "DDD"], ["99", "DDD"]]) {
    await rejects(`SELECT to_timestamp('${text}', '${pattern}')`, /PARSE_DATETIME_BY_NEW_PARSER/);
  }
  assert.deepEqual(
    await row(
      "SELECT to_timestamp('-12', 'yy'), to_timestamp('366', 'D'), to_timestamp('30-365', 'dd-DDD'), to_timestamp('2020-11-31-366', 'yyyy-MM-dd-DDD'), " +
        "to_date('2020-01-27T20:06:11.847', 'yyyy-MM-dd HH:mm:ss.SSS'), unix_timestamp('Unparseable', 'yyyy-MM-dd HH:mm:ss.SSS'), to_unix_timestamp('Unparseable', 'yyyy-MM-dd HH:mm:ss.SSS')",
    ),
    [null, null, null, null, null, null, null],
  );
  await rejects("SELECT to_timestamp('294248', 'y')", /ARITHMETIC_OVERFLOW|overflow/);
});

test("unix_timestamp / from_unixtime / to_timestamp_ltz in the session zone", async () => {
  assert.deepEqual(
    await row("SELECT unix_timestamp('2016-04-08', 'yyyy-MM-dd'), to_unix_timestamp('2016-04-08', 'yyyy-MM-dd'), from_unixtime(0, 'yyyy-MM-dd HH:mm:ss'), from_unixtime(0)"),
    [1460098800n, 1460098800n, "1969-12-31 16:00:00", "1969-12-31 16:00:00"],
  );
  assert.deepEqual(await row("SELECT to_timestamp_ltz('2016-12-31 00:12:00'), to_timestamp_ltz('2016-12-31', 'yyyy-MM-dd'), to_timestamp_ltz(to_date('2016-12-31'))"), [
    "2016-12-31 00:12:00",
    "2016-12-31 00:00:00",
    "2016-12-31 00:00:00",
  ]);
  assert.deepEqual(await row("SELECT current_timezone()"), [LA]);
});

test("from_utc_timestamp / to_utc_timestamp (Spark's documented examples)", async () => {
  assert.deepEqual(await row("SELECT from_utc_timestamp('2016-08-31', 'Asia/Seoul'), to_utc_timestamp('2016-08-31', 'Asia/Seoul')"), [
    "2016-08-31 09:00:00",
    "2016-08-30 15:00:00",
  ]);
});

test("make_timestamp / make_timestamp_ltz (timestamp-ltz.sql.out, datetime-special.sql.out)", async () => {
  assert.deepEqual(
    await row(
      "SELECT make_timestamp_ltz(2021, 07, 11, 6, 30, 45.678), make_timestamp_ltz(2021, 07, 11, 6, 30, 45.678, 'CET'), make_timestamp_ltz(2021, 07, 11, 6, 30, 60.007), " +
        "make_timestamp(2019, 12, 31, 23, 59, 60), make_timestamp(2019, 2, 30, 0, 0, 0)",
    ),
    ["2021-07-11 06:30:45.678", "2021-07-10 21:30:45.678", null, "2020-01-01 00:00:00", null],
  );
});

test("timestampadd / timestampdiff: units as identifiers, arithmetic on the wall clock", async () => {
  assert.deepEqual(
    await row(
      "SELECT timestampadd(MONTH, -1, timestamp'2022-02-14 01:02:03'), timestampadd(MINUTE, 58, timestamp'2022-02-14 01:02:03'), " +
        "timestampadd(YEAR, 1, date'2022-02-15'), timestampadd(SECOND, -1, date'2022-02-15'), timestampadd(MONTH, 1, timestamp'2022-01-31 00:00:00')",
    ),
    ["2022-01-14 01:02:03", "2022-02-14 02:00:03", "2023-02-15 00:00:00", "2022-02-14 23:59:59", "2022-02-28 00:00:00"],
  );
  assert.deepEqual(
    await row(
      "SELECT timestampdiff(MONTH, timestamp'2022-02-14 01:02:03', timestamp'2022-01-14 01:02:03'), timestampdiff(MINUTE, timestamp'2022-02-14 01:02:03', timestamp'2022-02-14 02:00:03'), " +
        "timestampdiff(YEAR, date'2022-02-15', date'2023-02-15'), timestampdiff(SECOND, date'2022-02-15', timestamp'2022-02-14 23:59:59'), timestampdiff(DAY, timestamp'2022-02-14 10:00:00', timestamp'2022-02-16 09:00:00')",
    ),
    [-1n, 58n, 1n, -1n, 1n],
  );
  await rejects("SELECT timestampadd('MONTH', -1, timestamp'2022-02-14 01:02:03')", /INVALID_PARAMETER_VALUE.DATETIME_UNIT/);
  await rejects("SELECT timestampdiff('YEAR', date'2022-02-15', date'2023-02-15')", /INVALID_PARAMETER_VALUE.DATETIME_UNIT/);
});

test("extract / date_part: Spark 3.5's fields and aliases (extract.sql.out)", async () => {
  const c = "'2011-05-06 07:08:09.1234567'";
  assert.deepEqual(
    await row(
      `SELECT extract(year FROM ${c}), extract(yearofweek FROM ${c}), extract(quarter FROM ${c}), extract(mon FROM ${c}), extract(week FROM ${c}), ` +
        `extract(d FROM ${c}), extract(dow FROM ${c}), extract(dow_iso FROM ${c}), extract(doy FROM ${c}), extract(hrs FROM ${c}), extract(m FROM ${c}), extract(secs FROM ${c})`,
    ),
    [2011, 2011, 2, 5, 18, 6, 6, 5, 126, 7, 8, "9.123456"],
  );
  assert.deepEqual(await row(`SELECT date_part('week', timestamp'2019-08-12 01:00:00.123456'), date_part('SECONDS', timestamp'2019-10-01 00:00:01.000001'), date_part(null, ${c})`), [
    33,
    "1.000001",
    null,
  ]);
  await rejects(`SELECT extract(not_supported FROM ${c})`, /INVALID_EXTRACT_FIELD/);
});

test("the compiled formatter parses and formats without a session", () => {
  const f = dateTimeFormatter("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", false);
  assert.equal(f.format(1_570_381_872_123_000n, la), "2019-10-06T10:11:12.123-07:00");
  const p = dateTimeFormatter("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", true);
  assert.equal(p.parse("2019-10-06T10:11:12.123-07:00", la), 1_570_381_872_123_000n);
  assert.equal(p.parse("2019-10-06T10:11:12.123Z", la), 1_570_356_672_123_000n);
});

test("Column builders build the same calls", async () => {
  const df = spark.sql("SELECT timestamp'2016-08-31 00:00:07' AS ts, '2016-08-31' AS s, 2021 AS y, 7 AS mo, 11 AS d, 6 AS h, 30 AS mi, 45.678 AS sec");
  const batches = await df
    .select(
      from_utc_timestamp("ts", "Asia/Seoul"),
      to_utc_timestamp("ts", "Asia/Seoul"),
      extract("YEAR", "ts"),
      date_part("doy", "s"),
      datepart("week", "s"),
      second("ts"),
      to_timestamp_ltz("s", "yyyy-MM-dd"),
      to_unix_timestamp("s", "yyyy-MM-dd"),
      make_timestamp("y", "mo", "d", "h", "mi", "sec"),
      make_timestamp_ltz("y", "mo", "d", "h", "mi", "sec", lit("CET")),
      current_timezone(),
    )
    .collectBatches();
  const b = batches.find((x) => x.numRows > 0) ?? assert.fail("no row");
  assert.deepEqual(b.columns.map(cell), [
    "2016-08-31 09:00:07",
    "2016-08-30 15:00:07",
    2016,
    244,
    35,
    7,
    "2016-08-31 00:00:00",
    1472626800n,
    "2021-07-11 06:30:45.678",
    "2021-07-10 21:30:45.678",
    LA,
  ]);
});

test("try_to_timestamp (try_datetime_functions.sql.out)", async () => {
  assert.deepEqual(
    await row("SELECT try_to_timestamp('2016-12-31', 'yyyy-MM-dd'), try_to_timestamp(1), try_to_timestamp('2016-12-31 abc'), try_to_timestamp('02-29', 'MM-dd')"),
    ["2016-12-31 00:00:00", "1969-12-31 16:00:01", null, null],
  );
  await rejects("SELECT try_to_timestamp('22 05 2020 Friday', 'dd MM yyyy EEEEEE')", /DATETIME_PATTERN_RECOGNITION/);
  const b = (await spark.sql("SELECT '2016-12-31' AS s").select(try_to_timestamp("s", lit("yyyy-MM-dd"))).collectBatches()).find((x) => x.numRows > 0);
  assert.equal(cell(b?.columns[0] ?? assert.fail("no row")), "2016-12-31 00:00:00");
});

test("without a pattern, to_date and to_timestamp read as CAST (ParseToTimestamp's replacement)", async () => {
  assert.deepEqual(await row("SELECT string(to_date('2016-12-31 abc')), string(to_date('2016-12-31T10:00')), to_timestamp('2016-12-31 abc'), to_timestamp(date'2016-12-31', 'yyyy')"), [
    "2016-12-31",
    "2016-12-31",
    null,
    "2016-12-31 00:00:00",
  ]);
  assert.deepEqual(await row("SELECT to_timestamp('2016-12-31 10:11:12 xyz'), to_timestamp('2016-12-31 10:11:12 UTC')"), [null, "2016-12-31 02:11:12"]);
});

test("a pattern may be a column, and a NULL pattern gives null", async () => {
  spark.sql("CREATE OR REPLACE TEMPORARY VIEW patterns AS SELECT * FROM VALUES ('2019-10-06', 'yyyy-MM-dd'), ('06/10/2019', 'dd/MM/yyyy'), ('x', NULL) AS t(s, p)");
  const batches = await spark.sql("SELECT to_timestamp(s, p), date_format(to_timestamp(s, p), p), unix_timestamp(s, p), string(to_date(s, p)) FROM patterns").collectBatches();
  const rows: unknown[][] = [];
  for (const b of batches) for (let i = 0; i < b.numRows; i++) rows.push(b.columns.map((c) => (isValid(c, i) ? (c.kind === "i64" && c.type.typeName === "timestamp" ? formatTimestamp(c.values[i], la) : valueAt(c, i)) : null)));
  assert.deepEqual(rows, [
    ["2019-10-06 00:00:00", "2019-10-06", 1570345200n, "2019-10-06"],
    ["2019-10-06 00:00:00", "06/10/2019", 1570345200n, "2019-10-06"],
    [null, null, null, null],
  ]);
  assert.deepEqual(await row("SELECT to_timestamp('2019-10-06', NULL), date_format(timestamp'2019-10-06 00:00:00', NULL), string(to_date('2019-10-06', NULL))"), [null, null, null]);
});

test("zone names beyond North America, as the JRE's English names", () => {
  const f = dateTimeFormatter("z zzzz", false);
  const winter = 1_547_510_400_000_000n;
  const summer = 1_563_148_800_000_000n;
  const name = (id: string, at: bigint) => f.format(at, zoneRules(id) ?? assert.fail(id));
  assert.equal(name("Europe/Paris", winter), "CET Central European Standard Time");
  assert.equal(name("Europe/Paris", summer), "CEST Central European Summer Time");
  assert.equal(name("Asia/Tokyo", winter), "JST Japan Standard Time");
  assert.equal(name("Asia/Kolkata", winter), "IST India Standard Time");
  assert.equal(name("+08:00", winter), "+08:00 +08:00");
  const p = dateTimeFormatter("yyyy-MM-dd HH:mm z", true);
  assert.equal(p.parse("2019-01-15 09:00 CET", la), 1_547_539_200_000_000n);
  assert.equal(p.parse("2019-01-15 17:00 JST", la), 1_547_539_200_000_000n);
  assert.equal(p.parse("2019-01-15 08:00 Europe/London", la), 1_547_539_200_000_000n);
});

test("DateFunctionsSuite / DateExpressionsSuite: null where both parsers fail, the upgrade error where only the legacy one reads", async () => {
  spark.sql("CREATE OR REPLACE TEMPORARY VIEW xs AS SELECT * FROM VALUES (1, '2015-07-24 10:00:00'), (2, '2015-25-07 02:02:02'), (3, '2015-07-24 25:02:02'), (4, '2015-24-07 26:02:02') AS t(k, x)");
  const column = async (sql: string): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (const b of await spark.sql(sql).collectBatches()) for (let i = 0; i < b.numRows; i++) out.push(isValid(b.columns[0], i) ? valueAt(b.columns[0], i) : null);
    return out;
  };
  const secs = (text: string) => Math.floor(Date.parse(`${text.replace(" ", "T")}-07:00`) / 1000);
  assert.deepEqual(await column("SELECT unix_timestamp(x) FROM xs ORDER BY k"), [BigInt(secs("2015-07-24 10:00:00")), null, null, null]);
  assert.deepEqual(await column("SELECT unix_timestamp(x, 'yyyy-dd-MM HH:mm:ss') FROM xs ORDER BY k"), [null, BigInt(secs("2015-07-25 02:02:02")), null, null]);
  assert.deepEqual(await column("SELECT unix_timestamp(x, 'yyyy-MM-dd mm:HH:ss') FROM xs ORDER BY k"), [BigInt(secs("2015-07-24 00:10:00")), null, BigInt(secs("2015-07-24 02:25:02")), null]);
  await rejects("SELECT unix_timestamp(x, 'yyyy-MM-dd aa:HH:ss') FROM xs", /DATETIME_PATTERN_RECOGNITION/);
  for (const f of ["to_timestamp", "unix_timestamp", "to_unix_timestamp"]) {
    await rejects(`SELECT ${f}('2020-01-27T20:06:11.847!!!', "yyyy-MM-dd'T'HH:mm:ss.SSS")`, /PARSE_DATETIME_BY_NEW_PARSER/);
  }
});
