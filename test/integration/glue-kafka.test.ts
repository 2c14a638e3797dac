/**
 * GlueContext's `create_data_frame.from_catalog` on a Kafka catalog table, as Glue's console makes
 * one: the topic and classification in the table's parameters, the brokers in the Glue connection
 * its `connectionName` names (moto's Glue), the records in librdkafka's mock cluster. The batches
 * `forEachBatch` hands over hold the records parsed with the table's columns.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateConnectionCommand, CreateDatabaseCommand, CreateTableCommand, GlueClient } from "@aws-sdk/client-glue";
import { DynamicFrame, GlueContext } from "../../src/glue/index.js";
import { kafkaSkip, mockKafkaForFile } from "../support/kafka-broker.js";
import { MOTO_CREDENTIALS, motoForFile, motoSkip } from "../support/moto.js";

const skip = kafkaSkip !== false ? kafkaSkip : motoSkip;

describe("GlueContext.create_data_frame.from_catalog on a Kafka table", { skip }, () => {
  const broker = mockKafkaForFile();
  const moto = motoForFile();
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  before(() => {
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  });
  after(() => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  test("brokers from the Glue connection, topic and columns from the table, additional_options on top", async () => {
    const glue = new GlueClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS });
    await glue.send(
      new CreateConnectionCommand({
        ConnectionInput: { Name: "msk", ConnectionType: "KAFKA", ConnectionProperties: { KAFKA_BOOTSTRAP_SERVERS: broker().bootstrap, KAFKA_SSL_ENABLED: "false" } },
      }),
    );
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: "streams" } }));
    await glue.send(
      new CreateTableCommand({
        DatabaseName: "streams",
        TableInput: {
          Name: "booking_events",
          Parameters: { classification: "json" },
          StorageDescriptor: {
            Columns: [
              { Name: "event_id", Type: "string" },
              { Name: "user_id", Type: "string" },
              { Name: "timestamp", Type: "bigint" },
            ],
            Parameters: { typeOfData: "kafka", topicName: "glue_booking_events", connectionName: "msk", classification: "json" },
          },
        },
      }),
    );
    glue.destroy();
    const records = Array.from({ length: 50 }, (_, i) => JSON.stringify({ event_id: `e${String(i)}`, user_id: `u${String(i % 3)}`, timestamp: 1_700_000_000 + i, extra: "ignored" }));
    broker().produce("glue_booking_events", [...records, "not json"]);

    const glueContext = new GlueContext();
    const spark = glueContext.spark_session;
    spark.conf.set("sluice.glue.endpoint", moto());
    try {
      const df = glueContext.create_data_frame.from_catalog({
        database: "streams",
        table_name: "booking_events",
        additional_options: { startingOffsets: "earliest", addRecordTimestamp: "true" },
      });
      assert.equal(df.isStreaming, true);
      assert.deepEqual(
        df.schema.fields.map((f) => `${f.name}:${f.dataType.typeName}`),
        ["event_id:string", "user_id:string", "timestamp:long", "__src_timestamp:timestamp"],
      );
      const rows: unknown[][] = [];
      const done = glueContext.forEachBatch({
        frame: df,
        batch_function: async (batch) => {
          for (const r of await batch.collect()) rows.push([r.event_id, r.user_id, r.timestamp, r.__src_timestamp instanceof Date || typeof r.__src_timestamp === "bigint"]);
        },
        options: { windowSize: "100 milliseconds", checkpointLocation: `memory://glue-kafka/${String(Date.now())}/` },
      });
      const q = spark.streams.active.at(-1);
      assert.ok(q !== undefined);
      await q.processAllAvailable();
      await q.stop();
      await done;
      assert.equal(rows.length, 51, "every record, the malformed one as nulls (from_json's PERMISSIVE mode)");
      assert.deepEqual(rows.find((r) => r[0] === "e7"), ["e7", "u1", 1_700_000_007n, true]);
      assert.equal(new Set(rows.map((r) => r[0])).size, 51, "50 distinct ids and the malformed record's null");
      assert.deepEqual(rows.find((r) => r[0] === null)?.slice(0, 3), [null, null, null]);
      // A batch read of the same table reads it from the start (Glue's latest applies to streams).
      const batch = glueContext.create_dynamic_frame.from_catalog({ database: "streams", table_name: "booking_events" });
      assert.equal(await batch.count(), 51);
    } finally {
      spark.conf.unset("sluice.glue.endpoint");
    }
  });

  test("inferSchema: each batch's schema is inferred from its records by DynamicFrame.fromDF", async () => {
    const glueContext = new GlueContext();
    const spark = glueContext.spark_session;
    spark.conf.set("sluice.glue.endpoint", moto());
    try {
      const df = glueContext.create_data_frame.from_catalog({ database: "streams", table_name: "booking_events", additional_options: { startingOffsets: "earliest", inferSchema: "true" } });
      assert.deepEqual(df.columns, ["$json$data_infer_schema$_temporary$"]);
      const seen: { fields: string[]; rows: number; withId: number }[] = [];
      const done = glueContext.forEachBatch({
        frame: df,
        batch_function: async (batch) => {
          const frame = DynamicFrame.fromDF(batch, glueContext, "from_data_frame");
          const rows = await frame.toDF().collect();
          seen.push({ fields: frame.schema().fields.map((f) => `${f.name}:${f.dataType.typeName}`), rows: rows.length, withId: rows.filter((r) => r.event_id !== null).length });
        },
        options: { windowSize: "100 milliseconds", checkpointLocation: `memory://glue-kafka-infer/${String(Date.now())}/` },
      });
      const q = spark.streams.active.at(-1);
      assert.ok(q !== undefined);
      await q.processAllAvailable();
      await q.stop();
      await done;
      assert.equal(seen.length, 1);
      // The records' own fields, extra included (the table's columns do not apply), sorted as Spark infers them.
      assert.deepEqual(seen[0].fields, ["event_id:string", "extra:string", "timestamp:long", "user_id:string"]);
      assert.equal(seen[0].rows, 51);
      assert.equal(seen[0].withId, 50);
    } finally {
      spark.conf.unset("sluice.glue.endpoint");
    }
  });
});
