/**
 * `sluice checkpoint import-spark`: what it refuses, each with the reason, and the checkpoint it
 * writes (the end-to-end resume against a broker is in test/integration/kafka-source.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointCommand, importSparkCheckpoint } from "../../../src/cli/checkpoint-command.js";
import { Checkpoint } from "../../../src/checkpoint/checkpoint.js";
import { ConfigError, CorruptCheckpointError } from "../../../src/errors.js";
import { MemoryStream, SparkSession } from "../../../src/index.js";

function sparkCheckpoint(dir: string, offsets: readonly string[], committed: readonly number[]): string {
  mkdirSync(join(dir, "offsets"), { recursive: true });
  mkdirSync(join(dir, "commits"), { recursive: true });
  writeFileSync(join(dir, "metadata"), '{"id":"0d2c6f0e-1b7a-4c11-9a53-6f1e2d3c4b5a"}');
  offsets.forEach((o, n) => writeFileSync(join(dir, "offsets", String(n)), `v1\n{"batchWatermarkMs":0,"batchTimestampMs":${1000 + n},"conf":{}}\n${o}`));
  for (const n of committed) writeFileSync(join(dir, "commits", String(n)), 'v1\n{"nextBatchWatermarkMs":0}');
  return dir;
}

test("imports the latest committed batch's offsets and the query id; state starts empty at the next batch", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-import-"));
  try {
    const src = sparkCheckpoint(join(base, "spark"), ['{"t":{"0":5}}', '{"t":{"0":9,"1":3}}', '{"t":{"0":12,"1":4}}'], [0, 1]);
    const r = await importSparkCheckpoint(src, join(base, "dst"));
    assert.equal(r.batchId, 1);
    assert.deepEqual(r.offsets, ['{"t":{"0":9,"1":3}}']);
    assert.equal(r.hasState, false);
    const cp = await Checkpoint.open(join(base, "dst"));
    assert.equal(cp.id, "0d2c6f0e-1b7a-4c11-9a53-6f1e2d3c4b5a");
    assert.equal(cp.stateEmptyAtVersion, 2);
    const plan = await cp.recover();
    assert.equal(plan.nextBatchId, 2);
    assert.deepEqual((await cp.readOffsets(1))?.offsets, ['{"t":{"0":9,"1":3}}']);
    assert.equal((await cp.readOffsets(1))?.metadata?.batchTimestampMs, 1001);
    // Spark reads the metadata too: the id is where Spark looks for it.
    assert.equal((JSON.parse(readFileSync(join(base, "dst", "metadata"), "utf8")) as { id: string }).id, cp.id);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("refuses what it cannot import, saying why", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-import-"));
  try {
    await assert.rejects(importSparkCheckpoint(join(base, "nothing"), join(base, "d0")), (e: unknown) => e instanceof CorruptCheckpointError && /no metadata file/.test(e.message));
    const none = sparkCheckpoint(join(base, "uncommitted"), ['{"t":{"0":5}}'], []);
    await assert.rejects(importSparkCheckpoint(none, join(base, "d1")), (e: unknown) => e instanceof CorruptCheckpointError && /no committed batch/.test(e.message));
    const files = sparkCheckpoint(join(base, "files"), ['{"logOffset":3}'], [0]);
    await assert.rejects(importSparkCheckpoint(files, join(base, "d2")), (e: unknown) => e instanceof CorruptCheckpointError && /not a Kafka source.*logOffset/.test(e.message));
    const ok = sparkCheckpoint(join(base, "ok"), ['{"t":{"0":5}}'], [0]);
    mkdirSync(join(base, "busy"));
    writeFileSync(join(base, "busy", "x"), "");
    await assert.rejects(importSparkCheckpoint(ok, join(base, "busy")), (e: unknown) => e instanceof ConfigError && /not empty/.test(e.message));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("checkpoint show: the last committed batch and its offsets, the batch in flight, the next batch; nothing is created", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-show-"));
  try {
    const src = sparkCheckpoint(join(base, "spark"), ['{"t":{"0":5}}', '{"t":{"0":9}}', '{"t":{"0":12}}'], [0, 1]);
    mkdirSync(join(src, "state", "0", "0"), { recursive: true });
    writeFileSync(join(src, "state", "0", "0", "2.delta"), "");
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: () => undefined, verbose: false };
    assert.equal(await checkpointCommand(["show", src], io), 0);
    const text = out.join("");
    assert.match(text, /query id\s+0d2c6f0e-1b7a-4c11-9a53-6f1e2d3c4b5a/);
    assert.match(text, /last committed\s+batch 1/);
    assert.match(text, /source 0 end offset: \{"t":\{"0":9\}\}/);
    assert.match(text, /in flight\s+batch 2 planned but not committed/);
    assert.match(text, /next batch\s+2/);
    assert.match(text, /operators 0/);
    out.length = 0;
    await checkpointCommand(["show", src, "--json"], io);
    const json = JSON.parse(out.join("")) as { nextBatchId: number; lastCommitted: { batchId: number; offsets: string[] } };
    assert.equal(json.nextBatchId, 2);
    assert.deepEqual(json.lastCommitted.offsets, ['{"t":{"0":9}}']);
    await assert.rejects(checkpointCommand(["show", join(base, "none")], io), (e: unknown) => e instanceof CorruptCheckpointError && /no metadata file/.test(e.message));
    assert.equal(existsSync(join(base, "none", "metadata")), false, "show creates nothing");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("checkpoint show: per stateful operator, what it keeps and the rows of the version a restart loads", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-show-state-"));
  try {
    const spark = SparkSession.builder.getOrCreate();
    const ms = new MemoryStream("k STRING, n INT", `show_state_${process.pid}`);
    const ck = join(base, "ck");
    const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("k").count().writeStream.format("memory").queryName(`show_state_${process.pid}`).outputMode("update").option("checkpointLocation", ck).start();
    ms.addData([{ k: "a", n: 1 }, { k: "b", n: 2 }]);
    await q.processAllAvailable();
    ms.addData([{ k: "c", n: 3 }]);
    await q.processAllAvailable();
    await q.stop();
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: () => undefined, verbose: false };
    assert.equal(await checkpointCommand(["show", ck], io), 0);
    assert.match(out.join(""), /operator 0: aggregate, key \[string\], value \[count\(\*\)\]\n\s+partition 0: version 2 \(3 rows\), versions 1–2 on disk, last snapshot none, 2 files, \d+ bytes/);
    out.length = 0;
    await checkpointCommand(["show", ck, "--json"], io);
    const json = JSON.parse(out.join("")) as { stateOperators: { operatorId: number; partitions: { rows: number; version: number }[] }[] };
    assert.deepEqual(json.stateOperators.map((s) => [s.operatorId, s.partitions[0].version, s.partitions[0].rows]), [[0, 2, 3]]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("checkpoint show: a stream-stream join's two stores are listed apart", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-show-join-"));
  try {
    const spark = SparkSession.builder.getOrCreate();
    const a = new MemoryStream("k STRING", `show_join_a_${process.pid}`);
    const b = new MemoryStream("j STRING", `show_join_b_${process.pid}`);
    const ck = join(base, "ck");
    const left = spark.readStream.format("memory").option("name", a.name).load();
    const right = spark.readStream.format("memory").option("name", b.name).load();
    const q = left.join(right, left.col("k").equalTo(right.col("j"))).writeStream.format("memory").queryName(`show_join_${process.pid}`).option("checkpointLocation", ck).start();
    a.addData([{ k: "x" }, { k: "y" }]);
    b.addData([{ j: "x" }]);
    await q.processAllAvailable();
    await q.stop();
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: () => undefined, verbose: false };
    assert.equal(await checkpointCommand(["show", ck], io), 0);
    const text = out.join("");
    assert.match(text, /operator 0: streamStreamJoin, key \[string\]/);
    assert.match(text, /partition 0 \(left\): version 1 \(2 rows\)/);
    assert.match(text, /partition 0 \(right\): version 1 \(1 rows\)/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
