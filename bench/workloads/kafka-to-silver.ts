/**
 * Kafka → Silver: the seed job reading Kafka (`examples/kafka-bronze-to-silver.ts`'s query:
 * from_json, filter, dropDuplicates, Delta) against the rate at which the chosen client,
 * `@platformatic/kafka`, alone consumes the same topics, in the same run.
 *
 * A librdkafka mock cluster (kcat, 3 brokers) holds the booking events of the file benchmark's
 * generator (duplicates, missing ids, malformed lines), produced by kcat evenly over 10 topics of
 * 4 partitions (the mock keeps ~5 MiB per partition and deletes older records). Each measured run is a fresh child
 * process, runs interleave, and each figure is the median:
 *
 * - `client`: the library's own fetch loop at its best, one request per leader for all of that
 *   leader's partitions, leaders in parallel, counting records and bytes; no decoding beyond the
 *   library's.
 * - `sluice`: the query through the public API with an `availableNow` trigger, from the earliest
 *   offsets into a fresh Delta table. Its output is checked against the generator's truth.
 *
 * Both rates are records in the topics per wall second of the timed section; the query's also
 * includes writing Silver. Needs Node 22.22+/24.6+ and kcat.
 *
 * BENCH_WORKERS sets `sluice.exec.workers` for the query (default: the machine's cores).
 * The query runs the dist/ bundle (built first), as `npx sluice run` does; BENCH_FROM_SOURCE=1 runs
 * the TypeScript sources.
 *
 *   node --import tsx bench/workloads/kafka-to-silver.ts [events] [runs]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBookingEvents } from "../lib/booking-events.js";
import { startMockKafka } from "../lib/mock-kafka.js";

/** 10 topics × 4 partitions: 400k events make ~10k per partition, well within the mock's retention (~5 MiB each). */
const TOPICS = Array.from({ length: 10 }, (_, i) => `bench_events_${i}`);
const PARTITIONS = 4;

interface ChildResult {
  readonly records: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rows?: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (process.argv[2] === "--child") {
  const [mode, bootstrap, out] = process.argv.slice(3);
  const r = mode === "client" ? await consumeWithClient(bootstrap) : await runQuery(bootstrap, out);
  process.stdout.write(JSON.stringify(r) + "\n");
  process.exit(0);
} else {
  await parent();
}

async function parent(): Promise<void> {
  if (process.env.BENCH_FROM_SOURCE !== "1") {
    const build = spawnSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url))], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("the build failed");
  }
  const events = Number(process.argv[2] ?? 400_000);
  const runs = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-kafka-"));
  const kafka = await startMockKafka(3);
  try {
    const landing = join(dir, "landing");
    const truth = await writeBookingEvents(landing, { events, files: TOPICS.length, seed: 42 });
    const files = readdirSync(landing).sort();
    files.forEach((f, i) => {
      // Evenly over the partitions (the mock deletes the oldest records of a partition past ~5 MiB).
      const lines = readFileSync(join(landing, f), "utf8").split("\n").filter((l) => l !== "");
      for (let p = 0; p < PARTITIONS; p++) kafka.produce(TOPICS[i], lines.filter((_, k) => k % PARTITIONS === p), { partition: p });
    });
    process.stderr.write(`[kafka-to-silver] produced ${events} events to ${TOPICS.length} topics; ${truth.validDistinct} distinct valid\n`);
    const results: Record<string, ChildResult[]> = { client: [], sluice: [] };
    for (let run = 1; run <= runs; run++) {
      for (const mode of ["client", "sluice"] as const) {
        const out = join(dir, `silver-${run}`);
        const r = await child(mode, kafka.bootstrap, out);
        if (mode === "sluice" && r.rows !== truth.validDistinct) throw new Error(`sluice wrote ${r.rows} rows, expected ${truth.validDistinct}`);
        results[mode].push(r);
        process.stderr.write(`run ${run} ${mode}: ${r.records} records in ${r.seconds.toFixed(2)} s (${Math.round(r.records / r.seconds)}/s, cpu ${r.cpuSeconds.toFixed(2)} s)\n`);
        rmSync(out, { recursive: true, force: true });
      }
    }
    const rate = (m: string) => median(results[m].map((r) => r.records / r.seconds));
    const summary = {
      events,
      validDistinct: truth.validDistinct,
      runs,
      node: process.version,
      clientRecordsPerSec: Math.round(rate("client")),
      sluiceRecordsPerSec: Math.round(rate("sluice")),
      ratio: Math.round((rate("sluice") / rate("client")) * 100) / 100,
      clientCpuSeconds: median(results.client.map((r) => r.cpuSeconds)),
      sluiceCpuSeconds: median(results.sluice.map((r) => r.cpuSeconds)),
      runsDetail: results,
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    kafka.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function child(mode: string, bootstrap: string, out: string): Promise<ChildResult> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, script, "--child", mode, bootstrap, out], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    p.on("close", (code) => {
      if (code !== 0) reject(new Error(`${mode} run exited ${code}`));
      else resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as ChildResult);
    });
  });
}

