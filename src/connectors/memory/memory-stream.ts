/**
 * `MemoryStream`: a streaming source fed from code, for tests and examples (Spark's
 * `MemoryStream`). Each `addData` call appends one block; the offset is the number of blocks, as
 * JSON text. The data lives in this process only: a restarted process cannot replay it.
 *
 * @example
 * const input = new MemoryStream("event_id STRING, user_id STRING");
 * const df = spark.readStream.format("memory").option("name", input.name).load();
 * input.addData([{ event_id: "e1", user_id: "u1" }]);
 */
import type { Batch } from "../../columnar/batch.js";
import { batchFromCheckedRows } from "../../columnar/row-values.js";
import { stringToDate, stringToTimestamp } from "../../formats/json/json-datetime.js";
import type { StructType } from "../../types/data-types.js";
import { toSchema } from "../../sql/ddl.js";
import { ConfigError, SourceError } from "../../errors.js";
import type { StreamSource, OffsetJson, ReadLimit } from "../source.js";
import type { SourceConnector, Options } from "../registry.js";
import { validateOptions } from "../../options.js";
import { z } from "zod";

const streams = new Map<string, MemoryStream>();
let counter = 0;

export class MemoryStream {
  readonly name: string;
  readonly schema: StructType;
  private readonly blocks: Batch[] = [];

  constructor(schema: StructType | string, name?: string) {
    this.schema = toSchema(schema);
    this.name = name ?? `memory_stream_${++counter}`;
    streams.set(this.name, this);
  }

  /** The stream registered under `name`. */
  static get(name: string): MemoryStream {
    const s = streams.get(name);
    if (s === undefined) {
      throw new ConfigError(`memory source: no MemoryStream named '${name}'; create one with new MemoryStream(schema, name)`, {
        option: "name",
      });
    }
    return s;
  }

  /**
   * Appends rows (objects keyed by field name); returns the new end offset. Values are checked as
   * `createDataFrame` checks them (timestamp strings without a zone are UTC).
   * @throws ExecutionError naming the row, the column and the value that does not fit.
   */
  addData(rows: readonly Record<string, unknown>[]): number {
    this.blocks.push(
      batchFromCheckedRows(this.schema, rows, {
        subsystem: `memory stream '${this.name}'`,
        parseTimestamp: (text) => stringToTimestamp(text, "UTC"),
        parseDate: stringToDate,
      }),
    );
    return this.blocks.length;
  }

  /** Number of blocks added so far (the latest offset). */
  get latest(): number {
    return this.blocks.length;
  }

  /** Blocks `[from, to)`. */
  slice(from: number, to: number): readonly Batch[] {
    if (to > this.blocks.length) {
      throw new SourceError(`memory source: offset ${to} is beyond the ${this.blocks.length} blocks of '${this.name}'`);
    }
    return this.blocks.slice(from, to);
  }
}

class MemoryStreamSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private availableNowEnd: number | null = null;

  constructor(private readonly stream: MemoryStream) {
    this.schema = stream.schema;
    this.description = `MemoryStream[${stream.name}]`;
  }

  async open(): Promise<void> {}

  async latestOffset(_start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null> {
    const end = limit.kind === "availableNow" && this.availableNowEnd !== null ? this.availableNowEnd : this.stream.latest;
    return end === 0 ? null : String(end);
  }

  async *read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch> {
    for (const b of this.stream.slice(start === null ? 0 : parseOffset(start), parseOffset(end))) yield b;
  }

  async commit(): Promise<void> {}

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNowEnd = this.stream.latest;
  }

  async stop(): Promise<void> {}
}

function parseOffset(json: string): number {
  const n = Number(json);
  if (!Number.isInteger(n) || n < 0) throw new SourceError(`memory source: invalid offset ${JSON.stringify(json)}`);
  return n;
}

const memoryOptions = { name: z.string().min(1), path: z.string() };

export const memorySourceConnector: SourceConnector = {
  staticSchema(options: Options) {
    return streamFor(options).schema;
  },
  create(options: Options) {
    return new MemoryStreamSource(streamFor(options));
  },
};

function streamFor(options: Options): MemoryStream {
  const o = validateOptions("memory source", memoryOptions, options);
  const name = o.name ?? o.path;
  if (name === undefined) throw new ConfigError("memory source: option 'name' (the MemoryStream's name) is required", { option: "name" });
  return MemoryStream.get(name);
}
