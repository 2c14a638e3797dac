/**
 * The delta source over the Delta Acceptance Tests tables: `spark.read.format("delta")` (latest and
 * every expected `versionAsOf`) gives exactly the rows of readDeltaTable, and a stream started on
 * the table reads its latest snapshot in one availableNow run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../../../src/index.js";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { fixtureFolder } from "../../../support/fixtures.js";

const { dir: DAT, skip } = fixtureFolder("delta/dat");
const cases = existsSync(DAT) ? readdirSync(DAT).filter((n) => existsSync(`${DAT}/${n}/delta`)) : [];
const spark = SparkSession.builder.getOrCreate();

test("the DAT fixtures are there", { skip }, () => {
  assert.ok(cases.length >= 11, `no DAT fixtures at ${DAT}`);
});

/** Rows as sorted canonical strings (bigints, dates and bytes made comparable). */
function canonical(rows: readonly Record<string, unknown>[]): string[] {
  const replacer = (_k: string, v: unknown): unknown =>
    typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v instanceof Map ? [...v.entries()] : v;
  return rows.map((r) => JSON.stringify(r, replacer)).sort();
}

for (const name of cases) {
  const path = `${DAT}/${name}/delta`;
  const versions = readdirSync(`${DAT}/${name}/expected`).filter((d) => /^v\d+$/.test(d)).map((d) => Number(d.slice(1)));
  test(`DAT ${name}: spark.read at ${["latest", ...versions.map((v) => `v${v}`)].join(", ")}`, async () => {
    for (const v of [undefined, ...versions]) {
      const expected = await readDeltaTable(localFileSystem(), path.slice(1), v === undefined ? {} : { version: v });
      const reader = spark.read.format("delta");
      const df = (v === undefined ? reader : reader.option("versionAsOf", v)).load(path);
      assert.deepEqual(df.schema, expected.schema);
      assert.deepEqual(canonical(await df.collect()), canonical(expected.batches.flatMap(batchToRows)), `version ${v ?? "latest"}`);
    }
  });

  test(`DAT ${name}: a stream reads the latest snapshot`, async () => {
    const ck = mkdtempSync(join(tmpdir(), "sluice-dat-stream-"));
    try {
      const expected = await readDeltaTable(localFileSystem(), path.slice(1));
      const q = spark.readStream.format("delta").load(path).writeStream.format("memory").queryName(`dat_${name}`)
        .option("checkpointLocation", ck).trigger({ availableNow: true }).start();
      await q.awaitTermination();
      assert.deepEqual(canonical(await spark.table(`dat_${name}`).collect()), canonical(expected.batches.flatMap(batchToRows)));
    } finally {
      rmSync(ck, { recursive: true, force: true });
    }
  });
}
