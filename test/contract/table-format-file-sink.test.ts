import { tableFormatContract } from "./table-format.contract.js";
import { FileSinkTable } from "../../src/tables/parquet-log/file-sink-table.js";

tableFormatContract("parquet file sink (_spark_metadata)", (storage, key, { partitionBy }) =>
  new FileSinkTable(storage, key, { format: "parquet", compression: "snappy", partitionBy, maxRecordsPerFile: 0 }),
);
