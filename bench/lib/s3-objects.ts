/**
 * Moving objects between local folders and moto's S3 with the AWS SDK directly, so tests and
 * benchmarks put input in place and read what sluice wrote without going through sluice's own S3
 * storage.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { MOTO_CREDENTIALS } from "./moto-server.js";

function client(endpoint: string): S3Client {
  return new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
}

/** Keys under `prefix` in `bucket`, sorted. */
export async function listKeys(endpoint: string, bucket: string, prefix: string): Promise<string[]> {
  const c = client(endpoint);
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of r.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = r.IsTruncated === true ? r.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  } finally {
    c.destroy();
  }
}

/** Creates `bucket` on moto. */
export async function makeBucket(endpoint: string, bucket: string): Promise<void> {
  const c = client(endpoint);
  try {
    await c.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    c.destroy();
  }
}

/** Uploads every file directly in `dir` to `bucket` under `prefix/` (names kept); returns the keys. */
export async function uploadDir(endpoint: string, bucket: string, prefix: string, dir: string, only: (name: string) => boolean = () => true): Promise<string[]> {
  const c = client(endpoint);
  try {
    const keys: string[] = [];
    for (const name of readdirSync(dir).sort()) {
      if (!only(name)) continue;
      const key = `${prefix}/${name}`;
      await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(join(dir, name)), ContentType: "application/x-ndjson" }));
      keys.push(key);
    }
    return keys;
  } finally {
    c.destroy();
  }
}

/** Downloads every object under `prefix` of `bucket` into `dir`, keeping key paths; returns the local root of `prefix`. */
export async function downloadPrefix(endpoint: string, bucket: string, prefix: string, dir: string): Promise<string> {
  const c = client(endpoint);
  try {
    for (const key of await listKeys(endpoint, bucket, prefix)) {
      const r = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const local = join(dir, key);
      mkdirSync(dirname(local), { recursive: true });
      writeFileSync(local, r.Body === undefined ? new Uint8Array(0) : await r.Body.transformToByteArray());
    }
    return join(dir, prefix);
  } finally {
    c.destroy();
  }
}
