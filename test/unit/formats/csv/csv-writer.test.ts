import { test } from "node:test";
import assert from "node:assert/strict";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { CSV_WRITE_DEFAULTS, checkCsvSchema, csvHeader, writeCsvLines } from "../../../../src/formats/csv/csv-writer.js";
import { AnalysisError } from "../../../../src/errors.js";

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

test("values as Spark's CSV writer prints them; quoting, escaping, trimming, null and empty", () => {
  const schema = toSchema("s STRING, n BIGINT, d DOUBLE, f FLOAT, b BOOLEAN, m DECIMAL(10,2), day DATE, ts TIMESTAMP");
  const batch = batchFromRows(schema, [
    { s: "plain", n: 1n, d: 1.5, f: 0.1, b: true, m: 123456n, day: 19_700, ts: 1_700_000_000_123_000n },
    { s: 'a,b "q"', n: -2n, d: 1e21, f: 3, b: false, m: -5n, day: 0, ts: 0n },
    { s: "  padded\t", n: null, d: Number.NaN, f: Number.POSITIVE_INFINITY, b: null, m: null, day: null, ts: null },
    { s: "", n: 0n, d: -0, f: 1e-7, b: true, m: 0n, day: 1, ts: 1n },
    { s: "line\nbreak", n: 3n, d: 0.1, f: 0.5, b: true, m: 1n, day: 2, ts: 2n },
  ]);
  assert.equal(
    dec(writeCsvLines(batch, CSV_WRITE_DEFAULTS)),
    [
      "plain,1,1.5,0.1,true,1234.56,2023-12-09,2023-11-14T22:13:20.123Z",
      '"a,b \\"q\\"",-2,1.0E21,3.0,false,-0.05,1970-01-01,1970-01-01T00:00:00.000Z',
      "padded,,NaN,Infinity,,,,",
      '"",0,-0.0,1.0E-7,true,0.00,1970-01-02,1970-01-01T00:00:00.000Z',
      '"line\nbreak",3,0.1,0.5,true,0.01,1970-01-03,1970-01-01T00:00:00.000Z',
      "",
    ].join("\n"),
  );
  const o = { ...CSV_WRITE_DEFAULTS, sep: ";", quote: "'", escape: "'", nullValue: "NULL", quoteAll: true, header: true };
  assert.equal(dec(csvHeader(toSchema("a STRING, `b;c` INT"), o)), "'a';'b;c'\n");
  assert.equal(dec(writeCsvLines(batchFromRows(toSchema("a STRING, b INT"), [{ a: "it's", b: null }]), o)), "'it''s';NULL\n");
  assert.equal(dec(writeCsvLines(batchFromRows(toSchema("a STRING"), [{ a: 'x,"y"' }]), { ...CSV_WRITE_DEFAULTS, quote: "" })), 'x,"y"\n', "an empty quote turns quoting off");
  assert.equal(dec(writeCsvLines(batchFromRows(toSchema("a STRING"), [{ a: "x,y\\" }]), CSV_WRITE_DEFAULTS)), '"x,y\\\\"\n', "the escape character is escaped inside quotes");
  assert.throws(() => checkCsvSchema(toSchema("a ARRAY<INT>")), (e: unknown) => e instanceof AnalysisError && /does not support array<int> data type \(column a\)/.test(e.message));
});
