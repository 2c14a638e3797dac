/**
 * `spark.readStream`: configures a streaming source, as Spark's DataStreamReader.
 *
 * @example
 * const raw = spark.readStream.format("text").option("maxFilesPerTrigger", 100).load(process.env.LANDING);
 */
import type { StructType } from "../types/data-types.js";
import { toSchema } from "../sql/ddl.js";
import type { SparkSession } from "./session.js";
import { DataFrame } from "./dataframe.js";
import { optionValue } from "./options.js";
import type { OptionValue } from "./options.js";
import { SESSION_TIME_ZONE_OPTION } from "../connectors/registry.js";
import { resolveSourceSchema } from "../runtime/source-schema.js";
import { glueCatalogConfigured, lookupCatalogTable } from "../runtime/catalog-table.js";
import { AnalysisError } from "../errors.js";

export class SourceReader {
  protected formatName: string;
  protected readonly opts: Record<string, string> = {};
  protected userSchema: StructType | null = null;

  /** @internal */
  constructor(
    protected readonly session: SparkSession,
    private readonly streaming: boolean,
  ) {
    this.formatName = session.conf.get("spark.sql.sources.default") ?? "parquet";
  }

  /** Source format: `text`, `json`, `csv`, `rate`, `memory` … */
  format(source: string): this {
    this.formatName = source;
    return this;
  }

  /** Sets a source option (stored as a string, as in Spark). */
  option(key: string, value: OptionValue): this {
    this.opts[key] = optionValue(key, value);
    return this;
  }

  /** Sets several options. */
  options(options: Readonly<Record<string, OptionValue>>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  /** The schema, as a StructType, a DDL string (`"event_id STRING, ts BIGINT"`) or Spark JSON. */
  schema(schema: StructType | string): this {
    this.userSchema = toSchema(schema);
    return this;
  }

  /**
   * Creates the DataFrame. Options are validated and the schema resolved here (reading storage if
   * the format needs it: a Delta log, a Parquet footer, that the path exists), so a bad option or a
   * missing path fails at once. The session's
   * `spark.sql.session.timeZone`, when set, is recorded with the source (as of this call) so its
   * reads use it wherever they run (see `SESSION_TIME_ZONE_OPTION`).
   */
  load(path?: string): DataFrame {
    const zone = this.session.conf.sessionTimeZone();
    const options: Record<string, string> = path === undefined ? { ...this.opts } : { ...this.opts, path };
    if (zone !== undefined) options[SESSION_TIME_ZONE_OPTION] = zone;
    const schema = resolveSourceSchema(this.formatName, options, this.userSchema, this.streaming);
    return DataFrame.of(this.session, {
      kind: "source",
      format: this.formatName,
      options,
      userSchema: this.userSchema,
      schema,
      isStreaming: this.streaming,
      path: options.path ?? null,
    });
  }

  /** `format("json").load(path)`. */
  json(path: string): DataFrame {
    return this.format("json").load(path);
  }

  /** `format("csv").load(path)`. */
  csv(path: string): DataFrame {
    return this.format("csv").load(path);
  }

  /**
   * A table by name: a temporary view, else, when the session configures the Glue Data Catalog
   * (`sluice.catalog` = `glue`, or Glue's Hive metastore client factory), the catalog's table
   * `database.table` read at its location in its format (Delta, Parquet, JSON, CSV; JSON and CSV
   * with the catalog's columns as the schema).
   * @throws AnalysisError when no view or catalog table has that name.
   */
  table(name: string): DataFrame {
    const conf = this.session.conf.getAll();
    if (this.session.catalog.hasView(name) || !glueCatalogConfigured(conf)) {
      const view = this.session.catalog.view(name);
      if (this.streaming && !view.isStreaming) throw new AnalysisError(`table: ${name} is a batch view; spark.readStream.table needs a streaming one (use spark.table)`);
      return view;
    }
    const t = lookupCatalogTable(name, conf);
    this.format(t.format);
    // A Glue Iceberg table is read at its metadata_location; a stream keeps following Glue's pointer.
    if (t.format === "iceberg") this.option("catalog", "glue").option("database", t.database).option("table", t.table);
    for (const [k, v] of Object.entries(t.options)) if (!(k in this.opts)) this.option(k, v);
    if ((t.format === "json" || t.format === "csv") && this.userSchema === null) this.schema(t.schemaDdl);
    return this.load(t.location);
  }

  /** `format("text").load(path)`. */
  text(path: string): DataFrame {
    return this.format("text").load(path);
  }

  /** `format("parquet").load(path)`. */
  parquet(path: string): DataFrame {
    return this.format("parquet").load(path);
  }
}

/** `spark.readStream`. */
export class DataStreamReader extends SourceReader {
  /** @internal */
  constructor(session: SparkSession) {
    super(session, true);
  }
}

/** `spark.read`: the same sources read once, as a batch DataFrame. */
export class DataFrameReader extends SourceReader {
  /** @internal */
  constructor(session: SparkSession) {
    super(session, false);
  }
}
