/**
 * Hash join throughput: 1M fact rows (the stream side) joined with a 10k-row dimension table on a
 * string key, through the public DataFrame API, against DuckDB running the same query on the same
 * data in the same process. Also the stream–static form: the facts as a MemoryStream of 10
 * micro-batches joined with the static dimension DataFrame into a memory sink.
 *
 * Both sides generate identical data from the same formulas and hold it in memory before timing
 * starts: fact i has key `c<(i * 7919) % 10000>` and amount `i % 1000`; dimension j has key `c<j>`,
 * a segment `s<j % 17>` and a weight `j / 10`. Queries, checked to give the same answer on both:
 *   count:     SELECT count(*) FROM facts JOIN dims USING (k)
 *   aggregate: SELECT segment, sum(amount) FROM facts JOIN dims USING (k) GROUP BY segment
 *
 * Run: node --import tsx bench/workloads/join.ts   (BENCH_ROWS, BENCH_DIMS, BENCH_RUNS)
 * Prints one JSON object.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { SparkSession, MemoryStream, DataFrame, col, sum } from "../../src/index.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DIMS = Number(process.env.BENCH_DIMS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const spark = SparkSession.builder.appName("bench-join").config("sluice.exec.workers", "0").getOrCreate();

/** Materializes a DataFrame's rows once, so timing starts from data in memory. */
async function cached(df: DataFrame): Promise<DataFrame> {
  const batches = await df.collectBatches();
  return DataFrame.of(spark, { kind: "localRelation", schema: df.schema, batches, isStreaming: false });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const facts = await cached(spark.range(ROWS).selectExpr("id", `concat('c', CAST((id * 7919) % ${DIMS} AS STRING)) AS k`, "CAST(id % 1000 AS INT) AS amount"));
const dims = await cached(spark.range(DIMS).selectExpr(`concat('c', CAST(id AS STRING)) AS k`, "concat('s', CAST(id % 17 AS STRING)) AS segment", "id / 10 AS weight"));

async function sluiceCount(): Promise<number> {
  return facts.join(dims, "k").count();
}

async function sluiceAggregate(): Promise<string> {
  const rows = await facts.join(dims, "k").groupBy("segment").agg(sum(col("amount")).alias("total")).orderBy("segment").collect();
  return rows.map((r) => `${r.segment}=${r.total}`).join(",");
}

const factRows = await facts.collect();

/** The facts as 10 micro-batches of a MemoryStream, joined with the static dimensions into a memory sink. */
async function sluiceStream(): Promise<number> {
  const input = new MemoryStream(facts.schema, `bench_join_${process.pid}_${Math.random().toString(36).slice(2)}`);
  const per = Math.ceil(factRows.length / 10);
  for (let i = 0; i < factRows.length; i += per) input.addData(factRows.slice(i, i + per));
  const name = `bench_join_sink_${Math.random().toString(36).slice(2)}`;
  const t0 = performance.now();
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .join(dims, "k")
    .writeStream.format("memory")
    .queryName(name)
    .option("checkpointLocation", `memory://bench-join/${name}`)
    .trigger({ availableNow: true })
    .start();
  await q.awaitTermination();
  streamMs.push(performance.now() - t0);
  return spark.table(name).count();
}
const streamMs: number[] = [];

const duck = await DuckDBInstance.create(":memory:", { threads: "2" });
const con = await duck.connect();
await con.run(`CREATE TABLE facts AS SELECT range AS id, 'c' || CAST((range * 7919) % ${DIMS} AS VARCHAR) AS k, CAST(range % 1000 AS INTEGER) AS amount FROM range(${ROWS})`);
await con.run(`CREATE TABLE dims AS SELECT 'c' || CAST(range AS VARCHAR) AS k, 's' || CAST(range % 17 AS VARCHAR) AS segment, range / 10 AS weight FROM range(${DIMS})`);

async function duckCount(): Promise<number> {
  const r = await con.runAndReadAll("SELECT count(*) AS n FROM facts JOIN dims USING (k)");
  return Number(r.getRows()[0][0]);
}

async function duckAggregate(): Promise<string> {
  const r = await con.runAndReadAll("SELECT segment, sum(amount) AS total FROM facts JOIN dims USING (k) GROUP BY segment ORDER BY segment");
  return r.getRows().map((row) => `${String(row[0])}=${String(row[1])}`).join(",");
}

async function time<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

const results: Record<string, number[]> = { sluiceCount: [], duckCount: [], sluiceAggregate: [], duckAggregate: [], sluiceStream: [] };
let answers: Record<string, unknown> = {};
for (let run = 0; run < RUNS; run++) {
  const a = await time(sluiceCount);
  const b = await time(duckCount);
  const c = await time(sluiceAggregate);
  const d = await time(duckAggregate);
  const e = await time(sluiceStream);
  results.sluiceCount.push(a.ms);
  results.duckCount.push(b.ms);
  results.sluiceAggregate.push(c.ms);
  results.duckAggregate.push(d.ms);
  results.sluiceStream.push(streamMs[streamMs.length - 1]);
  answers = { sluiceCount: a.value, duckCount: b.value, sameAggregate: c.value === d.value, streamRows: e.value };
  process.stderr.write(`run ${run + 1}: sluice ${a.ms.toFixed(0)} ms, duckdb ${b.ms.toFixed(0)} ms, aggregate ${c.ms.toFixed(0)} / ${d.ms.toFixed(0)} ms, stream ${e.ms.toFixed(0)} ms\n`);
}
if (answers.sluiceCount !== answers.duckCount || answers.sameAggregate !== true || answers.streamRows !== answers.sluiceCount) {
  throw new Error(`the engines disagree: ${JSON.stringify(answers)}`);
}
const rate = (ms: number) => Math.round(ROWS / (ms / 1000));
console.log(
  JSON.stringify({
    workload: "join",
    node: process.version,
    rows: ROWS,
    dims: DIMS,
    runs: RUNS,
    outputRows: answers.sluiceCount,
    medianMs: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(median(v))])),
    rowsPerSecond: {
      sluiceCount: rate(median(results.sluiceCount)),
      duckdbCount: rate(median(results.duckCount)),
      sluiceAggregate: rate(median(results.sluiceAggregate)),
      duckdbAggregate: rate(median(results.duckAggregate)),
      sluiceStreamStatic: rate(median(results.sluiceStream)),
    },
    ratioToDuckdb: {
      count: +(median(results.duckCount) / median(results.sluiceCount)).toFixed(3),
      aggregate: +(median(results.duckAggregate) / median(results.sluiceAggregate)).toFixed(3),
    },
  }),
);
process.exit(0);
