/**
 * Options of the Parquet writer, validated once by {@link resolveWriteOptions}. Defaults are
 * Spark's (parquet-mr's): snappy, 128 MiB row groups, 1 MiB pages of at most 20 000 rows,
 * dictionary encoding on with a 1 MiB dictionary limit.
 */
import { z } from "zod";
import { ConfigError, suggestion } from "../../errors.js";
import { CODEC_NAMES } from "../compression/codec.js";

const MiB = 1024 * 1024;

const positiveInt = z.number().int().positive();

/** The option schema; {@link ParquetWriteOptions} is inferred from it. */
export const parquetWriteOptionsSchema = z.strictObject({
  /** Page codec, as Spark's `compression` option. Default `snappy`. */
  compression: z.enum(CODEC_NAMES).optional(),
  /** Codec level (zstd: 1..22, default 1 — see DEFAULT_ZSTD_LEVEL; gzip: 0..9, default 6). Ignored by snappy. */
  compressionLevel: z.number().int().min(-7).max(22).optional(),
  /** Target row-group size in bytes of buffered encoded data (`parquet.block.size`). Default 128 MiB. */
  rowGroupSize: positiveInt.optional(),
  /** Maximum rows per row group. Default 1 048 576. */
  rowGroupRows: positiveInt.optional(),
  /** Target data page size in bytes (`parquet.page.size`). Default 1 MiB. */
  pageSize: positiveInt.optional(),
  /** Maximum rows per data page (`parquet.page.row.count.limit`). Default 20 000. */
  pageRowLimit: positiveInt.optional(),
  /** Dictionary-encode strings and binary (`parquet.enable.dictionary`). Default true. */
  dictionary: z.boolean().optional(),
  /** Dictionary size in bytes after which a column falls back to PLAIN. Default 1 MiB. */
  dictionaryPageSize: positiveInt.optional(),
  /** The footer's `created_by`; keep the `<app> version <v> (build <b>)` shape readers parse. */
  createdBy: z.string().optional(),
  /** Footer key-value metadata, e.g. `org.apache.spark.sql.parquet.row.metadata` (Spark's schema JSON). */
  keyValueMetadata: z.record(z.string(), z.string()).optional(),
});

/** Options of `new ParquetWriter(schema, options)`. */
export type ParquetWriteOptions = z.input<typeof parquetWriteOptionsSchema>;

/** Options with every default filled in. */
export interface ResolvedWriteOptions {
  readonly compression: (typeof CODEC_NAMES)[number];
  readonly compressionLevel: number | undefined;
  readonly rowGroupSize: number;
  readonly rowGroupRows: number;
  readonly pageSize: number;
  readonly pageRowLimit: number;
  readonly dictionary: boolean;
  readonly dictionaryPageSize: number;
  readonly createdBy: string;
  readonly keyValueMetadata: Readonly<Record<string, string>>;
}

/** The default `created_by`, parseable by parquet-mr's VersionParser so readers trust the statistics. */
export const DEFAULT_CREATED_BY = "sluice version 0.1.0 (build sluice)";

/** Validates options and fills defaults; throws `ConfigError` naming the option and value. */
export function resolveWriteOptions(options: ParquetWriteOptions = {}): ResolvedWriteOptions {
  const r = parquetWriteOptionsSchema.safeParse(options);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue.code === "unrecognized_keys") {
      const key = issue.keys[0];
      const known = Object.keys(parquetWriteOptionsSchema.shape);
      throw new ConfigError(`parquet writer: unknown option '${key}'${suggestion(key, known)}`, { option: key });
    }
    const path = issue.path.join(".");
    const got = JSON.stringify((options as Record<string, unknown>)[String(issue.path[0])]);
    throw new ConfigError(`parquet writer: option '${path}' ${issue.message}, got ${got}`, { option: path });
  }
  const o = r.data;
  return {
    compression: o.compression ?? "snappy",
    compressionLevel: o.compressionLevel,
    rowGroupSize: o.rowGroupSize ?? 128 * MiB,
    rowGroupRows: o.rowGroupRows ?? 1_048_576,
    pageSize: o.pageSize ?? MiB,
    pageRowLimit: o.pageRowLimit ?? 20_000,
    dictionary: o.dictionary ?? true,
    dictionaryPageSize: o.dictionaryPageSize ?? MiB,
    createdBy: o.createdBy ?? DEFAULT_CREATED_BY,
    keyValueMetadata: o.keyValueMetadata ?? {},
  };
}
