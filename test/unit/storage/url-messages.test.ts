/**
 * Paths in messages have one form: a local object is `file:///abs/path` (three slashes, the leading
 * `/` of the path kept), never `file:////abs/path` from joining the root `file:///` with `/`, nor
 * a key without its leading `/`. Representative messages, as users meet them: a source path that
 * is missing, a sink path that cannot be written, a corrupt checkpoint, a Delta path without a
 * table, a Delta data file gone, a corrupt Delta commit.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, MemoryStream, DeltaTable, SluiceError } from "../../../src/index.js";
import { localFileSystem, resolveLocation } from "../../../src/storage/resolve.js";
import { toDisplayUrl } from "../../../src/storage/url.js";
import { readHistory } from "../../../src/tables/delta/history.js";
import { vacuumTable } from "../../../src/tables/delta/vacuum.js";

const spark = SparkSession.builder.appName("url-messages-test").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-url-messages-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `e` is a SluiceError whose message names `url` and has no malformed `file:` URL. */
function namesUrl(url: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof SluiceError, String(e));
    assert.ok(e.message.includes(url), `expected ${url} in: ${e.message}`);
    assert.doesNotMatch(e.message, /file:\/{4}/, "four slashes");
    for (const m of e.message.matchAll(/file:(\/*)/g)) assert.equal(m[1], "///", `malformed file URL in: ${e.message}`);
    const at = e.context.path;
    if (at !== undefined && at.startsWith("file:")) assert.match(at, /^file:\/\/\/[^/]/, `context.path ${at}`);
    return true;
  };
}

test("toDisplayUrl over the local file system (root file:///) keeps exactly three slashes", () => {
  const { storage, key } = resolveLocation(join(dir, "t"));
  assert.equal(storage, localFileSystem());
  assert.equal(storage.root, "file:///");
  assert.equal(toDisplayUrl(storage, key), `file://${join(dir, "t")}`);
  assert.equal(toDisplayUrl(storage, ""), "file:///");
});

test("a missing source path is named as given", () => {
  const missing = join(dir, "no-such-landing");
  assert.throws(() => spark.readStream.format("json").schema("a INT").load(missing), (e: unknown) => {
    assert.ok(e instanceof SluiceError);
    assert.equal(e.message, `json source: path does not exist: ${missing}`);
    return true;
  });
});

test("a sink path that cannot be written is named as file:///…", async () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  const ms = new MemoryStream("a INT", `url_messages_${process.pid}`);
  ms.addData([{ a: 1 }]);
  const q = spark.readStream.format("memory").option("name", ms.name).load()
    .writeStream.format("parquet").option("path", join(file, "out")).option("checkpointLocation", join(dir, "cp-sink")).start();
  await assert.rejects(q.awaitTermination(), namesUrl(`file://${join(file, "out")}/`));
});

test("a corrupt checkpoint is named as file:///…", async () => {
  const cp = join(dir, "cp-corrupt");
  mkdirSync(cp);
  writeFileSync(join(cp, "metadata"), "garbage");
  const ms = new MemoryStream("a INT", `url_messages_cp_${process.pid}`);
  const q = spark.readStream.format("memory").option("name", ms.name).load()
    .writeStream.format("memory").queryName(`url_messages_cp_${process.pid}`).option("checkpointLocation", cp).start();
  await assert.rejects(q.awaitTermination(), namesUrl(`file://${join(cp, "metadata")}`));
});

test("Delta: a path without a table is named as file:///… (or as the user gave it)", async () => {
  const none = join(dir, "not-delta");
  mkdirSync(none);
  const { storage, key } = resolveLocation(none);
  await assert.rejects(readHistory(storage, key), namesUrl(`\`file://${none}\` is not a Delta table`));
  await assert.rejects(vacuumTable(storage, key), namesUrl(`\`file://${none}\` is not a Delta table`));
  await assert.rejects(DeltaTable.forPath(spark, none).history(), namesUrl(none)); // the user's path, as given
});

test("Delta: a data file gone and a corrupt commit are named as file:///…", async () => {
  const table = join(dir, "delta");
  await spark.createDataFrame([{ id: 1 }], "id INT").write.format("delta").save(table);
  await spark.createDataFrame([{ id: 2 }], "id INT").write.format("delta").mode("append").save(table);
  const data = readdirSync(table).filter((n) => n.endsWith(".parquet")).sort();
  unlinkSync(join(table, data[0]));
  await assert.rejects(spark.read.format("delta").load(table).collect(), namesUrl(`file://${table}/`));

  writeFileSync(join(table, "_delta_log", "00000000000000000001.json"), "{not json\n");
  await assert.rejects(DeltaTable.forPath(spark, table).history(), namesUrl(`file://${join(table, "_delta_log", "00000000000000000001.json")}`));
});
