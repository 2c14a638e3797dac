/**
 * dropDuplicates throughput: 1M UUID-like string keys with 5% duplicates, fed in chunks of 100k rows
 * to `DeduplicateOperator` (in memory, and with state committed to a MemoryStorage), against a
 * baseline that decodes every key to a JS string and probes a `Set<string>`. Prints JSON.
 *
 * Run: node --import tsx bench/workloads/dedup.ts [rows] [chunk]
 */
import { BytesBuilder } from "../../src/columnar/build.js";
import { makeBatch } from "../../src/columnar/batch.js";
import type { Batch } from "../../src/columnar/batch.js";
import type { BytesVector } from "../../src/columnar/vector.js";
import { decodeUtf8 } from "../../src/columnar/utf8.js";
import { StringType, StructField, StructType, LongType } from "../../src/types/data-types.js";
import { DeduplicateOperator } from "../../src/exec/dedup.js";
import { MemoryStorage } from "../../src/storage/memory.js";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const CHUNK = Number(process.argv[3] ?? 100_000);
const DUP_RATE = 0.05;
const RUNS = 5;

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}
function uuid(): string {
  const hex = "0123456789abcdef";
  let s = "";
  for (let i = 0; i < 36; i++) s += i === 8 || i === 13 || i === 18 || i === 23 ? "-" : hex[Math.floor(rand() * 16)];
  return s;
}

const schema = StructType([StructField("event_id", StringType()), StructField("n", LongType())]);
const keys: string[] = [];
for (let i = 0; i < ROWS; i++) keys.push(i > 0 && rand() < DUP_RATE ? keys[Math.floor(rand() * i)] : uuid());
const batches: Batch[] = [];
for (let at = 0; at < ROWS; at += CHUNK) {
  const end = Math.min(ROWS, at + CHUNK);
  const b = new BytesBuilder(end - at, (end - at) * 36);
  for (let i = at; i < end; i++) b.appendString(keys[i]);
  const n = new BigInt64Array(end - at);
  batches.push(makeBatch(schema, [b.finish(StringType()), { kind: "i64", type: LongType(), length: end - at, valid: null, values: n }]));
}
const expected = new Set(keys).size;

async function runOperator(persist: boolean): Promise<{ ms: number; commitMs: number; out: number }> {
  const storage = MemoryStorage.fresh("bench-dedup");
  const op = new DeduplicateOperator({
    inputSchema: schema,
    keyOrdinals: [0],
    state: persist ? { storage, prefix: "ckpt/state/0/" } : null,
    operatorId: 0,
  });
  await op.open({ batchId: 0, watermarkMs: 0, lateEventsWatermarkMs: 0, batchTimestampMs: 0, outputMode: "append" });
  const t0 = performance.now();
  let out = 0;
  for (const b of batches) out += op.process(b)?.numRows ?? 0;
  const t1 = performance.now();
  await op.commit();
  const t2 = performance.now();
  return { ms: t1 - t0, commitMs: t2 - t1, out };
}

function runBaseline(): { ms: number; out: number } {
  const t0 = performance.now();
  const seen = new Set<string>();
  let out = 0;
  for (const b of batches) {
    const v = b.columns[0] as BytesVector;
    const sel = new Int32Array(b.numRows);
    let m = 0;
    for (let i = 0; i < b.numRows; i++) {
      const k = decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
      if (!seen.has(k)) {
        seen.add(k);
        sel[m++] = i;
      }
    }
    out += m;
  }
  return { ms: performance.now() - t0, out };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours: number[] = [];
const oursPersist: number[] = [];
const commits: number[] = [];
const base: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const a = await runOperator(false);
  const p = await runOperator(true);
  const c = runBaseline();
  if (a.out !== expected || p.out !== expected || c.out !== expected) {
    throw new Error(`dedup bench: wrong output ${a.out}/${p.out}/${c.out}, expected ${expected}`);
  }
  ours.push(a.ms);
  oursPersist.push(p.ms);
  commits.push(p.commitMs);
  base.push(c.ms);
}
const rate = (ms: number) => Math.round(ROWS / (ms / 1000));
console.log(
  JSON.stringify(
    {
      workload: "dedup",
      rows: ROWS,
      chunk: CHUNK,
      distinct: expected,
      runs: RUNS,
      operatorMs: median(ours),
      operatorKeysPerSec: rate(median(ours)),
      operatorWithStateMs: median(oursPersist),
      stateCommitMs: median(commits),
      baselineSetStringMs: median(base),
      baselineKeysPerSec: rate(median(base)),
      speedupVsBaseline: Number((median(base) / median(ours)).toFixed(2)),
    },
    null,
    2,
  ),
);
