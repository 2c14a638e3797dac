/**
 * Acceptance test of the seed's two jobs with every path on `s3://`, as a user runs them: `sluice
 * run examples/bronze-to-silver.ts` (Delta Silver) then `examples/silver-to-gold.ts`, in child
 * processes, against moto's S3 behind a fault-injecting proxy. Landing objects are put with the
 * AWS SDK; Silver and Gold are downloaded with it and checked by the independent reader (the Delta
 * log replayed from the protocol, DuckDB over the files).
 *
 * The secret access key is a canary: it must not appear in any output, error, or object written.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import type { BookingEventsTruth } from "../../bench/lib/booking-events.js";
import { readDeltaLog } from "../../bench/lib/delta-log.js";
import { readIcebergTable } from "../../bench/lib/iceberg-table.js";
import { duckdb, queryRows, readParquetSql } from "../support/duckdb.js";
import { assertDeltaSilverMatches, assertGoldCountsSilver } from "../support/silver-check.js";
import { createBucket, MOTO_CREDENTIALS, motoForFile, motoSkip } from "../support/moto.js";
import { downloadPrefix, listKeys, uploadDir } from "../../bench/lib/s3-objects.js";
import { randomFaults, startFaultyS3 } from "../../bench/lib/s3-proxy.js";
import type { FaultyS3 } from "../../bench/lib/s3-proxy.js";
import { GetTableCommand, GlueClient } from "@aws-sdk/client-glue";
import { REPO_ROOT, runKilledUntilDone, runSluice } from "../support/sluice-cli.js";
import type { RunResult } from "../support/sluice-cli.js";

const SILVER_JOB = "examples/bronze-to-silver.ts";
const GOLD_JOB = "examples/silver-to-gold.ts";
const CANARY = `canary-secret-${String(process.pid)}-7f3a9c`;
/** Short retry waits and a 2 s request timeout, so injected timeouts cost seconds, not minutes. */
const FAST_RETRIES = ["--conf", "sluice.s3.requestTimeoutMs=2000", "--conf", "sluice.s3.retryBaseDelayMs=20", "--conf", "sluice.s3.retryMaxDelayMs=200"];

const base = mkdtempSync(join(tmpdir(), "sluice-s3-seed-"));

