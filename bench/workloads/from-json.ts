/**
 * from_json micro benchmark: the Bronze → Silver hot path. Generates N booking-event NDJSON lines
 * (~165 bytes, 0.5 % malformed) in one buffer, then times (median of 3) the schema-driven byte
 * scanner (`parseJsonLines`) against a JSON.parse loop filling the same columns.
 *
 * Run: `node --import tsx bench/workloads/from-json.ts` (BENCH_ROWS overrides N = 1,000,000).
 * Prints JSON: { rows, bytes, scannerRowsPerSec, scannerCpuSecondsPer1M (median CPU time, steadier
 * than wall time on a shared machine), jsonParseRowsPerSec, ratio, … }.
 */
import { parseJsonLines } from "../../src/exec/json/from-json.js";
import { StructType, StructField, StringType, LongType } from "../../src/types/data-types.js";
import { BytesBuilder } from "../../src/columnar/build.js";
import type { Vector } from "../../src/columnar/vector.js";

const N = Number(process.env.BENCH_ROWS ?? 1_000_000);

const schema = StructType([
  StructField("event_id", StringType(), true),
  StructField("user_id", StringType(), true),
  StructField("timestamp", LongType(), true),
  StructField("event_type", StringType(), true),
  StructField("payload", StringType(), true),
]);

const EVENT_TYPES = ["booking_created", "booking_cancelled", "payment_captured", "search_performed"];

function generate(n: number): { data: Uint8Array; starts: Int32Array; ends: Int32Array } {
  const lines: string[] = [];
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(6, "0");
    const user = String(Math.floor(rnd() * 10000)).padStart(4, "0");
    const hotel = Math.floor(rnd() * 500);
    const nights = 1 + Math.floor(rnd() * 14);
    const payload = JSON.stringify({ hotel: `H-${hotel}`, nights, currency: "EUR" });
    let line = JSON.stringify({
      event_id: `e-${id}`,
      user_id: `u-${user}`,
      timestamp: 1732600000123 + i,
      event_type: EVENT_TYPES[i % EVENT_TYPES.length],
      payload,
    });
    if (i % 200 === 199) line = line.slice(0, Math.floor(line.length / 2)); // 0.5 % truncated records
    lines.push(line);
  }
  const data = new TextEncoder().encode(`${lines.join("\n")}\n`);
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  let s = 0;
  let k = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a) {
      starts[k] = s;
      ends[k] = i;
      k++;
      s = i + 1;
    }
  }
  return { data, starts, ends };
}

/** The baseline: decode each line, JSON.parse it, and fill the same five columns. */
function jsonParseLines(data: Uint8Array, starts: Int32Array, ends: Int32Array): Vector[] {
  const n = starts.length;
  const decoder = new TextDecoder();
  const ids = new BytesBuilder(n);
  const users = new BytesBuilder(n);
  const types = new BytesBuilder(n);
  const payloads = new BytesBuilder(n);
  const ts = new BigInt64Array(n);
  const tsValid = new Uint8Array(n);
  const str = (b: BytesBuilder, v: unknown) => {
    if (typeof v === "string") b.appendString(v);
    else if (v === null || v === undefined) b.appendNull();
    else b.appendString(JSON.stringify(v));
  };
  for (let i = 0; i < n; i++) {
    let o: Record<string, unknown> | null = null;
    try {
      const v: unknown = JSON.parse(decoder.decode(data.subarray(starts[i], ends[i])));
      if (v !== null && typeof v === "object" && !Array.isArray(v)) o = v as Record<string, unknown>;
    } catch {
      o = null;
    }
    str(ids, o?.event_id);
    str(users, o?.user_id);
    str(types, o?.event_type);
    str(payloads, o?.payload);
    const t = o?.timestamp;
    if (typeof t === "number" && Number.isInteger(t)) {
      ts[i] = BigInt(t);
      tsValid[i] = 1;
    }
  }
  return [
    ids.finish(StringType()),
    users.finish(StringType()),
    { kind: "i64", type: LongType(), length: n, valid: tsValid, values: ts },
    types.finish(StringType()),
    payloads.finish(StringType()),
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** CPU seconds (user + system) spent in `f`: steadier than wall time on a shared machine. */
function cpuTime(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

const { data, starts, ends } = generate(N);
// Warm both paths on a slice so the JIT has compiled them before timing.
const warm = Math.min(N, 20_000);
parseJsonLines(data, starts.subarray(0, warm), ends.subarray(0, warm), schema);
jsonParseLines(data, starts.subarray(0, warm), ends.subarray(0, warm));

const scannerTimes: number[] = [];
const scannerCpu: number[] = [];
const parseTimes: number[] = [];
let checkRows = 0;
let malformed = 0;
for (let k = 0; k < 3; k++) {
  let wall = 0;
  scannerCpu.push(
    cpuTime(() => {
      wall = time(() => {
        const r = parseJsonLines(data, starts, ends, schema);
        checkRows = r.numRows;
        malformed = r.malformed;
      });
    }),
  );
  scannerTimes.push(wall);
  parseTimes.push(time(() => void jsonParseLines(data, starts, ends)));
}
const scanner = median(scannerTimes);
const parse = median(parseTimes);
console.log(
  JSON.stringify(
    {
      rows: N,
      bytes: data.length,
      avgLineBytes: Math.round(data.length / N),
      malformed,
      outputRows: checkRows,
      scannerSeconds: Number(scanner.toFixed(3)),
      scannerCpuSeconds: Number(median(scannerCpu).toFixed(3)),
      scannerCpuSecondsPer1M: Number(((median(scannerCpu) * 1e6) / N).toFixed(3)),
      jsonParseSeconds: Number(parse.toFixed(3)),
      scannerRowsPerSec: Math.round(N / scanner),
      jsonParseRowsPerSec: Math.round(N / parse),
      ratio: Number((parse / scanner).toFixed(2)),
      scannerMBPerSec: Number((data.length / scanner / 1e6).toFixed(1)),
    },
    null,
    2,
  ),
);
