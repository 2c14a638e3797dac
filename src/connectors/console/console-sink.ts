/**
 * The console sink: prints each micro-batch as Spark does (a `Batch: N` banner, then the show()
 * table). Options: `numRows` (default 20), `truncate` (default true).
 */
import type { Batch } from "../../columnar/batch.js";
import { showString } from "../../exec/show.js";
import type { StreamSink, SinkBatch } from "../sink.js";
import type { SinkConnector, SinkContext } from "../registry.js";
import { booleanOption, positiveIntOption, validateOptions } from "../../options.js";

const consoleOptions = { numRows: positiveIntOption, truncate: booleanOption };

export class ConsoleSink implements StreamSink {
  readonly description = "ConsoleSink";
  constructor(
    private readonly numRows: number,
    private readonly truncate: boolean,
    private readonly write: (s: string) => void = (s) => void process.stdout.write(s),
  ) {}

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number }> {
    const chunks: Batch[] = [];
    let n = 0;
    for await (const b of batch.data) {
      n += b.numRows;
      // Keep only what is printed (plus one row to know there is more).
      if (chunks.reduce((s, c) => s + c.numRows, 0) <= this.numRows) chunks.push(b);
    }
    const bar = "-------------------------------------------\n";
    this.write(`${bar}Batch: ${batch.batchId}\n${bar}${showString(batch.schema, chunks, { numRows: this.numRows, truncate: this.truncate })}\n`);
    return { numOutputRows: n };
  }
}

export const consoleSinkConnector: SinkConnector = {
  outputModes: ["append", "update", "complete"],
  validate(ctx: SinkContext) {
    validateOptions("console sink", consoleOptions, ctx.options);
  },
  create(ctx: SinkContext) {
    const o = validateOptions("console sink", consoleOptions, ctx.options);
    return new ConsoleSink(o.numRows ?? 20, o.truncate ?? true);
  },
};
