/**
 * The built-in connectors, registered once per process. Adding a connector means adding a line here.
 */
import { registerConnector } from "./registry.js";
import { fileSourceConnector as fileSource } from "./file/create-file-source.js";
import { consoleSinkConnector } from "./console/console-sink.js";
import { memorySourceConnector } from "./memory/memory-stream.js";
import { memorySinkConnector } from "./memory/memory-sink.js";
import { rateSourceConnector } from "./rate/rate-source.js";
import { fileSinkConnector } from "./file/file-sink.js";
import { deltaSinkConnector } from "./delta/delta-sink.js";
import { deltaSourceConnector } from "./delta/delta-source.js";
import { kafkaSourceConnector } from "./kafka/kafka-source.js";
import { kafkaSinkConnector } from "./kafka/kafka-sink.js";
import { kinesisSourceConnector } from "./kinesis/kinesis-source.js";
import { icebergSourceConnector } from "./iceberg/iceberg-source.js";
import { icebergSinkConnector } from "./iceberg/iceberg-sink.js";

let registered = false;

/** Registers every built-in connector (idempotent). */
export function registerBuiltinConnectors(): void {
  if (registered) return;
  registered = true;
  registerConnector({ name: "text", source: fileSource("text") });
  registerConnector({ name: "json", source: fileSource("json"), sink: fileSinkConnector("json") });
  registerConnector({ name: "csv", source: fileSource("csv"), sink: fileSinkConnector("csv") });
  registerConnector({ name: "parquet", source: fileSource("parquet"), sink: fileSinkConnector("parquet") });
  registerConnector({ name: "console", sink: consoleSinkConnector });
  registerConnector({ name: "memory", source: memorySourceConnector, sink: memorySinkConnector });
  registerConnector({ name: "rate", source: rateSourceConnector });
  registerConnector({ name: "delta", source: deltaSourceConnector, sink: deltaSinkConnector });
  registerConnector({ name: "kafka", source: kafkaSourceConnector(), sink: kafkaSinkConnector() });
  registerConnector({ name: "kinesis", source: kinesisSourceConnector });
  registerConnector({ name: "iceberg", source: icebergSourceConnector, sink: icebergSinkConnector });
}
