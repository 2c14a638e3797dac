/**
 * moto's server (preinstalled: `python3 -m moto.server`) as the AWS endpoint for tests: Kinesis,
 * S3 and the Glue Data Catalog. One server per test file, on a free port.
 */
import { spawnSync } from "node:child_process";
import { MOTO_CREDENTIALS, startMoto } from "../../bench/lib/moto-server.js";
import { perFile } from "./per-file.js";
import { s3SettingsFrom } from "../../src/storage/s3/s3-settings.js";
import type { S3Settings } from "../../src/storage/s3/s3-settings.js";

/** Why moto tests cannot run here, or false when they can. */
export const motoSkip: false | string =
  spawnSync("python3", ["-c", "import moto.server"], { stdio: "ignore" }).status === 0 ? false : "moto is not installed (python3 -m pip install 'moto[server]')";

export { MOTO_CREDENTIALS } from "../../bench/lib/moto-server.js";

/** One moto server for the tests of the calling file (unless {@link motoSkip}); returns its endpoint's accessor. */
export function motoForFile(cleanup: () => void = () => undefined): () => string {
  const moto = perFile(motoSkip, startMoto, cleanup);
  return () => moto().endpoint;
}

/** S3 settings pointing at a moto endpoint (or a proxy in front of it), with the fake credentials. */
export function motoS3Settings(endpoint: string, extra: Record<string, string> = {}): S3Settings {
  return s3SettingsFrom(motoS3Conf(endpoint, extra), {});
}

/** Session settings (`sluice.s3.*`) that point sluice's S3 storages at `endpoint`. */
export function motoS3Conf(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "sluice.s3.endpoint": endpoint,
    "sluice.s3.accessKeyId": MOTO_CREDENTIALS.accessKeyId,
    "sluice.s3.secretAccessKey": MOTO_CREDENTIALS.secretAccessKey,
    ...extra,
  };
}

let bucketCount = 0;

/** Creates a bucket with a fresh name (`<hint>-<pid>-<n>`) on moto; resolves with its name. */
export async function createBucket(endpoint: string, hint = "test"): Promise<string> {
  const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const name = `${hint}-${String(process.pid)}-${String(++bucketCount)}`.toLowerCase();
  const client = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    client.destroy();
  }
  return name;
}

/**
 * Registers `before`/`after` hooks of the calling suite that put moto's fake credentials in the
 * environment (Glue uses the AWS credential chain) and restore what was there.
 */
export function motoCredentialsInEnvironment(hooks: { before: (f: () => void) => void; after: (f: () => void) => void }): void {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  hooks.before(() => {
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  });
  hooks.after(() => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });
}