/** The library alone: fetch every partition to its end, one request per leader, leaders in parallel. */
async function consumeWithClient(bootstrap: string): Promise<ChildResult> {
  const name: string = "@platformatic/kafka";
  const { Consumer } = (await import(name)) as {
    Consumer: new (o: Record<string, unknown>) => {
      metadata(o: { topics: string[] }): Promise<{ topics: Map<string, { id: string; partitions: { leader: number }[] }> }>;
      listOffsets(o: { topics: string[]; partitions: Record<string, number[]> }): Promise<Map<string, bigint[]>>;
      fetch(o: Record<string, unknown>): Promise<{ responses: { topicId: string; partitions: { partitionIndex: number; records?: { firstOffset: bigint; lastOffsetDelta: number; records: { value: Buffer | null }[] }[] | null }[] }[] }>;
      close(force?: boolean): Promise<void>;
    };
  };
  const consumer = new Consumer({ clientId: "bench", groupId: "bench-unused", bootstrapBrokers: bootstrap.split(",") });
  const md = await consumer.metadata({ topics: TOPICS });
  interface Part {
    topic: string;
    topicId: string;
    partition: number;
    offset: bigint;
    end: bigint;
  }
  const byLeader = new Map<number, Part[]>();
  for (const topic of TOPICS) {
    const t = md.topics.get(topic);
    if (t === undefined) throw new Error(`no topic ${topic}`);
    for (const [partition, p] of t.partitions.entries()) {
      // One partition per ListOffsets request: the mock mis-encodes replies for several.
      const end = (await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] } })).get(topic)?.[partition] ?? 0n;
      const list = byLeader.get(p.leader) ?? [];
      list.push({ topic, topicId: t.id, partition, offset: 0n, end });
      byLeader.set(p.leader, list);
    }
  }
  let records = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    [...byLeader].map(async ([leader, parts]) => {
      for (;;) {
        const active = parts.filter((p) => p.offset < p.end);
        if (active.length === 0) return;
        const topics = new Map<string, Record<string, unknown>[]>();
        for (const p of active) {
          const l = topics.get(p.topicId) ?? [];
          l.push({ partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
          topics.set(p.topicId, l);
        }
        const res = await consumer.fetch({ node: leader, maxWaitTime: 10, maxBytes: 16 << 20, topics: [...topics].map(([topicId, partitions]) => ({ topicId, partitions })) });
        for (const t of res.responses) {
          for (const rp of t.partitions) {
            const p = active.find((x) => x.topicId === t.topicId && x.partition === rp.partitionIndex);
            if (p === undefined) continue;
            for (const b of rp.records ?? []) {
              for (const r of b.records) if (r.value !== null) records++;
              const next = b.firstOffset + BigInt(b.lastOffsetDelta) + 1n;
              if (next > p.offset) p.offset = next;
            }
          }
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  await consumer.close(true);
  return { records, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

/** The seed query through the public API, from the earliest offsets into Delta, availableNow. */
async function runQuery(bootstrap: string, out: string): Promise<ChildResult> {
  // The bundle in dist/ is what `npx sluice run` executes (the parent builds it first); with
  // BENCH_FROM_SOURCE=1 the TypeScript sources run instead (slower start of worker threads).
  const entry = process.env.BENCH_FROM_SOURCE === "1" ? "../../src/index.js" : "../../dist/index.js";
  const { SparkSession, col, from_json } = (await import(new URL(entry, import.meta.url).href)) as typeof import("../../src/index.js");
  const spark = SparkSession.builder.appName("kafka_to_silver").getOrCreate();
  if (process.env.BENCH_WORKERS !== undefined) spark.conf.set("sluice.exec.workers", process.env.BENCH_WORKERS);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const q = spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", bootstrap)
    .option("subscribePattern", "bench_events_.*")
    .option("startingOffsets", "earliest")
    .load()
    .selectExpr("CAST(value AS STRING)")
    .select(from_json(col("value"), "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING").alias("data"))
    .select("data.*")
    .filter(col("event_id").isNotNull())
    .dropDuplicates(["event_id"])
    .writeStream.format("delta")
    .option("checkpointLocation", `${out}-checkpoint`)
    .trigger({ availableNow: true })
    .start(out);
  await q.awaitTermination();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  const records = q.recentProgress.reduce((n, p) => n + p.numInputRows, 0);
  const rows = await spark.read.format("delta").load(out).count();
  rmSync(`${out}-checkpoint`, { recursive: true, force: true });
  return { records, seconds, cpuSeconds: (c.user + c.system) / 1e6, rows };
}
