/**
 * `sluice table` on Iceberg tables: describe, history, snapshots, expire-snapshots,
 * remove-orphan-files and rewrite-data-files, each checked against what the table holds after
 * (rows read back by sluice, files on disk, snapshots in the metadata).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableCommand } from "../../../src/cli/table-command.js";
import { SparkSession } from "../../../src/index.js";

const spark = SparkSession.builder.getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-cli-iceberg-"));

async function run(...args: string[]): Promise<string> {
  let out = "";
  const code = await tableCommand(args, { out: (s) => (out += s), err: (s) => (out += s), verbose: false });
  assert.equal(code, 0, out);
  return out;
}

async function rows(path: string): Promise<number[]> {
  return (await spark.read.format("iceberg").load(path).collect()).map((r) => Number(r.id)).sort((a, b) => a - b);
}

function dataFiles(path: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".parquet")) out.push(join(d, e.name));
    }
  };
  walk(join(path, "data"));
  return out;
}

test("describe, history and snapshots of a partitioned table", async () => {
  const t = join(dir, "described");
  const df = spark.createDataFrame([{ id: 1, day: "a" }, { id: 2, day: "b" }], "id INT, day STRING");
  await df.write.format("iceberg").partitionBy("day").save(t);
  await df.write.format("iceberg").mode("append").save(t);
  const text = await run("describe", t);
  assert.match(text, /format\s+iceberg \(v2\)/);
  assert.match(text, /partition spec\s+day: identity\(day\)/);
  assert.match(text, /files\s+4 data .*4 records/);
  assert.match(text, /\|-- id: integer/);
  const json = JSON.parse(await run("describe", t, "--json")) as { numFiles: number; numSnapshots: number; schema: { fields: unknown[] } };
  assert.equal(json.numFiles, 4);
  assert.equal(json.numSnapshots, 2);
  assert.equal(json.schema.fields.length, 2);
  const history = JSON.parse(await run("history", t, "--json")) as { snapshotId: string; isCurrentAncestor: boolean }[];
  assert.equal(history.length, 2);
  assert.ok(history.every((h) => h.isCurrentAncestor));
  const snaps = JSON.parse(await run("snapshots", t, "--json")) as { operation: string; summary: Record<string, string> }[];
  assert.deepEqual(snaps.map((s) => [s.operation, s.summary["total-records"]]), [["append", "2"], ["append", "4"]]);
  assert.match(await run("snapshots", t), /append/);
});

test("rewrite-data-files compacts each partition into one file with the same rows; a second run finds nothing to do", async () => {
  const t = join(dir, "rewritten");
  for (let i = 0; i < 6; i++) await spark.createDataFrame([{ id: i, p: i % 2 }], "id INT, p INT").write.format("iceberg").mode("append").partitionBy("p").save(t);
  assert.equal(dataFiles(t).length, 6);
  const out = await run("rewrite-data-files", t);
  assert.match(out, /rewrote 6 data files into 2/);
  assert.deepEqual(await rows(t), [0, 1, 2, 3, 4, 5]);
  const snaps = JSON.parse(await run("snapshots", t, "--json")) as { operation: string; summary: Record<string, string> }[];
  const last = snaps[snaps.length - 1];
  assert.equal(last.operation, "replace");
  assert.equal(last.summary["total-data-files"], "2");
  assert.equal(last.summary["total-records"], "6");
  assert.match(await run("rewrite-data-files", t), /nothing to compact/);
});

test("rewrite-data-files applies and drops the deletes of a Java-written table's copy", async () => {
  const { cpSync } = await import("node:fs");
  const { fixtureFolder } = await import("../../support/fixtures.js");
  const f = fixtureFolder("iceberg/icebird/hyperparam-iceberg");
  if (f.skip !== false) return;
  const t = join(dir, "bunnies");
  cpSync(join(f.dir, "java/bunnies"), t, { recursive: true });
  const before = (await spark.read.format("iceberg").load(t).collect()).map((r) => String(r["Breed Name"])).sort();
  assert.match(await run("rewrite-data-files", t), /rewrote 2 data files and 2 delete files into 1/);
  const after = (await spark.read.format("iceberg").load(t).collect()).map((r) => String(r["Breed Name"])).sort();
  assert.deepEqual(after, before);
  const d = JSON.parse(await run("describe", t, "--json")) as { numFiles: number; numDeleteFiles: number };
  assert.deepEqual([d.numFiles, d.numDeleteFiles], [1, 0]);
});

test("expire-snapshots keeps the newest, deletes what only expired snapshots reached; time travel to them is gone", async () => {
  const t = join(dir, "expired");
  await spark.createDataFrame([{ id: 1 }], "id INT").write.format("iceberg").save(t);
  await spark.createDataFrame([{ id: 2 }], "id INT").write.format("iceberg").mode("overwrite").save(t);
  await spark.createDataFrame([{ id: 3 }], "id INT").write.format("iceberg").mode("append").save(t);
  const first = dataFiles(t).find((p) => readdirSync(join(t, "data")).length > 0 && p.includes("part-"));
  assert.ok(first !== undefined);
  const snaps = JSON.parse(await run("snapshots", t, "--json")) as { snapshotId: string }[];
  const dry = await run("expire-snapshots", t, "--older-than", String(Date.now() + 1000), "--retain-last", "1", "--dry-run");
  assert.match(dry, /would expire 2 snapshots/);
  assert.equal(dataFiles(t).length, 3, "a dry run deletes nothing");
  const out = await run("expire-snapshots", t, "--older-than", String(Date.now() + 1000), "--retain-last", "1");
  assert.match(out, /expired 2 snapshots and deleted \d+ files/);
  assert.equal(dataFiles(t).length, 2, "the overwritten file is gone; the two live ones stay");
  assert.deepEqual(await rows(t), [2, 3]);
  await assert.rejects(async () => spark.read.format("iceberg").option("snapshot-id", snaps[0].snapshotId).load(t).collect(), /has no snapshot/);
});

test("remove-orphan-files deletes old files no snapshot reaches, and keeps recent ones", async () => {
  const t = join(dir, "orphans");
  await spark.createDataFrame([{ id: 1 }], "id INT").write.format("iceberg").save(t);
  const old = join(t, "data", "part-orphan-old.parquet");
  const recent = join(t, "data", "part-orphan-new.parquet");
  writeFileSync(old, "x");
  writeFileSync(recent, "y");
  const aWeekAgo = (Date.now() - 7 * 24 * 3600 * 1000) / 1000;
  utimesSync(old, aWeekAgo, aWeekAgo);
  assert.match(await run("remove-orphan-files", t, "--dry-run"), /would delete 1 file/);
  assert.ok(existsSync(old));
  assert.match(await run("remove-orphan-files", t), /deleted 1 file/);
  assert.ok(!existsSync(old));
  assert.ok(existsSync(recent), "newer than the cutoff: may belong to a write in flight");
  assert.deepEqual(await rows(t), [1]);
  assert.ok(existsSync(join(t, "metadata", "v1.metadata.json")), "metadata files are never orphans");
});

test("Delta-only subcommands point Iceberg users to theirs; Iceberg-only ones refuse other tables", async () => {
  const t = join(dir, "described");
  await assert.rejects(() => run("optimize", t), /rewrite-data-files/);
  await assert.rejects(() => run("vacuum", t), /expire-snapshots/);
  await assert.rejects(() => run("snapshots", join(dir, "nope")), /is not an Iceberg table/);
});
