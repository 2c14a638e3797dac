/**
 * S3Storage against moto, through a fault-injecting proxy: what the contract suite cannot show —
 * multipart uploads, retries of each fault, conditional PUTs whose answer is lost, and messages.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { S3Storage } from "../../src/storage/s3/s3-storage.js";
import { AlreadyExistsError, StorageError } from "../../src/errors.js";
import { createBucket, MOTO_CREDENTIALS, motoForFile, motoS3Settings, motoSkip } from "../support/moto.js";
import { randomFaults, startFaultyS3 } from "../../bench/lib/s3-proxy.js";
import type { FaultyS3, S3Fault } from "../../bench/lib/s3-proxy.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const FAST = { "sluice.s3.retryBaseDelayMs": "5", "sluice.s3.retryMaxDelayMs": "50", "sluice.s3.requestTimeoutMs": "500" };

describe("S3Storage on moto", { skip: motoSkip }, () => {
  const moto = motoForFile();
  let proxy: FaultyS3;
  before(async () => {
    proxy = await startFaultyS3(moto());
  });
  after(async () => {
    await proxy.close();
  });

  async function storage(extra: Record<string, string> = {}): Promise<S3Storage> {
    proxy.policy = () => null;
    return new S3Storage(await createBucket(moto(), "faults"), motoS3Settings(proxy.endpoint, { ...FAST, ...extra }));
  }

  test("a multipart upload in 5 MiB parts round trips; abort leaves nothing", async () => {
    const s = await storage({ "sluice.s3.multipartPartBytes": String(5 * 1024 * 1024) });
    const chunk = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) & 0xff);
    const w = s.createWriter("big/part-0.parquet");
    for (let i = 0; i < 12; i++) await w.write(chunk);
    assert.equal(await s.head("big/part-0.parquet"), null, "invisible before close");
    const info = await w.close();
    assert.equal(info.size, 12 * 1024 * 1024);
    assert.ok(s.requests.multipart >= 4, `create, 3 parts and complete: ${JSON.stringify(s.requests)}`);
    const back = await s.get("big/part-0.parquet", { start: 11 * 1024 * 1024, end: 11 * 1024 * 1024 + 10 });
    assert.deepEqual([...back], [...chunk.subarray(0, 10)]);
    const a = s.createWriter("big/aborted");
    for (let i = 0; i < 6; i++) await a.write(chunk);
    await a.abort();
    assert.deepEqual((await s.list("big/")).map((o) => o.path), ["big/part-0.parquet"]);
  });

  for (const fault of ["503", "slowDown", "reset", "timeout", "lost"] as const satisfies readonly S3Fault[]) {
    test(`every operation survives a '${fault}' on its first attempt`, async () => {
      const s = await storage();
      let failNext = true;
      proxy.policy = () => {
        if (!failNext) return null;
        failNext = false;
        return fault;
      };
      const arm = (): void => {
        failNext = true;
      };
      await s.put("k/a", enc("one"));
      arm();
      await s.put("k/b", enc("two"), { ifNotExists: true });
      arm();
      assert.equal(dec(await s.get("k/a")), "one");
      arm();
      assert.equal((await s.head("k/b"))?.size, 3);
      arm();
      assert.deepEqual((await s.list("k/")).map((o) => o.path), ["k/a", "k/b"]);
      arm();
      await s.delete("k/a");
      arm();
      assert.equal(await s.exists("k/a"), false);
      assert.ok(s.requests.retries >= 6, JSON.stringify(s.requests));
    });
  }

  test("a conditional PUT whose answer was lost is settled by reading the object back", async () => {
    const s = await storage();
    let lose = true;
    proxy.policy = (r) => {
      if (lose && r.method === "PUT" && r.headers["if-none-match"] === "*") {
        lose = false;
        return "lost";
      }
      return null;
    };
    await s.put("log/00000000000000000000.json", enc('{"commitInfo":{}}'), { ifNotExists: true });
    assert.equal(dec(await s.get("log/00000000000000000000.json")), '{"commitInfo":{}}');
    // Someone else's object is still "already exists", answer lost or not.
    lose = true;
    await assert.rejects(s.put("log/00000000000000000000.json", enc('{"other":1}'), { ifNotExists: true }), AlreadyExistsError);
    assert.equal(dec(await s.get("log/00000000000000000000.json")), '{"commitInfo":{}}');
  });

  test("a conditional PUT that failed unanswered, then lost to another writer's identical bytes, is AlreadyExists", async () => {
    const bucket = await createBucket(moto(), "token");
    const bytes = enc('{"nextBatchWatermarkMs":0}');
    const b = new S3Storage(bucket, motoS3Settings(moto(), FAST));
    // A's first attempt never reaches the server; A's wait before retrying is B's whole write.
    let bWrote = false;
    const a = new S3Storage(bucket, motoS3Settings(proxy.endpoint, FAST), async () => {
      await b.put("commits/0", bytes, { ifNotExists: true });
      bWrote = true;
    });
    let reset = true;
    proxy.policy = (r) => {
      if (reset && r.method === "PUT" && r.headers["if-none-match"] === "*") {
        reset = false;
        return "reset";
      }
      return null;
    };
    const outcome = await a.put("commits/0", bytes, { ifNotExists: true }).then(
      () => "won",
      (e: unknown) => e,
    );
    proxy.policy = () => null;
    assert.equal(bWrote, true);
    assert.ok(outcome instanceof AlreadyExistsError, `A must lose to B, got ${String(outcome)}`);
  });

  test("exists sees a folder that holds a console's folder marker", async () => {
    const s = await storage();
    const { PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
    const c = new S3Client({ region: "us-east-1", endpoint: moto(), forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    await c.send(new PutObjectCommand({ Bucket: s.bucket, Key: "landing/", Body: new Uint8Array(0), ContentType: "application/x-directory" }));
    await c.send(new PutObjectCommand({ Bucket: s.bucket, Key: "landing/2024/a.json", Body: enc("{}"), ContentType: "application/json" }));
    c.destroy();
    assert.equal(await s.exists("landing"), true);
    assert.deepEqual((await s.list("landing/")).map((o) => o.path), ["landing/2024/a.json"], "the marker is not listed as an object");
  });

  test("a completed multipart upload whose answer was lost is not an error", async () => {
    const s = await storage({ "sluice.s3.multipartPartBytes": String(5 * 1024 * 1024) });
    let lose = true;
    proxy.policy = (r) => {
      // CompleteMultipartUpload: POST /bucket/key?uploadId=…
      if (lose && r.method === "POST" && r.url.includes("uploadId=")) {
        lose = false;
        return "lost";
      }
      return null;
    };
    const w = s.createWriter("mp/x");
    await w.write(new Uint8Array(6 * 1024 * 1024).fill(1));
    assert.equal((await w.close()).size, 6 * 1024 * 1024);
    assert.equal((await s.head("mp/x"))?.size, 6 * 1024 * 1024);
  });

  test("concurrent put-if-absent under 30 % faults: exactly one writer wins, and its bytes are there", async () => {
    const s = await storage();
    proxy.policy = randomFaults(0.3, ["503", "lost", "reset", "slowDown"], 7);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => s.put("race/key", enc(`writer-${String(i)}`), { ifNotExists: true })));
    proxy.policy = () => null;
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof AlreadyExistsError, String(r.reason));
    assert.equal(dec(await s.get("race/key")), `writer-${String(won[0])}`);
  });

  test("a fault on every attempt fails with a StorageError naming the object, the code and the attempts", async () => {
    const s = await storage({ "sluice.s3.maxAttempts": "3" });
    proxy.policy = () => "slowDown";
    const err = await s.get("any/key").then(
      () => null,
      (e: unknown) => e,
    );
    proxy.policy = () => null;
    assert.ok(err instanceof StorageError);
    assert.match(err.message, /^s3: get s3:\/\/faults-[\w-]+\/any\/key failed after 3 attempts: SlowDown \(HTTP 503\)/);
    assert.equal(err.retryable, true);
  });

  test("a missing bucket is named; an unreachable endpoint names the endpoint, never the secret", async () => {
    const missing = new S3Storage("no-such-bucket", motoS3Settings(proxy.endpoint, FAST));
    await assert.rejects(missing.put("a", enc("x")), /the bucket 'no-such-bucket' does not exist/);
    const closed = new S3Storage("b-1", motoS3Settings("http://127.0.0.1:1", { ...FAST, "sluice.s3.maxAttempts": "2", "sluice.s3.secretAccessKey": "canary-s3cr3t" }));
    const err = await closed.head("a").then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof StorageError);
    assert.match(err.message, /endpoint http:\/\/127\.0\.0\.1:1/);
    assert.doesNotMatch(`${err.message} ${JSON.stringify(err.context)} ${String(err.stack)}`, /canary-s3cr3t/);
  });
});
