/**
 * readStream.format("iceberg"): appended snapshots read incrementally (Iceberg's StreamingOffset
 * in the checkpoint), a restart resuming where the query stopped, rate limits, and overwrite
 * snapshots refused by name or skipped by option; a fixture written by Java Iceberg read as a stream.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../../../src/index.js";
import { fixtureFolder } from "../../../support/fixtures.js";

const spark = SparkSession.builder.getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-iceberg-source-"));
const schema = "id INT, v STRING";

async function append(table: string, ids: number[]): Promise<void> {
  await spark.createDataFrame(ids.map((id) => ({ id, v: `v${id}` })), schema).write.format("iceberg").mode("append").save(table);
}

async function drain(table: string, name: string, checkpoint: string, options: Record<string, string> = {}) {
  let reader = spark.readStream.format("iceberg");
  for (const [k, v] of Object.entries(options)) reader = reader.option(k, v);
  const q = reader.load(table).writeStream.format("memory").queryName(name).option("checkpointLocation", checkpoint).start();
  await q.processAllAvailable().catch(() => undefined);
  await q.stop();
  return { q, ids: ((await spark.table(name).collect()) as Record<string, unknown>[]).map((r) => Number(r.id)).sort((a, b) => a - b) };
}

test("appends stream in, and a restarted query reads only the snapshots after its offset", async () => {
  const table = join(dir, "t1");
  await append(table, [1, 2]);
  await append(table, [3]);
  const ck = join(dir, "ck1");
  const first = await drain(table, "ice_src_1", ck);
  assert.equal(first.q.exception, null);
  assert.deepEqual(first.ids, [1, 2, 3]);
  const offsets = readdirSync(join(ck, "offsets")).sort();
  const last = readFileSync(join(ck, "offsets", offsets[offsets.length - 1]), "utf8").trim().split("\n").pop() ?? "";
  assert.match(last, /^\{"version":1,"snapshot_id":\d+,"position":1,"scan_all_files":false\}$/);
  await append(table, [4, 5]);
  const second = await drain(table, "ice_src_1b", ck);
  assert.deepEqual(second.ids, [4, 5]);
});

test("streaming-max-files-per-micro-batch splits the backlog into batches of that many files", async () => {
  const table = join(dir, "t2");
  for (const id of [1, 2, 3]) await append(table, [id]);
  const { q, ids } = await drain(table, "ice_src_2", join(dir, "ck2"), { "streaming-max-files-per-micro-batch": "1" });
  assert.deepEqual(ids, [1, 2, 3]);
  assert.equal(q.recentProgress.filter((p) => p.numInputRows > 0).length, 3);
});

test("an overwrite snapshot stops the stream naming the option; with the option it is skipped", async () => {
  const table = join(dir, "t3");
  await append(table, [1]);
  await spark.createDataFrame([{ id: 9, v: "x" }], schema).write.format("iceberg").mode("overwrite").save(table);
  await append(table, [2]);
  const refused = await drain(table, "ice_src_3", join(dir, "ck3"));
  assert.match(String(refused.q.exception?.message), /overwrite snapshot .*streaming-skip-overwrite-snapshots/);
  const skipped = await drain(table, "ice_src_3b", join(dir, "ck3b"), { "streaming-skip-overwrite-snapshots": "true" });
  assert.equal(skipped.q.exception, null);
  assert.deepEqual(skipped.ids, [1, 2]);
});

test("time-travel options are refused on a stream", () => {
  assert.throws(() => spark.readStream.format("iceberg").option("snapshot-id", "1").load(join(dir, "t1")), /batch reads/);
});

const fixtures = fixtureFolder("iceberg/icebird/hyperparam-iceberg");

test("a Java-written table streams its append; its delete snapshot is refused unless skipped", { skip: fixtures.skip }, async () => {
  const refused = await drain(`${fixtures.dir}/java/bunnies`, "ice_src_4", join(dir, "ck4"));
  assert.match(String(refused.q.exception?.message), /delete snapshot .*streaming-skip-delete-snapshots/);
  const skipped = await drain(`${fixtures.dir}/java/bunnies`, "ice_src_4b", join(dir, "ck4b"), {
    "streaming-skip-delete-snapshots": "true",
    "streaming-skip-overwrite-snapshots": "true",
  });
  assert.equal(skipped.q.exception, null);
  // The first snapshot's appended file: 21 rows, deletes of later snapshots not applied (appends only).
  assert.equal(skipped.ids.length, 21);
});

test("a filter skips data files whose column bounds rule it out, in streams and batch reads, with the same rows", async () => {
  const table = join(dir, "pruned");
  for (const from of [0, 10, 20]) {
    await spark.createDataFrame(Array.from({ length: 10 }, (_, i) => ({ id: from + i, v: `v${from + i}`, ts: new Date(Date.UTC(2024, 0, 1 + from)) })), "id INT, v STRING, ts TIMESTAMP")
      .write.format("iceberg").mode("append").save(table);
  }
  const q = spark.readStream.format("iceberg").load(table).filter("id >= 25 AND v IS NOT NULL").writeStream.format("memory").queryName("ice_pruned").option("checkpointLocation", join(dir, "ck-pruned")).start();
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  assert.deepEqual(((await spark.table("ice_pruned").collect()) as Record<string, unknown>[]).map((r) => Number(r.id)).sort((a, b) => a - b), [25, 26, 27, 28, 29]);
  const pruned = Math.max(...q.recentProgress.map((p) => Number(p.sources[0]?.metrics?.numFilesPruned ?? 0)));
  assert.equal(pruned, 2, "the two files of ids 0-19 are not read");
  const batch = (await spark.read.format("iceberg").load(table).filter("ts < TIMESTAMP'2024-01-05 00:00:00' OR v = 'v29'").collect()) as Record<string, unknown>[];
  // Each file's rows share one timestamp (Jan 1, 11 and 21): the first file and v29's match.
  assert.deepEqual(batch.map((r) => Number(r.id)).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 29]);
});

test("a long stream does not keep every snapshot's file list: commit drops what batches passed", async () => {
  const table = join(dir, "bounded");
  for (const id of [1, 2, 3, 4, 5]) await append(table, [id]);
  const { IcebergSource } = await import("../../../../src/connectors/iceberg/iceberg-source.js");
  const { MemoryStorage } = await import("../../../../src/storage/memory.js");
  const schema = spark.read.format("iceberg").load(table).schema;
  const source = new IcebergSource({ path: table, "streaming-max-files-per-micro-batch": "1" }, { streaming: true, schema });
  await source.open({ storage: MemoryStorage.fresh("ice-bounded"), metadataPrefix: "sources/0/" });
  const cached = () => (source as unknown as { added: Map<string, unknown> }).added.size;
  let start: string | null = null;
  const ids: number[] = [];
  for (;;) {
    const end = await source.latestOffset(start, { kind: "default" });
    if (end === null || end === start) break;
    for await (const b of source.read(start, end)) for (const r of (await import("../../../../src/columnar/values.js")).batchToRows(b)) ids.push(Number(r.id));
    await source.commit(end);
    assert.ok(cached() <= 1, `after a commit only the end's snapshot stays cached, not ${cached()}`);
    start = end;
  }
  await source.stop();
  assert.deepEqual(ids, [1, 2, 3, 4, 5]);
});
