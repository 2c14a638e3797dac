// An AWS Glue streaming job as Glue Studio generates it (Kinesis catalog table → ApplyMapping →
// Parquet on S3 in forEachBatch), ported from Python with syntax changes only: keyword arguments
// become an object, `sys.argv` becomes `process.argv`, and the batch function is async.
//   npx sluice run examples/glue-kinesis-to-s3.ts -- --JOB_NAME bookings --TempDir s3://bucket/tmp \
//     --DATABASE demo --TABLE booking_events_stream --OUTPUT s3://bucket/silver/booking_events
// The catalog table's parameters name the stream (typeOfData=kinesis, streamName or streamARN,
// classification=json) and its columns are the records' schema.
import { ApplyMapping, DynamicFrame, GlueContext, Job, SparkContext, getResolvedOptions } from "sluice/glue";
import type { DataFrame } from "sluice";

const args = getResolvedOptions(process.argv, ["JOB_NAME", "TempDir", "DATABASE", "TABLE", "OUTPUT"]);
const sc = new SparkContext();
const glueContext = new GlueContext(sc);
const job = new Job(glueContext);
job.init(args["JOB_NAME"], args);

// Script generated for node Kinesis Stream
const dataframe_KinesisStream_node1 = glueContext.create_data_frame.from_catalog({
  database: args["DATABASE"],
  table_name: args["TABLE"],
  additional_options: { startingPosition: "TRIM_HORIZON", inferSchema: "false" },
  transformation_ctx: "dataframe_KinesisStream_node1",
});

async function processBatch(data_frame: DataFrame, batchId: number): Promise<void> {
  if ((await data_frame.count()) > 0) {
    const KinesisStream_node1 = DynamicFrame.fromDF(data_frame, glueContext, "from_data_frame");
    // Script generated for node ApplyMapping
    const ApplyMapping_node2 = ApplyMapping.apply({
      frame: KinesisStream_node1,
      mappings: [
        ["event_id", "string", "event_id", "string"],
        ["user_id", "string", "user_id", "string"],
        ["timestamp", "long", "event_time", "timestamp"],
        ["event_type", "string", "event_type", "string"],
      ],
      transformation_ctx: "ApplyMapping_node2",
    });
    // Script generated for node S3 bucket
    await glueContext.write_dynamic_frame.from_options({
      frame: ApplyMapping_node2,
      connection_type: "s3",
      format: "glueparquet",
      connection_options: { path: args["OUTPUT"], partitionKeys: ["event_type"] },
      format_options: { compression: "snappy" },
      transformation_ctx: "S3bucket_node3",
    });
    glueContext.get_logger().info(`batch ${batchId}: wrote ${await ApplyMapping_node2.count()} rows`);
  }
}

await glueContext.forEachBatch({
  frame: dataframe_KinesisStream_node1,
  batch_function: processBatch,
  options: {
    windowSize: "100 seconds",
    checkpointLocation: args["TempDir"] + "/" + args["JOB_NAME"] + "/checkpoint/",
  },
});
job.commit();
