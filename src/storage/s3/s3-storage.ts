/**
 * The {@link Storage} contract on Amazon S3 and S3-compatible stores, through `@aws-sdk/client-s3`
 * (an optional dependency, imported on the first request).
 *
 * - put-if-absent is a `PutObject` with `If-None-Match: *`: S3 answers 412 when the key exists and
 *   409 when a concurrent conditional write to it is in progress (retried). Nothing depends on rename.
 * - A request that fails without an answer, with a 5xx, throttling or a timeout is retried with
 *   exponential backoff and full jitter ({@link S3Settings.maxAttempts}); at most
 *   {@link S3Settings.maxConnections} requests per bucket are in flight.
 * - When a conditional PUT's earlier attempt may have been applied (its response was lost) and a
 *   retry finds the key taken, the object's metadata is read back: the write's own token
 *   (`x-amz-meta-sluice-write`) means it succeeded. A multipart upload completed twice is settled
 *   by the object's size.
 * - `list` is ListObjectsV2 (sorted by UTF-8 bytes by S3 itself) with `StartAfter`; `createWriter` is
 *   a multipart upload of {@link S3Settings.multipartPartBytes} parts, or one PutObject when the
 *   object is smaller than a part. An upload aborted or cut by a crash is never listed (a bucket
 *   lifecycle rule for incomplete multipart uploads reclaims its parts).
 *
 * Messages and error contexts name `s3://bucket/key`, the operation and S3's error code; never
 * credentials, which only the SDK client holds.
 */
import { randomUUID } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { AlreadyExistsError, ConfigError, NotFoundError, StorageError } from "../../errors.js";
import { checkKey, checkRange } from "../keys.js";
import type { ByteRange, ListOptions, ObjectInfo, ObjectWriter, PutOptions, Storage } from "../storage.js";
import { backoffDelay, isRetryable, mayHaveBeenApplied, s3Failure, Semaphore } from "./s3-retry.js";
import type { S3Failure } from "./s3-retry.js";
import type { S3Settings } from "./s3-settings.js";
import { describeS3Settings } from "./s3-settings.js";

type Sdk = typeof import("@aws-sdk/client-s3");

/** User metadata a conditional PUT carries (`x-amz-meta-sluice-write`): a token of the write. */
const WRITE_TOKEN = "sluice-write";

/** Whether an S3 key names an object sluice can address (not a folder marker, a valid key). */
function isObjectKey(key: string): boolean {
  try {
    checkKey(key, "s3");
    return true;
  } catch {
    return false;
  }
}

/** Counts of what a storage asked of S3, for benchmarks and tests (attempts, retries included). */
export interface S3RequestCounts {
  get: number;
  head: number;
  list: number;
  put: number;
  delete: number;
  multipart: number;
  retries: number;
}

/** One bucket of S3 as a storage rooted at `s3://bucket`. */
export class S3Storage implements Storage {
  readonly root: string;
  /** Requests made so far (each attempt counts). */
  readonly requests: S3RequestCounts = { get: 0, head: 0, list: 0, put: 0, delete: 0, multipart: 0, retries: 0 };
  private client: Promise<{ sdk: Sdk; client: S3Client }> | null = null;
  private readonly slots: Semaphore;

