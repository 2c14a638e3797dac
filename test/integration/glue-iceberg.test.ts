/**
 * Iceberg tables on S3 (moto) committed through the Glue Data Catalog, as Iceberg's GlueCatalog
 * does and Athena reads them: `table_type=ICEBERG`, `metadata_location` naming the newest
 * metadata file, `previous_metadata_location` the one before, and the columns. Conflicts: moto
 * does not enforce VersionId, so one proxy answers an UpdateTable with
 * ConcurrentModificationException, and another enforces VersionId as Glue does while writers race.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { GetTableCommand, GlueClient } from "@aws-sdk/client-glue";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { MemoryStream, SparkSession } from "../../src/index.js";
import { createBucket, MOTO_CREDENTIALS, motoCredentialsInEnvironment, motoForFile, motoS3Conf, motoSkip } from "../support/moto.js";
import { startFaultyS3 } from "../../bench/lib/s3-proxy.js";
import type { FaultyS3 } from "../../bench/lib/s3-proxy.js";
import { startGlueVersionLock } from "../support/glue-version-lock.js";

describe("Iceberg tables in the Glue Data Catalog", { skip: motoSkip }, () => {
  const moto = motoForFile();
  let proxy: FaultyS3;
  motoCredentialsInEnvironment({ before, after });
  before(async () => {
    proxy = await startFaultyS3(moto());
  });
  after(async () => {
    await proxy.close();
  });

  const glueTable = async (db: string, name: string) => {
    const client = new GlueClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS });
    try {
      return (await client.send(new GetTableCommand({ DatabaseName: db, Name: name }))).Table;
    } finally {
      client.destroy();
    }
  };
  const metadataFiles = async (bucket: string, prefix: string): Promise<string[]> => {
    const client = new S3Client({ region: "us-east-1", endpoint: moto(), forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    try {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/metadata/` }));
      return (r.Contents ?? []).map((o) => o.Key ?? "").filter((k) => k.endsWith(".metadata.json")).sort();
    } finally {
      client.destroy();
    }
  };
  const session = (glueEndpoint: string) => {
    const spark = SparkSession.builder.getOrCreate();
    for (const [k, v] of Object.entries({ ...motoS3Conf(moto()), "sluice.glue.endpoint": glueEndpoint })) spark.conf.set(k, v);
    return spark;
  };

  test("Gold streamed in complete mode is registered with table_type=ICEBERG and its newest metadata_location, and reads by name", async () => {
    const bucket = await createBucket(moto(), "glue-ice");
    const spark = session(moto());
    const ms = new MemoryStream("user_id STRING", `glue_ice_${process.pid}`);
    const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("user_id").count()
      .writeStream.format("iceberg").outputMode("complete")
      .option("path", `s3://${bucket}/gold/booking_summary`).option("checkpointLocation", `s3://${bucket}/_checkpoints/gold`)
      .option("catalog", "glue").option("database", "lake").option("table", "booking_summary").start();
    ms.addData([{ user_id: "a" }, { user_id: "b" }, { user_id: "a" }]);
    await q.processAllAvailable();
    ms.addData([{ user_id: "c" }]);
    await q.processAllAvailable();
    await q.stop();
    assert.equal(q.exception, null);

    const files = await metadataFiles(bucket, "gold/booking_summary");
    assert.deepEqual(files.map((k) => /\/(\d{5})-[0-9a-f-]{36}\.metadata\.json$/.exec(k)?.[1]), ["00001", "00002"]);
    const t = await glueTable("lake", "booking_summary");
    assert.equal(t?.Parameters?.table_type, "ICEBERG");
    assert.equal(t?.Parameters?.metadata_location, `s3://${bucket}/${files[1]}`);
    assert.equal(t?.Parameters?.previous_metadata_location, `s3://${bucket}/${files[0]}`);
    assert.equal(t?.StorageDescriptor?.Location, `s3://${bucket}/gold/booking_summary`);
    assert.deepEqual(t?.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type, c.Parameters?.["iceberg.field.id"]]), [
      ["user_id", "string", "1"],
      ["count", "bigint", "2"],
    ]);

    spark.conf.set("sluice.catalog", "glue");
    try {
      const rows = (await spark.table("lake.booking_summary").orderBy("user_id").collect()).map((r) => [r.user_id, Number(r.count)]);
      assert.deepEqual(rows, [["a", 2], ["b", 1], ["c", 1]]);
    } finally {
      spark.conf.unset("sluice.catalog");
    }
  });

  test("readStream.table of a Glue Iceberg table follows metadata_location, not the newest file in the folder", async () => {
    const bucket = await createBucket(moto(), "glue-ice-stream");
    const path = `s3://${bucket}/silver/events`;
    const spark = session(moto());
    const append = (ids: number[]) =>
      spark.createDataFrame(ids.map((id) => ({ id })), "id INT").write.format("iceberg").mode("append").option("catalog", "glue").option("database", "lake").option("table", "events_ice").save(path);
    await append([1, 2]);
    spark.conf.set("sluice.catalog", "glue");
    try {
      const q = spark.readStream.table("lake.events_ice").writeStream.format("memory").queryName("glue_ice_stream").option("checkpointLocation", `s3://${bucket}/_checkpoints/stream`).start();
      await q.processAllAvailable();
      // What a writer that has not swapped yet leaves: a newer-numbered metadata file Glue does not name.
      const { PutObjectCommand } = await import("@aws-sdk/client-s3");
      const s3 = new S3Client({ region: "us-east-1", endpoint: moto(), forcePathStyle: true, credentials: MOTO_CREDENTIALS });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "silver/events/metadata/00099-00000000-0000-0000-0000-000000000000.metadata.json", Body: "{ not yet current" }));
      s3.destroy();
      await append([3]);
      await q.processAllAvailable();
      await q.stop();
      assert.equal(q.exception, null);
      const ids = (await spark.table("glue_ice_stream").collect()).map((r) => Number(r.id)).sort();
      assert.deepEqual(ids, [1, 2, 3]);
    } finally {
      spark.conf.unset("sluice.catalog");
    }
  });

  test("a swap Glue refuses (ConcurrentModificationException) is retried on the new metadata; the losing metadata file is deleted", async () => {
    const bucket = await createBucket(moto(), "glue-ice-conflict");
    const path = `s3://${bucket}/silver/t`;
    const spark = session(proxy.endpoint);
    const df = spark.createDataFrame([{ id: 1 }], "id INT");
    const write = () => df.write.format("iceberg").mode("append").option("catalog", "glue").option("database", "lake").option("table", "conflict").save(path);
    await write();
    let refused = 0;
    proxy.policy = (r) => {
      if (r.headers["x-amz-target"] !== "AWSGlue.UpdateTable" || refused > 0) return null;
      refused++;
      return { status: 400, body: JSON.stringify({ __type: "ConcurrentModificationException", message: "Update table failed due to concurrent modifications." }) };
    };
    try {
      await write();
    } finally {
      proxy.policy = () => null;
    }
    assert.equal(refused, 1);
    const files = await metadataFiles(bucket, "silver/t");
    assert.equal(files.length, 2, `one metadata file per committed version, the loser's deleted: ${files.join(", ")}`);
    const t = await glueTable("lake", "conflict");
    assert.equal(t?.Parameters?.metadata_location, `s3://${bucket}/${files[1]}`);
    assert.equal((await spark.read.format("iceberg").load(t?.Parameters?.metadata_location ?? "").collect()).length, 2);
  });

  test("writers racing on one table under Glue's VersionId lock: losers re-read and commit on top, no append is lost", async () => {
    const bucket = await createBucket(moto(), "glue-ice-race");
    const path = `s3://${bucket}/silver/race`;
    const lock = await startGlueVersionLock(moto());
    after(() => lock.close());
    const spark = session(lock.endpoint);
    const write = (id: number) =>
      spark.createDataFrame([{ id }], "id INT").write.format("iceberg").mode("append").option("catalog", "glue").option("database", "lake").option("table", "race").save(path);
    await write(0);
    await Promise.all([1, 2, 3, 4].map((i) => write(i)));
    const t = await glueTable("lake", "race");
    const ids = (await spark.read.format("iceberg").load(t?.Parameters?.metadata_location ?? "").collect()).map((r) => Number(r.id)).sort();
    assert.deepEqual(ids, [0, 1, 2, 3, 4]);
    const files = await metadataFiles(bucket, "silver/race");
    assert.equal(files.length, 5, "five versions, no orphan");
    assert.ok(lock.refused > 0, "the race made Glue refuse stale VersionIds");
  });
});