describe("the seed's jobs on s3://", { skip: motoSkip }, () => {
  const moto = motoForFile(() => rmSync(base, { recursive: true, force: true }));
  let proxy: FaultyS3;
  const outputs: string[] = [];
  before(async () => {
    proxy = await startFaultyS3(moto());
  });
  after(async () => {
    await proxy.close();
  });

  interface Lake {
    readonly bucket: string;
    readonly local: string;
  }

  async function lake(name: string): Promise<Lake> {
    const local = join(base, name);
    return { bucket: await createBucket(moto(), name), local };
  }

  function awsEnv(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      AWS_ENDPOINT_URL_GLUE: moto(),
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CANARY,
      AWS_REGION: "us-east-1",
    };
  }

  function silverEnv(l: Lake, maxFiles = "2", silver = "silver/booking", checkpoint = "_checkpoints/bronze_to_silver", landing = "landing"): Record<string, string> {
    const s3 = `s3://${l.bucket}`;
    return {
      ...awsEnv(),
      LANDING: `${s3}/${landing}`,
      SILVER: `${s3}/${silver}`,
      CHECKPOINT: `s3a://${l.bucket}/${checkpoint}`,
      SILVER_FORMAT: "delta",
      TRIGGER: "availableNow",
      MAX_FILES: maxFiles,
    };
  }

  function goldEnv(l: Lake, maxFiles = "1000"): Record<string, string> {
    const s3 = `s3://${l.bucket}`;
    return { ...awsEnv(), SILVER: `${s3}/silver/booking`, GOLD: `${s3}/gold/booking_summary`, CHECKPOINT: `${s3}/_checkpoints/silver_to_gold`, TRIGGER: "availableNow", MAX_FILES: maxFiles };
  }

  async function run(job: string, env: Record<string, string>, conf: readonly string[] = []): Promise<RunResult> {
    const r = await runSluice(["run", ...conf, job], { env, timeoutMs: 180_000 });
    outputs.push(r.stdout, r.stderr);
    assert.equal(r.code, 0, `sluice run ${job} exited ${String(r.code)} (signal ${String(r.signal)}):\n${r.stderr}`);
    return r;
  }

  /** Puts the landing files written since the last call (by `prefix`) into the bucket. */
  async function land(l: Lake, events: number, files: number, seed: number, prefix: string, landing = "landing"): Promise<BookingEventsTruth> {
    const dir = join(l.local, "landing-files", landing);
    const truth = await writeBookingEvents(dir, { events, files, seed, filePrefix: prefix });
    await uploadDir(moto(), l.bucket, landing, dir, (n) => n.startsWith(prefix));
    return truth;
  }

  /** Downloads the bucket (through moto directly, not the proxy) into a fresh folder. */
  async function download(l: Lake, tag: string): Promise<string> {
    const dir = join(l.local, `download-${tag}`);
    await downloadPrefix(moto(), l.bucket, "", dir);
    return dir;
  }

  /** Silver has every valid event once; Gold has exact per-user counts of Silver. */
  async function assertLake(dir: string, truth: BookingEventsTruth): Promise<void> {
    const silver = join(dir, "silver", "booking");
    await assertDeltaSilverMatches(silver, truth, join(dir, "expected.ndjson"));
    const duck = await duckdb();
    await assertGoldCountsSilver((await readDeltaLog(silver, duck)).files, (await readDeltaLog(join(dir, "gold", "booking_summary"), duck)).files);
  }

  /** No object in `dir` (recursively) holds the canary secret. */
  function assertNoCanaryIn(dir: string): void {
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else assert.ok(!readFileSync(p).includes(CANARY), `the secret appears in ${p}`);
      }
    };
    walk(dir);
  }

  test("both jobs, run twice with new landing objects in between, give exact Silver and Gold", async () => {
    const l = await lake("seed");
    await land(l, 8_000, 6, 21, "first-");
    await run(SILVER_JOB, silverEnv(l));
    await run(GOLD_JOB, goldEnv(l));
    const second = await land(l, 11_000, 3, 21, "second-");
    await run(SILVER_JOB, silverEnv(l));
    await run(GOLD_JOB, { ...goldEnv(l, "2"), GLUE_DATABASE: "lake" });
    const dir = await download(l, "final");
    await assertLake(dir, second);
    // Gold is registered as Athena expects a Delta table.
    const glue = new GlueClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS });
    const table = (await glue.send(new GetTableCommand({ DatabaseName: "lake", Name: "booking_summary" }))).Table;
    glue.destroy();
    assert.equal(table?.Parameters?.table_type, "DELTA");
    assert.equal(table?.TableType, "EXTERNAL_TABLE");
    assert.equal(table?.StorageDescriptor?.Location, `s3://${l.bucket}/gold/booking_summary`);
    assert.deepEqual(
      table?.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type]),
      [
        ["user_id", "string"],
        ["count", "bigint"],
      ],
    );
    // sluice query and sluice table read the S3 tables through sluice's storage.
    const q = await runSluice(["query", "--format", "json", `SELECT sum(count) AS n FROM delta.\`s3://${l.bucket}/gold/booking_summary\``], { env: awsEnv() });
    outputs.push(q.stdout, q.stderr);
    assert.equal(q.code, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout), { n: second.validDistinct });
    const d = await runSluice(["table", "describe", "--json", `s3://${l.bucket}/silver/booking`], { env: awsEnv() });
    outputs.push(d.stdout, d.stderr);
    assert.equal(d.code, 0, d.stderr);
    assert.equal((JSON.parse(d.stdout) as { location: string }).location, `s3://${l.bucket}/silver/booking`);
    const commits = await listKeys(moto(), l.bucket, "_checkpoints/bronze_to_silver/commits/");
    assert.ok(commits.length >= 5, `the Silver query committed a batch per 2 files: ${commits.join(", ")}`);
    assertNoCanaryIn(dir);
  });

  test("both jobs with Silver and Gold in Iceberg: exact tables, Gold registered in Glue as table_type=ICEBERG at its newest metadata", async () => {
    const l = await lake("seed-iceberg");
    await land(l, 6_000, 4, 17, "ice-");
    const s3 = `s3://${l.bucket}`;
    const env = { ...silverEnv(l), SILVER_FORMAT: "iceberg" };
    await run(SILVER_JOB, env);
    await run(GOLD_JOB, { ...goldEnv(l), SILVER_FORMAT: "iceberg", GOLD_FORMAT: "iceberg", GLUE_DATABASE: "lake", GLUE_TABLE: "iceberg_summary" });
    const second = await land(l, 9_000, 2, 17, "ice2-");
    await run(SILVER_JOB, env);
    await run(GOLD_JOB, { ...goldEnv(l, "1"), SILVER_FORMAT: "iceberg", GOLD_FORMAT: "iceberg", GLUE_DATABASE: "lake", GLUE_TABLE: "iceberg_summary" });
    const dir = await download(l, "iceberg");
    const rebase = { from: `${s3}/`, to: `${dir}/` };
    const silver = readIcebergTable(join(dir, "silver", "booking"), rebase);
    const gold = readIcebergTable(join(dir, "gold", "booking_summary"), rebase);
    const t = (await queryRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM ${readParquetSql(silver.files)}`))[0];
    assert.equal(Number(t.n), second.validDistinct, "every valid event once in Silver");
    assert.equal(Number(t.d), second.validDistinct);
    await assertGoldCountsSilver(silver.files, gold.files);
    const glue = new GlueClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS });
    const table = (await glue.send(new GetTableCommand({ DatabaseName: "lake", Name: "iceberg_summary" }))).Table;
    glue.destroy();
    assert.equal(table?.Parameters?.table_type, "ICEBERG");
    const newest = (await listKeys(moto(), l.bucket, "gold/booking_summary/metadata/")).filter((k) => k.endsWith(".metadata.json")).sort().pop();
    assert.equal(table?.Parameters?.metadata_location, `${s3}/${newest ?? ""}`, "metadata_location names the newest metadata file");
    assert.equal(table?.StorageDescriptor?.Location, `${s3}/gold/booking_summary`);
    // sluice query reads the Iceberg tables on S3 through sluice's storage.
    const q = await runSluice(["query", "--format", "json", `SELECT sum(count) AS n FROM iceberg.\`${s3}/gold/booking_summary\``], { env: awsEnv() });
    outputs.push(q.stdout, q.stderr);
    assert.equal(q.code, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout), { n: second.validDistinct });
    assertNoCanaryIn(dir);
  });

  test("with 5 % of S3 requests failing or timing out, and kill -9 restarts, both jobs still give exact tables", async (t) => {
    const l = await lake("faults");
    const truth = await land(l, 9_000, 9, 33, "f-");
    proxy.counts.requests = 0;
    for (const k of Object.keys(proxy.counts.faults) as (keyof typeof proxy.counts.faults)[]) proxy.counts.faults[k] = 0;
    proxy.policy = randomFaults(0.05, ["503", "slowDown", "reset", "lost", "timeout"], 1234);
    try {
      const probe = (checkpoint: string) => ({
        batches: async (folder: "offsets" | "commits") =>
          (await listKeys(moto(), l.bucket, `${checkpoint}/${folder}/`)).map((k) => k.slice(k.lastIndexOf("/") + 1)).filter((n) => /^\d+$/.test(n)),
      });
      const silver = await runKilledUntilDone(["run", ...FAST_RETRIES, SILVER_JOB], {
        env: silverEnv(l, "1"),
        seed: 99,
        kills: 3,
        checkpoint: probe("_checkpoints/bronze_to_silver"),
        pollMs: 20,
        maxDelayMs: 80,
        timeoutMs: 180_000,
      });
      outputs.push(silver.final.stdout, silver.final.stderr);
      assert.equal(silver.final.code, 0, `silver's final run failed:\n${silver.final.stderr}`);
      const gold = await runKilledUntilDone(["run", ...FAST_RETRIES, GOLD_JOB], {
        env: goldEnv(l, "2"),
        seed: 100,
        kills: 2,
        checkpoint: probe("_checkpoints/silver_to_gold"),
        pollMs: 20,
        maxDelayMs: 80,
        timeoutMs: 180_000,
      });
      outputs.push(gold.final.stdout, gold.final.stderr);
      assert.equal(gold.final.code, 0, `gold's final run failed:\n${gold.final.stderr}`);
      t.diagnostic(`silver: ${String(silver.kills)} kills (${String(silver.midBatchKills)} mid-batch); gold: ${String(gold.kills)} kills; faults injected: ${JSON.stringify(proxy.counts.faults)} of ${String(proxy.counts.requests)} requests`);
      const injected = Object.values(proxy.counts.faults).reduce((a, b) => a + b, 0);
      assert.ok(injected >= 10, `faults were injected: ${JSON.stringify(proxy.counts.faults)}`);
    } finally {
      proxy.policy = () => null;
    }
    const dir = await download(l, "final");
    await assertLake(dir, truth);
    assertNoCanaryIn(dir);
  });

  test("two queries appending to one S3 Delta table at once lose no commit", async () => {
    const l = await lake("concurrent");
    const a = await land(l, 6_000, 6, 51, "a-", "landing-a");
    const b = await land(l, 6_000, 6, 52, "b-", "landing-b");
    const [ra, rb] = await Promise.all([
      runSluice(["run", SILVER_JOB], { env: silverEnv(l, "1", "silver/booking", "_checkpoints/a", "landing-a"), timeoutMs: 180_000 }),
      runSluice(["run", SILVER_JOB], { env: silverEnv(l, "1", "silver/booking", "_checkpoints/b", "landing-b"), timeoutMs: 180_000 }),
    ]);
    outputs.push(ra.stdout, ra.stderr, rb.stdout, rb.stderr);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const dir = await download(l, "final");
    const silver = join(dir, "silver", "booking");
    const state = await readDeltaLog(silver, await duckdb());
    const rows = `(SELECT event_id FROM ${readParquetSql(state.files)})`;
    const n = Number((await queryRows(`SELECT count(*) AS n FROM ${rows}`))[0].n);
    assert.equal(n, a.validDistinct + b.validDistinct, "every batch of both queries is in the table");
    assert.equal(state.txns.size, 2, "both writers' txns are in the log");
    const batchesA = (await listKeys(moto(), l.bucket, "_checkpoints/a/commits/")).length;
    const batchesB = (await listKeys(moto(), l.bucket, "_checkpoints/b/commits/")).length;
    assert.equal(state.commitVersions.length, batchesA + batchesB, "one Delta commit per committed batch of either query");
  });

  test("no secret from the environment appears in output, progress or errors", async () => {
    const l = await lake("canary");
    await land(l, 1_000, 2, 5, "c-");
    // A job that prints its progress objects, and one that fails against a missing bucket.
    const job = join(REPO_ROOT, "test", "integration", `.s3-canary-${String(process.pid)}.ts`);
    writeFileSync(
      job,
      `import { SparkSession } from "sluice";
const spark = SparkSession.builder.getOrCreate();
const q = spark.readStream.format("text").load(process.env.LANDING!).writeStream.format("delta")
  .option("path", process.env.SILVER!).option("checkpointLocation", process.env.CHECKPOINT!).trigger({ availableNow: true }).start();
await q.awaitTermination();
console.log(JSON.stringify(q.recentProgress));
`,
    );
    try {
      const ok = await run(job, silverEnv(l));
      assert.match(ok.stdout, /"numInputRows":\s*1000|"numInputRows":1000/);
      const failed = await runSluice(["run", "--verbose", SILVER_JOB], { env: { ...silverEnv(l), LANDING: "s3://no-such-bucket-canary/landing" }, timeoutMs: 60_000 });
      outputs.push(failed.stdout, failed.stderr);
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /the bucket 'no-such-bucket-canary' does not exist/);
      const unreachable = await runSluice(["run", "--verbose", "--conf", "sluice.s3.maxAttempts=2", SILVER_JOB], {
        env: { ...silverEnv(l), AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1" },
        timeoutMs: 60_000,
      });
      outputs.push(unreachable.stdout, unreachable.stderr);
      assert.equal(unreachable.code, 1);
      assert.match(unreachable.stderr, /endpoint http:\/\/127\.0\.0\.1:1/);
    } finally {
      rmSync(job, { force: true });
    }
    assertNoCanaryIn(await download(l, "final"));
    for (const o of outputs) assert.ok(!o.includes(CANARY), `the secret appears in a run's output:\n${o.slice(0, 2000)}`);
    assert.ok(outputs.length >= 6, "the outputs of every run in this file were checked");
  });
});