  /** @param sleep how retries wait (tests pass a fake clock). */
  constructor(
    readonly bucket: string,
    readonly settings: S3Settings,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    checkBucketName(bucket);
    this.root = `s3://${bucket}`;
    this.slots = new Semaphore(settings.maxConnections);
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    checkKey(path, this.root);
    let header: string | undefined;
    if (range !== undefined) {
      checkRange(range, Number.MAX_SAFE_INTEGER, this.url(path));
      if (range.end === range.start) {
        if ((await this.head(path)) === null) throw this.notFound(path);
        return new Uint8Array(0);
      }
      header = `bytes=${String(range.start)}-${String(range.end - 1)}`;
    }
    try {
      return await this.request("get", path, async ({ sdk, client }) => {
        const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: path, ...(header === undefined ? {} : { Range: header }) }));
        const bytes = r.Body === undefined ? new Uint8Array(0) : await r.Body.transformToByteArray();
        // A store that ignores Range answers 200 with the whole object: cut the range out of it.
        if (range !== undefined && r.ContentRange === undefined) return bytes.slice(Math.min(range.start, bytes.length), Math.min(range.end, bytes.length));
        return bytes;
      });
    } catch (e) {
      const f = failureOf(e);
      if (f !== null && (f.code === "NoSuchKey" || f.status === 404)) throw this.notFound(path);
      // A range starting at or past the end: S3 answers 416 for an object that exists.
      if (f !== null && (f.status === 416 || f.code === "InvalidRange")) return new Uint8Array(0);
      throw e;
    }
  }

  async head(path: string): Promise<ObjectInfo | null> {
    checkKey(path, this.root);
    try {
      return await this.request("head", path, async ({ sdk, client }) => {
        const r = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: path }));
        return { path, size: r.ContentLength ?? 0, modificationTime: r.LastModified?.getTime() ?? 0 };
      });
    } catch (e) {
      const f = failureOf(e);
      if (f !== null && (f.status === 404 || f.code === "NotFound" || f.code === "NoSuchKey")) return null;
      throw e;
    }
  }

  async exists(path: string): Promise<boolean> {
    if (path === "") return true;
    checkKey(path, this.root);
    if ((await this.head(path)) !== null) return true;
    // Any key below counts, a console's folder marker ("path/") included.
    return (await this.listPage(path + "/", undefined, 1)).keys > 0;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    let first = true;
    while (first || token !== undefined) {
      first = false;
      const page = await this.listPage(prefix, options.startAfter, 1000, token);
      out.push(...page.objects);
      token = page.next;
    }
    return out;
  }

  async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    checkKey(path, this.root);
    const ifNotExists = options.ifNotExists === true;
    // Copied once: the caller may reuse its buffer as soon as this promise settles, retries included.
    const body = data.slice();
    // A conditional write carries a token of its own, so a read-back tells it from another writer's.
    const token = ifNotExists ? randomUUID() : null;
    let maybeApplied = false;
    try {
      await this.request(
        "put",
        path,
        async ({ sdk, client }) => {
          await client.send(
            new sdk.PutObjectCommand({
              Bucket: this.bucket,
              Key: path,
              Body: body,
              ContentLength: body.length,
              ContentType: "application/octet-stream",
              ...(token !== null ? { IfNoneMatch: "*", Metadata: { [WRITE_TOKEN]: token } } : {}),
            }),
          );
        },
        (f) => {
          if (mayHaveBeenApplied(f)) maybeApplied = true;
        },
      );
    } catch (e) {
      const f = failureOf(e);
      if (ifNotExists && f !== null && (f.status === 412 || f.code === "PreconditionFailed")) {
        if (maybeApplied && token !== null && (await this.writtenBy(path, token))) return;
        throw new AlreadyExistsError(`s3: object already exists at ${this.url(path)}`, { path: this.url(path) });
      }
      throw e;
    }
  }

  createWriter(path: string): ObjectWriter {
    checkKey(path, this.root);
    return new S3ObjectWriter(this, path);
  }

  async delete(path: string): Promise<void> {
    checkKey(path, this.root);
    await this.request("delete", path, async ({ sdk, client }) => {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: path }));
    });
  }

  /** `s3://bucket/key`. */
  url(path: string): string {
    return path === "" ? this.root : `${this.root}/${path}`;
  }

  /** Whether the object at `path` was written by the conditional PUT carrying `token` (settling an ambiguous write). */
  private async writtenBy(path: string, token: string): Promise<boolean> {
    try {
      const meta = await this.request("head", path, async ({ sdk, client }) => (await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: path }))).Metadata ?? {});
      return meta[WRITE_TOKEN] === token;
    } catch (e) {
      const f = failureOf(e);
      if (f !== null && f.status === 404) return false;
      throw e;
    }
  }

  /**
   * @internal Runs one S3 call with retries, holding a connection slot per attempt. `onFailure`
   * sees every failed attempt (retried or not). Errors that are not retried, and the last one, are
   * rethrown as {@link StorageError}s naming the operation and the object (the original is the cause).
   */
  async request<T>(
    op: keyof Omit<S3RequestCounts, "retries">,
    path: string,
    call: (c: { sdk: Sdk; client: S3Client }) => Promise<T>,
    onFailure: (f: S3Failure) => void = () => undefined,
  ): Promise<T> {
    const c = await this.connect();
    for (let attempt = 1; ; attempt++) {
      this.requests[op]++;
      try {
        return await this.slots.run(() => call(c));
      } catch (e) {
        const f = s3Failure(e);
        onFailure(f);
        if (!isRetryable(f) || attempt >= this.settings.maxAttempts) throw this.wrap(op, path, f, e, attempt);
        this.requests.retries++;
        await this.sleep(backoffDelay(attempt, this.settings.retryBaseDelayMs, this.settings.retryMaxDelayMs));
      }
    }
  }

  private async listPage(prefix: string, startAfter: string | undefined, max: number, token?: string): Promise<{ objects: ObjectInfo[]; keys: number; next: string | undefined }> {
    return await this.request("list", prefix, async ({ sdk, client }) => {
      const r = await client.send(
        new sdk.ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: max,
          ...(token !== undefined ? { ContinuationToken: token } : startAfter !== undefined ? { StartAfter: startAfter } : {}),
        }),
      );
      const objects: ObjectInfo[] = [];
      for (const o of r.Contents ?? []) {
        // Folder markers ("a/b/") made by consoles, and keys sluice cannot name ("a//b"), are not
        // objects in sluice's sense.
        if (o.Key === undefined || !isObjectKey(o.Key)) continue;
        objects.push({ path: o.Key, size: o.Size ?? 0, modificationTime: o.LastModified?.getTime() ?? 0 });
      }
      if (r.IsTruncated === true && (r.NextContinuationToken === undefined || r.NextContinuationToken === "")) {
        throw new StorageError(`s3: listing ${this.url(prefix)} was cut off without a continuation token`, { path: this.url(prefix) });
      }
      return { objects, keys: r.Contents?.length ?? 0, next: r.IsTruncated === true ? r.NextContinuationToken : undefined };
    });
  }

  private connect(): Promise<{ sdk: Sdk; client: S3Client }> {
    this.client ??= (async () => {
      let sdk: Sdk;
      try {
        sdk = await import("@aws-sdk/client-s3");
      } catch (cause) {
        throw new ConfigError(`s3: s3:// locations need the package @aws-sdk/client-s3 (an optional dependency of sluice): npm install @aws-sdk/client-s3`, { cause });
      }
      const s = this.settings;
      const client = new sdk.S3Client({
        region: s.region,
        ...(s.endpoint === null ? {} : { endpoint: s.endpoint }),
        forcePathStyle: s.forcePathStyle,
        ...(s.credentials === null ? {} : { credentials: s.credentials }),
        // sluice retries (see s3-retry.ts); the SDK makes one attempt per call.
        maxAttempts: 1,
        // Checksums only where S3 requires them: S3-compatible stores differ in what they accept.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        requestHandler: {
          connectionTimeout: s.connectionTimeoutMs,
          requestTimeout: s.requestTimeoutMs,
          throwOnRequestTimeout: true,
          httpAgent: { keepAlive: true, maxSockets: s.maxConnections },
          httpsAgent: { keepAlive: true, maxSockets: s.maxConnections },
        },
      });
      return { sdk, client };
    })();
    return this.client;
  }

  private notFound(path: string): NotFoundError {
    return new NotFoundError(`s3: no object at ${this.url(path)}`, { path: this.url(path) });
  }

  private wrap(op: string, path: string, f: S3Failure, cause: unknown, attempts: number): StorageError {
    const where = this.url(path);
    const status = f.status === null ? "no response" : `HTTP ${String(f.status)}`;
    const tries = attempts > 1 ? ` after ${String(attempts)} attempts` : "";
    let hint = "";
    if (f.code === "NoSuchBucket") hint = `; the bucket '${this.bucket}' does not exist`;
    else if (f.status === 403) hint = `; check the credentials and the bucket policy (${describeS3Settings(this.settings)})`;
    else if (f.status === null) hint = ` (${describeS3Settings(this.settings)})`;
    return new StorageError(`s3: ${op} ${where} failed${tries}: ${f.code} (${status}): ${firstLine(f.message)}${hint}`, {
      path: where,
      cause,
      retryable: isRetryable(f),
    });
  }
}

