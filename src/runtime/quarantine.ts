/**
 * The quarantine table: a Delta table (`writeStream.option("quarantinePath", …)`) that receives the
 * rows `expectOrQuarantine` rules took out of a micro-batch. It is written through the Delta
 * streaming sink (the query's id as its txn appId, the batch id as the version: checkpoints, log
 * cleanup and the snapshot kept between batches come with it), after the main sink added the batch
 * and before the batch commits: a batch re-run after a crash writes the same rows (same offsets,
 * same `_ingested_at`), and the txn makes the second write a no-op, so each bad row lands exactly
 * once, in step with the main sink. A batch that quarantined nothing writes nothing.
 *
 * Columns: `_error` (every rule the row failed, with its condition), `_source` (the file the row
 * was read from, as `input_file_name()`; null when it did not come straight from a file or Delta
 * source), `_batch_id`, `_ingested_at` (the batch's timestamp), then the row's columns as they
 * were where the rules checked them.
 */
import type { Batch } from "../columnar/batch.js";
import { makeBatch } from "../columnar/batch.js";
import { vectorFromValues } from "../columnar/build.js";
import type { StreamSink } from "../connectors/sink.js";
import { AnalysisError } from "../errors.js";
import type { QuarantinedRows } from "../exec/operator.js";
import { broadcastLiteral } from "../exec/eval/vectors.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import { childrenOfResolved } from "../plan/analyze.js";
import { LongType, StringType, StructField, StructType, TimestampType } from "../types/data-types.js";

/** Where a query's quarantined rows go. */
export interface QuarantineTarget {
  /** The location as the user gave it, for messages and progress. */
  readonly location: string;
  /** The table's schema: {@link QUARANTINE_COLUMNS}, then the checked rows' columns. */
  readonly schema: StructType;
  /** The Delta streaming sink over the table, for the query with id `queryId`. */
  readonly createSink: (queryId: string) => StreamSink;
}

/** The columns sluice adds in front of a quarantined row's own. */
export const QUARANTINE_COLUMNS = ["_error", "_source", "_batch_id", "_ingested_at"] as const;

/**
 * The schema of the rows the plan's quarantine rules check (null when it has none).
 * @throws AnalysisError when rules at different points of the plan see different columns, or a
 *   checked column is named like one of {@link QUARANTINE_COLUMNS}.
 */
export function quarantinedSchema(plan: ResolvedPlan): StructType | null {
  const schemas: StructType[] = [];
  const walk = (p: ResolvedPlan): void => {
    if (p.kind === "expect" && p.expectations.some((x) => x.action === "quarantine")) schemas.push(p.child.schema);
    for (const c of childrenOfResolved(p)) walk(c);
  };
  walk(plan);
  if (schemas.length === 0) return null;
  const names = (s: StructType) => s.fields.map((f) => `${f.name} ${f.dataType.typeName}`).join(", ");
  for (const s of schemas.slice(1)) {
    if (names(s) !== names(schemas[0])) {
      throw new AnalysisError(`expectOrQuarantine: rules at different steps of the query see different columns ([${names(schemas[0])}] and [${names(s)}]); one quarantine table holds one kind of row`);
    }
  }
  const clash = schemas[0].fields.find((f) => (QUARANTINE_COLUMNS as readonly string[]).includes(f.name));
  if (clash !== undefined) throw new AnalysisError(`expectOrQuarantine: the checked rows have a column '${clash.name}', a name the quarantine table uses for its own`);
  return schemas[0];
}

/** The quarantine table's schema for rows of `rows`: {@link QUARANTINE_COLUMNS}, then theirs. */
export function quarantineTableSchema(rows: StructType): StructType {
  return StructType([
    StructField("_error", StringType(), false),
    StructField("_source", StringType(), true),
    StructField("_batch_id", LongType(), false),
    StructField("_ingested_at", TimestampType(), false),
    ...rows.fields,
  ]);
}

/**
 * Writes one micro-batch's quarantined rows through `sink` (the target's, with `schema` its
 * table schema); nothing when there are none. Returns how many rows.
 */
export async function writeQuarantine(
  sink: StreamSink,
  schema: StructType,
  rows: readonly QuarantinedRows[],
  batch: { readonly batchId: number; readonly batchTimestampMs: number },
): Promise<number> {
  const total = rows.reduce((n, r) => n + r.batch.numRows, 0);
  if (total === 0) return 0;
  const micros = BigInt(Math.trunc(batch.batchTimestampMs)) * 1000n;
  const batches: Batch[] = rows.map((r) => {
    const n = r.batch.numRows;
    return makeBatch(
      schema,
      [
        vectorFromValues(StringType(), r.errors),
        broadcastLiteral(r.source, StringType(), n),
        broadcastLiteral(BigInt(batch.batchId), LongType(), n),
        broadcastLiteral(micros, TimestampType(), n),
        ...r.batch.columns,
      ],
      n,
    );
  });
  await sink.addBatch({ batchId: batch.batchId, schema, outputMode: "append", data: fromArray(batches) });
  return total;
}

async function* fromArray(batches: readonly Batch[]): AsyncGenerator<Batch> {
  yield* batches;
}
