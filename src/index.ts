/**
 * sluice: Spark Structured Streaming's programming model for Node.js.
 *
 * @example
 * import { SparkSession, col, from_json, StructType, StructField, StringType, LongType } from "sluice";
 */
export { SparkSession, SparkSessionBuilder, RuntimeConfig, Catalog } from "./api/session.js";
export { DataFrame } from "./api/dataframe.js";
export type { ColumnLike } from "./api/dataframe.js";
export { GroupedData } from "./api/grouped-data.js";
export { DataStreamReader, DataFrameReader } from "./api/data-stream-reader.js";
export { DataStreamWriter } from "./api/data-stream-writer.js";
export { DataFrameWriter } from "./api/data-frame-writer.js";
export type { SaveMode } from "./api/data-frame-writer.js";
export type { OptionValue } from "./api/options.js";
export { Column } from "./api/column.js";
export { Window, WindowSpec } from "./api/window.js";
export { GroupState } from "./state/group-state.js";
export type { GroupStateFunction, GroupStateTimeout } from "./state/group-state.js";
export * from "./api/functions.js";
export * as functions from "./api/functions.js";

export {
  StringType,
  LongType,
  IntegerType,
  ShortType,
  ByteType,
  DoubleType,
  FloatType,
  BooleanType,
  BinaryType,
  TimestampType,
  DateType,
  NullType,
  DecimalType,
  ArrayType,
  MapType,
  StructType,
  StructField,
} from "./types/data-types.js";
export type { DataType, AtomicType, RowOf, ValueOf, FieldMetadata } from "./types/data-types.js";
export { parseDDL, parseDataType } from "./sql/ddl.js";
export { schemaToJson, schemaFromJson } from "./types/json-schema.js";
export { treeString } from "./types/print-schema.js";
export type { Row } from "./columnar/values.js";

export { StreamingQuery } from "./runtime/streaming-query.js";
export { StreamingQueryManager } from "./runtime/query-manager.js";
export type {
  StreamingQueryListener,
  QueryStartedEvent,
  QueryProgressEvent,
  QueryIdleEvent,
  QueryTerminatedEvent,
} from "./runtime/query-manager.js";
export type { StreamingQueryProgress, StreamingQueryStatus, SourceProgress, SinkProgress, DataQualityProgress } from "./runtime/progress.js";
export type { ExpectationMetrics } from "./exec/operator.js";
export type { TriggerSpec } from "./runtime/trigger.js";
export type { OutputMode } from "./plan/logical.js";
export type { ForeachBatchFunction } from "./api/foreach-batch-sink.js";
export { MemoryStream } from "./connectors/memory/memory-stream.js";
export { setKafkaTokenProvider } from "./connectors/kafka/platformatic-client.js";
export type { KafkaTokenProvider } from "./connectors/kafka/platformatic-client.js";
export { DeltaTable } from "./api/delta-table.js";
export { Observation } from "./api/observation.js";

export {
  SluiceError,
  ConfigError,
  AnalysisError,
  ParseError,
  SourceError,
  SinkError,
  StorageError,
  NotFoundError,
  AlreadyExistsError,
  CommitConflictError,
  CorruptCheckpointError,
  ExecutionError,
  ExpectationError,
  InternalError,
  ErrorCodes,
} from "./errors.js";
export type { ErrorCode } from "./errors.js";