/** A multipart upload, or one PutObject when everything fits in a part. */
class S3ObjectWriter implements ObjectWriter {
  bytesWritten = 0;
  private state: "open" | "closed" | "aborted" = "open";
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private uploadId: string | null = null;
  private readonly parts: { PartNumber: number; ETag: string }[] = [];

  constructor(
    private readonly s3: S3Storage,
    readonly path: string,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.check("write");
    if (chunk.length === 0) return;
    this.buffered.push(chunk.slice());
    this.bufferedBytes += chunk.length;
    this.bytesWritten += chunk.length;
    while (this.bufferedBytes >= this.partBytes()) await this.uploadPart(this.partBytes());
  }

  async writev(chunks: readonly Uint8Array[]): Promise<void> {
    // Chunks are gathered into parts anyway: a vectored write is successive writes.
    for (const c of chunks) await this.write(c);
  }

  /**
   * The size of the next part: the configured size, doubled every 1,000 parts, so an object of any
   * size fits in S3's 10,000 parts (parts but the last may differ in size).
   */
  private partBytes(): number {
    return this.s3.settings.multipartPartBytes * 2 ** Math.floor(this.parts.length / 1000);
  }

  async close(): Promise<ObjectInfo> {
    this.check("close");
    this.state = "closed";
    const started = Date.now();
    try {
      if (this.uploadId === null) {
        await this.s3.put(this.path, this.take(this.bufferedBytes));
      } else {
        if (this.bufferedBytes > 0) await this.uploadPart(this.bufferedBytes);
        await this.complete();
      }
    } catch (e) {
      await this.abortUpload();
      throw e;
    }
    return { path: this.path, size: this.bytesWritten, modificationTime: Math.max(started, Date.now()) };
  }

