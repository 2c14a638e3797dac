import { tableFormatContract } from "./table-format.contract.js";
import { DeltaStreamingTable } from "../../src/tables/delta/streaming-table.js";

tableFormatContract("delta", (storage, key, { queryId, partitionBy }) =>
  new DeltaStreamingTable(storage, key, { queryId, partitionBy: partitionBy.length > 0 ? partitionBy : undefined, outputMode: "Append" }),
);
