/**
 * Acceptance test of the GlueContext layer, as a user runs a ported Glue streaming script:
 * `sluice run examples/glue-kinesis-to-s3.ts -- --JOB_NAME … --TempDir s3://…` reads a Kinesis
 * stream through its Glue Data Catalog table (parameters and columns, as Glue's console makes
 * them), maps fields with ApplyMapping and writes partitioned Parquet to S3 in forEachBatch. All
 * on moto's server; the output is downloaded with the SDK and read by DuckDB.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStreamCommand, KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from "@aws-sdk/client-glue";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { queryRows, readParquetSql, sqlString } from "../support/duckdb.js";
import { createBucket, MOTO_CREDENTIALS, motoForFile, motoSkip } from "../support/moto.js";
import { downloadPrefix, listKeys } from "../../bench/lib/s3-objects.js";
import { startSluice } from "../support/sluice-cli.js";

const SCRIPT = "examples/glue-kinesis-to-s3.ts";
const base = mkdtempSync(join(tmpdir(), "sluice-glue-script-"));

interface Event {
  readonly event_id: string;
  readonly user_id: string;
  readonly timestamp: number;
  readonly event_type: string;
  readonly payload: string;
}

function events(from: number, n: number): Event[] {
  const types = ["search", "view", "book", "cancel"];
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { event_id: `e${String(i)}`, user_id: `u${String(i % 17)}`, timestamp: 1_765_000_000 + i, event_type: types[i % types.length], payload: `{"n":${String(i)}}` };
  });
}

describe("a Glue streaming script (Kinesis catalog table → ApplyMapping → Parquet on S3)", { skip: motoSkip }, () => {
  const moto = motoForFile(() => rmSync(base, { recursive: true, force: true }));

  async function put(stream: string, rows: readonly Event[]): Promise<void> {
    const k = new KinesisClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS, requestHandler: new NodeHttpHandler() });
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const r = await k.send(new PutRecordsCommand({ StreamName: stream, Records: chunk.map((e) => ({ PartitionKey: e.user_id, Data: new TextEncoder().encode(JSON.stringify(e)) })) }));
      assert.equal(r.FailedRecordCount ?? 0, 0);
    }
    k.destroy();
  }

  /** Runs the script until the checkpoint shows `commits/<batch>`, then stops it with SIGTERM. */
  async function runUntilCommitted(bucket: string, batch: number): Promise<string> {
    const p = startSluice(
      ["run", SCRIPT, "--", "--JOB_NAME", "bookings", "--TempDir", `s3://${bucket}/tmp`, "--DATABASE", "demo", "--TABLE", "booking_events_stream", "--OUTPUT", `s3://${bucket}/silver/booking_events`],
      {
        env: { AWS_ENDPOINT_URL: moto(), AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1" },
        timeoutMs: 120_000,
      },
    );
    let exited = false;
    void p.done.then(() => (exited = true));
    const marker = `tmp/bookings/checkpoint/commits/${String(batch)}`;
    while (!exited && !(await listKeys(moto(), bucket, marker)).includes(marker)) await new Promise((r) => setTimeout(r, 200));
    p.terminate();
    const r = await p.done;
    assert.equal(r.code, 0, `the script exited ${String(r.code)} (signal ${String(r.signal)}):\n${r.stderr}`);
    assert.match(r.stderr, /INFO GlueLogger: batch \d+: wrote \d+ rows/);
    return r.stderr;
  }

  async function output(bucket: string, tag: string): Promise<string> {
    const dir = join(base, `download-${tag}`);
    await downloadPrefix(moto(), bucket, "silver/", dir);
    return join(dir, "silver", "booking_events");
  }

  test("runs with syntax changes only, and maps, casts and partitions every record", async () => {
    const bucket = await createBucket(moto(), "glue-script");
    const k = new KinesisClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS, requestHandler: new NodeHttpHandler() });
    await k.send(new CreateStreamCommand({ StreamName: "booking_events", ShardCount: 2 }));
    k.destroy();
    const glue = new GlueClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS });
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: "demo" } }));
    // As Glue's console defines a Kinesis source table: parameters in the storage descriptor.
    await glue.send(
      new CreateTableCommand({
        DatabaseName: "demo",
        TableInput: {
          Name: "booking_events_stream",
          Parameters: { classification: "json" },
          StorageDescriptor: {
            Columns: [
              { Name: "event_id", Type: "string" },
              { Name: "user_id", Type: "string" },
              { Name: "timestamp", Type: "bigint" },
              { Name: "event_type", Type: "string" },
              { Name: "payload", Type: "string" },
            ],
            Parameters: { typeOfData: "kinesis", streamName: "booking_events", endpointUrl: moto(), classification: "json" },
          },
        },
      }),
    );
    glue.destroy();

    const first = events(0, 1_500);
    await put("booking_events", first);
    await runUntilCommitted(bucket, 0);
    const silver1 = await output(bucket, "1");
    const files1 = `(SELECT * FROM ${readParquetSql([join(silver1, "**", "*.parquet")])})`;
    const t1 = (await queryRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM ${files1}`))[0];
    assert.equal(Number(t1.n), first.length);
    assert.equal(Number(t1.d), first.length);

    // A restart continues from the checkpoint: the new records, once.
    const second = events(1_500, 700);
    await put("booking_events", second);
    await runUntilCommitted(bucket, 1);
    const silver = await output(bucket, "2");
    const all = [...first, ...second];
    const expected = join(base, "expected.ndjson");
    writeFileSync(expected, all.map((e) => JSON.stringify(e)).join("\n") + "\n");
    const actual = `(SELECT event_id, user_id, epoch(event_time)::BIGINT AS ts, event_type FROM read_parquet(${sqlString(join(silver, "**", "*.parquet"))}, hive_partitioning = true))`;
    const want = `(SELECT event_id, user_id, "timestamp" AS ts, event_type FROM read_ndjson(${sqlString(expected)}, columns = {event_id: 'VARCHAR', user_id: 'VARCHAR', timestamp: 'BIGINT', event_type: 'VARCHAR', payload: 'VARCHAR'}))`;
    const diff = async (a: string, b: string): Promise<number> => Number((await queryRows(`SELECT count(*) AS n FROM (${a} EXCEPT ALL ${b})`))[0].n);
    assert.equal(await diff(actual, want), 0, "rows written that are not the records, mapped");
    assert.equal(await diff(want, actual), 0, "records missing from the output");
    // ApplyMapping keeps only the mapped fields, with the target names and types.
    const columns = (await queryRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(join(silver, "**", "*.parquet"))}, hive_partitioning = false))`)).map(
      (r) => `${String(r.column_name)} ${String(r.column_type)}`,
    );
    assert.deepEqual(columns, ["event_id VARCHAR", "user_id VARCHAR", "event_time TIMESTAMP WITH TIME ZONE"]);
    const keys = await listKeys(moto(), bucket, "silver/booking_events/");
    assert.deepEqual([...new Set(keys.map((key) => key.split("/")[2]).filter((name) => name.includes("=")))].sort(), ["event_type=book", "event_type=cancel", "event_type=search", "event_type=view"]);
  });
});