  async abort(): Promise<void> {
    if (this.state === "open") this.state = "aborted";
    this.buffered = [];
    this.bufferedBytes = 0;
    if (this.state === "aborted") await this.abortUpload();
  }

  private check(op: string): void {
    if (this.state !== "open") {
      throw new StorageError(`s3: cannot ${op} ${this.s3.url(this.path)}: the writer is already ${this.state}`, { path: this.s3.url(this.path) });
    }
  }

  /** Removes the first `n` buffered bytes as one array. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.buffered[0];
      const need = n - at;
      if (c.length <= need) {
        out.set(c, at);
        at += c.length;
        this.buffered.shift();
      } else {
        out.set(c.subarray(0, need), at);
        at += need;
        this.buffered[0] = c.subarray(need);
      }
    }
    this.bufferedBytes -= n;
    return out;
  }

  private async uploadPart(n: number): Promise<void> {
    const key = this.path;
    const bucket = this.s3.bucket;
    if (this.uploadId === null) {
      const id = await this.s3.request("multipart", key, async ({ sdk, client }) => {
        const r = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "application/octet-stream" }));
        return r.UploadId;
      });
      if (id === undefined) throw new StorageError(`s3: CreateMultipartUpload for ${this.s3.url(key)} returned no upload id`, { path: this.s3.url(key) });
      this.uploadId = id;
    }
    const uploadId = this.uploadId;
    const body = this.take(n);
    const partNumber = this.parts.length + 1;
    const etag = await this.s3.request("multipart", key, async ({ sdk, client }) => {
      const r = await client.send(
        new sdk.UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }),
      );
      return r.ETag;
    });
    if (etag === undefined) throw new StorageError(`s3: UploadPart ${String(partNumber)} of ${this.s3.url(key)} returned no ETag`, { path: this.s3.url(key) });
    this.parts.push({ PartNumber: partNumber, ETag: etag });
  }

  private async complete(): Promise<void> {
    const key = this.path;
    const bucket = this.s3.bucket;
    const uploadId = this.uploadId ?? "";
    let maybeApplied = false;
    try {
      await this.s3.request(
        "multipart",
        key,
        async ({ sdk, client }) => {
          await client.send(new sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: this.parts } }));
        },
        (f) => {
          if (mayHaveBeenApplied(f)) maybeApplied = true;
        },
      );
    } catch (e) {
      // An earlier attempt completed the upload but its answer was lost: the upload is gone now.
      const f = failureOf(e);
      if (maybeApplied && f !== null && (f.code === "NoSuchUpload" || f.status === 404)) {
        const info = await this.s3.head(key);
        if (info !== null && info.size === this.bytesWritten) {
          this.uploadId = null;
          return;
        }
      }
      throw e;
    }
    this.uploadId = null;
  }

  private async abortUpload(): Promise<void> {
    const uploadId = this.uploadId;
    if (uploadId === null) return;
    this.uploadId = null;
    try {
      await this.s3.request("multipart", this.path, async ({ sdk, client }) => {
        await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.s3.bucket, Key: this.path, UploadId: uploadId }));
      });
    } catch {
      // Best effort: the parts of an upload never completed are not visible, and a lifecycle rule reclaims them.
    }
  }
}

/** The S3 failure a {@link StorageError} from {@link S3Storage.request} wraps, or null. */
function failureOf(e: unknown): S3Failure | null {
  if (!(e instanceof StorageError)) return null;
  return e.cause === undefined ? null : s3Failure(e.cause);
}

function firstLine(s: string): string {
  const line = s.split("\n", 1)[0] ?? "";
  return line.length > 300 ? line.slice(0, 300) + "…" : line;
}

/** S3's bucket naming rules, loosely (S3-compatible stores allow a little more): 3–63 of [a-z0-9.-_]. */
function checkBucketName(bucket: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}$/.test(bucket)) {
    throw new ConfigError(`s3: invalid bucket name ${JSON.stringify(bucket)} (3 to 63 letters, digits, '.', '-' or '_')`);
  }
}
