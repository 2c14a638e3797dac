import { tableFormatContract } from "./table-format.contract.js";
import { IcebergStreamingTable } from "../../src/tables/iceberg/streaming-table.js";

tableFormatContract("iceberg", (storage, key, { queryId, partitionBy }) => new IcebergStreamingTable(storage, key, { queryId, partitionBy }), {
  partitionColumnsInFiles: true,
  emptyPartitionValueIsNull: false,
  nullFolder: "null",
});
