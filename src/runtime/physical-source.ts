/**
 * A planned source leaf made into a running source: the one place that turns a
 * {@link PhysicalSource} into the connector's `SourceHints` (the filter and columns the plan
 * reads, the schema of the batches it must return, a fused `from_json` read), for the streaming
 * query, batch execution and the fragment workers alike.
 */
import { sourceConnector } from "../connectors/registry.js";
import type { StreamSource } from "../connectors/source.js";
import type { PhysicalSource } from "../exec/planner.js";

/** A new source for `s`, read as a stream (`readStream`) or once (`read`). No I/O. */
export function createSource(s: PhysicalSource, streaming: boolean): StreamSource {
  return sourceConnector(s.node.format).create(s.node.options, { streaming, filter: s.filter, schema: s.readSchema, columns: s.columns, jsonValue: s.jsonValue });
}
