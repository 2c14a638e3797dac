/**
 * The `rate` source (Spark's): generates `rowsPerSecond` rows per second with columns
 * `timestamp TIMESTAMP` and `value BIGINT`, for tests and load generation. Row `v` has timestamp
 * `start + v / rowsPerSecond` seconds, where `start` is fixed in the checkpoint the first time the
 * query runs, so a re-run batch regenerates exactly the same rows. The offset is the number of
 * milliseconds elapsed since `start`.
 */
import { z } from "zod";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { StructType, StructField, TimestampType, LongType } from "../../types/data-types.js";
import { AlreadyExistsError, ConfigError, SourceError } from "../../errors.js";
import type { StreamSource, OffsetJson, SourceContext, ReadLimit } from "../source.js";
import type { SourceConnector, Options } from "../registry.js";
import { positiveIntOption, validateOptions, onlyDefault } from "../../options.js";
import { decodeUtf8, encodeUtf8 } from "../../columnar/utf8.js";
import { toDisplayUrl } from "../../storage/url.js";

export const RATE_SCHEMA = StructType([StructField("timestamp", TimestampType(), true), StructField("value", LongType(), true)]);
const CHUNK_ROWS = 65_536;

const rateOptions = {
  rowsPerSecond: positiveIntOption,
  numPartitions: positiveIntOption,
  rampUpTime: onlyDefault("0s", "ramp-up is not implemented"),
  maxRowsPerBatch: positiveIntOption,
  path: z.string(),
};

class RateSource implements StreamSource {
  readonly schema = RATE_SCHEMA;
  readonly description: string;
  private startMs = 0;
  private availableNowEnd: number | null = null;

  constructor(
    private readonly rowsPerSecond: number,
    private readonly maxRowsPerBatch: number | null,
  ) {
    this.description = `RateStreamV2[rowsPerSecond=${rowsPerSecond}, rampUpTimeSeconds=0, numPartitions=default]`;
  }

  async open(ctx: SourceContext): Promise<void> {
    const key = `${ctx.metadataPrefix}0`;
    const mine = Date.now();
    try {
      await ctx.storage.put(key, encodeUtf8(`v1\n{"startTimeMs":${mine}}`), { ifNotExists: true });
      this.startMs = mine;
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
      const bytes = await ctx.storage.get(key);
      const text = decodeUtf8(bytes, 0, bytes.length);
      const m = /"startTimeMs":(\d+)/.exec(text);
      if (m === null) throw new SourceError(`rate source: cannot read the start time in ${toDisplayUrl(ctx.storage, key)}`);
      this.startMs = Number(m[1]);
    }
  }

  async latestOffset(start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null> {
    let elapsed = Date.now() - this.startMs;
    if (limit.kind === "availableNow") elapsed = this.availableNowEnd ?? elapsed;
    if (this.maxRowsPerBatch !== null && limit.kind !== "all") {
      const from = start === null ? 0 : parseOffset(start);
      const capMs = Math.floor((this.maxRowsPerBatch * 1000) / this.rowsPerSecond);
      elapsed = Math.min(elapsed, from + Math.max(1, capMs));
    }
    return this.rowsAt(elapsed) === 0 ? null : String(elapsed);
  }

  async *read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch> {
    const from = this.rowsAt(start === null ? 0 : parseOffset(start));
    const to = this.rowsAt(parseOffset(end));
    for (let lo = from; lo < to; lo += CHUNK_ROWS) {
      const hi = Math.min(to, lo + CHUNK_ROWS);
      const n = hi - lo;
      const ts = new BigInt64Array(n);
      const values = new BigInt64Array(n);
      const startMicros = BigInt(this.startMs) * 1000n;
      for (let i = 0; i < n; i++) {
        const v = lo + i;
        values[i] = BigInt(v);
        ts[i] = startMicros + BigInt(Math.floor((v * 1_000_000) / this.rowsPerSecond));
      }
      yield makeBatch(RATE_SCHEMA, [
        { kind: "i64", type: TimestampType(), length: n, valid: null, values: ts },
        { kind: "i64", type: LongType(), length: n, valid: null, values },
      ]);
    }
  }

  async commit(): Promise<void> {}

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNowEnd = Date.now() - this.startMs;
  }

  async stop(): Promise<void> {}

  private rowsAt(elapsedMs: number): number {
    return Math.floor((elapsedMs * this.rowsPerSecond) / 1000);
  }
}

function parseOffset(json: string): number {
  const n = Number(json);
  if (!Number.isInteger(n) || n < 0) throw new SourceError(`rate source: invalid offset ${JSON.stringify(json)}`);
  return n;
}

export const rateSourceConnector: SourceConnector = {
  staticSchema(options: Options) {
    const o = validateOptions("rate source", rateOptions, options);
    if (o.path !== undefined) throw new ConfigError("rate source: does not take a path", { option: "path" });
    return RATE_SCHEMA;
  },
  create(options: Options) {
    const o = validateOptions("rate source", rateOptions, options);
    if (o.path !== undefined) throw new ConfigError("rate source: does not take a path", { option: "path" });
    return new RateSource(o.rowsPerSecond ?? 1, o.maxRowsPerBatch ?? null);
  },
};
