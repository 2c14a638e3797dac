/**
 * Parquet write throughput: 1M generated booking events (event_id, user_id, timestamp bigint,
 * event_type, payload) written with zstd by sluice's ParquetWriter (at its default level 1 and at
 * Spark's level 3) and, as the baseline, by DuckDB's `COPY … (FORMAT parquet, COMPRESSION zstd)`
 * from an in-memory table holding the same rows, on one thread. Median of 3 runs each; data
 * generation is outside the timings. Reports wall time and process CPU time (the CPU figure is
 * the steadier one on a shared machine). Where Node has native zstd, level 1 is also written with
 * the WebAssembly fallback (the zstd of Node 20) in the same process, to compare the backends.
 * Prints JSON.
 *
 *   node --import tsx bench/workloads/parquet-write.ts [rows] [batchRows]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { LongType, StringType, StructField, StructType } from "../../src/types/data-types.js";
import { BytesBuilder } from "../../src/columnar/build.js";
import { makeBatch } from "../../src/columnar/batch.js";
import type { Batch } from "../../src/columnar/batch.js";
import { ParquetWriter } from "../../src/formats/parquet/parquet-writer.js";
import { loadCodec, useZstdBackend, zstdBackendName } from "../../src/formats/compression/codec.js";
import { xorshift } from "../lib/xorshift.js";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const BATCH_ROWS = Number(process.argv[3] ?? 100_000);
const RUNS = 3;

const schema = StructType([
  StructField("event_id", StringType()),
  StructField("user_id", StringType()),
  StructField("timestamp", LongType()),
  StructField("event_type", StringType()),
  StructField("payload", StringType()),
]);

const EVENT_TYPES = ["booking_created", "booking_paid", "booking_cancelled", "search", "view", "cart_add", "login", "logout"];
const CURRENCIES = ["EUR", "USD", "GBP", "CHF"];


function generate(rows: number, batchRows: number): Batch[] {
  const rand = xorshift(42);
  const batches: Batch[] = [];
  let ts = 1_717_000_000_000n;
  for (let start = 0; start < rows; start += batchRows) {
    const n = Math.min(batchRows, rows - start);
    const ids = new BytesBuilder(n, n * 16);
    const users = new BytesBuilder(n, n * 12);
    const types = new BytesBuilder(n, n * 14);
    const payloads = new BytesBuilder(n, n * 24);
    const times = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const row = start + i;
      ids.appendString(`evt-${(row * 2654435761) >>> 0}`);
      users.appendString(`u${Math.floor(rand() * 200_000)}`);
      ts += BigInt(Math.floor(rand() * 20));
      times[i] = ts;
      types.appendString(EVENT_TYPES[Math.floor(rand() * EVENT_TYPES.length)]);
      payloads.appendString(`{"amt":${Math.floor(rand() * 100_000)},"cur":"${CURRENCIES[Math.floor(rand() * 4)]}"}`);
    }
    batches.push(
      makeBatch(schema, [
        ids.finish(StringType()),
        users.finish(StringType()),
        { kind: "i64", type: LongType(), length: n, valid: null, values: times },
        types.finish(StringType()),
        payloads.finish(StringType()),
      ]),
    );
  }
  return batches;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  await loadCodec("zstd");
  const batches = generate(ROWS, BATCH_ROWS);
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-"));
  try {
    const runSluice = (level: number | undefined) => {
      const wall: number[] = [];
      const cpu: number[] = [];
      let out: Uint8Array = new Uint8Array(0);
      for (let run = 0; run < RUNS; run++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const w = new ParquetWriter(schema, { compression: "zstd", compressionLevel: level });
        for (const b of batches) w.write(b);
        out = w.finish();
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      return { wall, cpu, out };
    };
    const level1 = runSluice(undefined);
    const level3 = runSluice(3);
    const backend = zstdBackendName();
    let wasmLevel1: ReturnType<typeof runSluice> | null = null;
    if (backend === "native") {
      await useZstdBackend("wasm");
      wasmLevel1 = runSluice(undefined);
      await useZstdBackend("native");
    }
    const file = level1.out;
    const ours = join(dir, "sluice.parquet");
    writeFileSync(ours, file);

    const db = await (await DuckDBInstance.create(":memory:", { threads: "1" })).connect();
    await db.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${ours}')`);
    const check = await db.runAndReadAll("SELECT count(*)::BIGINT AS n FROM t");
    const duckRows = Number(check.getRowObjects()[0].n);
    const duckMs: number[] = [];
    const duckCpu: number[] = [];
    const theirs = join(dir, "duckdb.parquet");
    for (let run = 0; run < RUNS; run++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await db.run(`COPY t TO '${theirs}' (FORMAT parquet, COMPRESSION zstd)`);
      duckMs.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      duckCpu.push((c.user + c.system) / 1000);
    }
    const duckBytes = statSync(theirs).size;
    const summary = (wall: number[], cpu: number[], rows: number, bytes: number) => ({
      medianMs: round(median(wall)),
      rowsPerSec: Math.round(rows / (median(wall) / 1000)),
      medianCpuMs: round(median(cpu)),
      rowsPerCpuSec: Math.round(rows / (median(cpu) / 1000)),
      bytes,
      runsMs: wall.map(round),
    });
    const ours1 = summary(level1.wall, level1.cpu, ROWS, level1.out.length);
    const duck = summary(duckMs, duckCpu, duckRows, duckBytes);
    console.log(
      JSON.stringify(
        {
          workload: "parquet-write",
          rows: ROWS,
          batchRows: BATCH_ROWS,
          codec: "zstd",
          sluice: { level: 1, zstd: backend, ...ours1 },
          sluiceLevel3: { level: 3, ...summary(level3.wall, level3.cpu, ROWS, level3.out.length) },
          ...(wasmLevel1 === null ? {} : { sluiceWasmZstd: { level: 1, zstd: "wasm", ...summary(wasmLevel1.wall, wasmLevel1.cpu, ROWS, wasmLevel1.out.length) } }),
          duckdbCopy: { threads: 1, ...duck },
          wallRatio: round(median(duckMs) / median(level1.wall)),
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

await main();
