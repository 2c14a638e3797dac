/**
 * Options of the Parquet writer, validated once by {@link resolveWriteOptions} (the one option
 * validator, `src/options.ts`). Defaults are Spark's (parquet-mr's): snappy, 128 MiB row groups,
 * 1 MiB pages of at most 20 000 rows, dictionary encoding on with a 1 MiB dictionary limit.
 */
import { z } from "zod";
import { validateOptions } from "../../options.js";
import type { OptionInput, OptionValues } from "../../options.js";
import { CODEC_NAMES } from "../compression/codec.js";

const MiB = 1024 * 1024;

const positiveInt = z.number().int().positive();

/** The default `created_by`, parseable by parquet-mr's VersionParser so readers trust the statistics. */
export const DEFAULT_CREATED_BY = "sluice version 0.1.0 (build sluice)";

/** The option set; {@link ParquetWriteOptions} and {@link ResolvedWriteOptions} are inferred from it. */
export const parquetWriteOptionShape = {
  /** Page codec, as Spark's `compression` option. */
  compression: z.enum(CODEC_NAMES).default("snappy"),
  /** Codec level (zstd: 1..22, default 1 — see DEFAULT_ZSTD_LEVEL; gzip: 0..9, default 6). Ignored by snappy. */
  compressionLevel: z.number().int().min(-7).max(22).optional(),
  /** Target row-group size in bytes of buffered encoded data (`parquet.block.size`). */
  rowGroupSize: positiveInt.default(128 * MiB),
  /** Maximum rows per row group. */
  rowGroupRows: positiveInt.default(1_048_576),
  /** Target data page size in bytes (`parquet.page.size`). */
  pageSize: positiveInt.default(MiB),
  /** Maximum rows per data page (`parquet.page.row.count.limit`). */
  pageRowLimit: positiveInt.default(20_000),
  /** Dictionary-encode strings and binary (`parquet.enable.dictionary`). */
  dictionary: z.boolean().default(true),
  /** Dictionary size in bytes after which a column falls back to PLAIN. */
  dictionaryPageSize: positiveInt.default(MiB),
  /** The footer's `created_by`; keep the `<app> version <v> (build <b>)` shape readers parse. */
  createdBy: z.string().default(DEFAULT_CREATED_BY),
  /** Footer key-value metadata, e.g. `org.apache.spark.sql.parquet.row.metadata` (Spark's schema JSON). */
  keyValueMetadata: z.record(z.string(), z.string()).default({}),
  /** `field_id`s of schema nodes by dotted Parquet path (`user.id`, `tags.list.element`), as Iceberg needs. */
  fieldIds: z.record(z.string(), z.number().int()).optional(),
};

/** Options of `new ParquetWriter(schema, options)`. */
export type ParquetWriteOptions = OptionInput<typeof parquetWriteOptionShape>;

/** Options with every default filled in. */
export type ResolvedWriteOptions = OptionValues<typeof parquetWriteOptionShape>;

/** Validates options and fills defaults; throws `ConfigError` naming the option and value. */
export function resolveWriteOptions(options: ParquetWriteOptions = {}): ResolvedWriteOptions {
  return validateOptions("parquet writer", parquetWriteOptionShape, options);
}
