import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileUrlOf, folderPrefix, localFileSystem, resolveLocation, routeLocalStorage, toDisplayUrl } from "../../../src/storage/resolve.js";
import { keyOfUrl } from "../../../src/storage/url.js";
import { CountingStorage } from "../../../src/storage/forwarding.js";
import { LocalStorage } from "../../../src/storage/local.js";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { S3Storage } from "../../../src/storage/s3/s3-storage.js";
import { ConfigError } from "../../../src/errors.js";

test("local paths and file URLs resolve to the local file system rooted at /", () => {
  const fs = localFileSystem();
  assert.equal(fs.root, "file:///");
  for (const [url, key] of [
    ["/data/lake/t", "data/lake/t"],
    ["/data/lake/t/", "data/lake/t"],
    ["file:///data/lake/t", "data/lake/t"],
    ["file:/data/lake/t", "data/lake/t"],
    ["file://localhost/data/lake/t", "data/lake/t"],
    ["file:///data/my%20lake/%C3%A9", "data/my lake/é"],
    ["/data/./x/../lake", "data/lake"],
    ["/", ""],
  ] as const) {
    const r = resolveLocation(url);
    assert.equal(r.storage, fs, url);
    assert.equal(r.key, key, url);
  }
});

test("relative paths resolve against the working directory", () => {
  assert.equal(resolveLocation("ckpt/q1", { cwd: "/work/jobs" }).key, "work/jobs/ckpt/q1");
  assert.equal(resolveLocation("../x", { cwd: "/work/jobs" }).key, "work/x");
  assert.equal(resolveLocation("rel").key, join(process.cwd(), "rel").slice(1));
});

test("memory URLs name a shared registered storage", () => {
  const a = resolveLocation("memory://resolve-test/a/b/");
  const b = resolveLocation("memory://resolve-test");
  assert.equal(a.storage, b.storage);
  assert.equal(a.storage, MemoryStorage.named("resolve-test"));
  assert.equal(a.key, "a/b");
  assert.equal(b.key, "");
  assert.throws(() => resolveLocation("memory:///x"), ConfigError);
});

test("s3:// and s3a:// name a bucket's S3Storage and a key; other schemes and bad input are ConfigErrors", () => {
  const a = resolveLocation("s3://bucket/lake/silver/");
  assert.ok(a.storage instanceof S3Storage);
  assert.equal(a.storage.root, "s3://bucket");
  assert.equal(a.key, "lake/silver");
  const b = resolveLocation("s3a://bucket/lake/x.json");
  assert.equal(b.storage, a.storage, "s3a:// is the same bucket's storage");
  assert.equal(b.key, "lake/x.json");
  assert.equal(resolveLocation("S3://bucket").key, "");
  assert.equal(keyOfUrl(a.storage, "s3a://bucket/lake/x.json"), "lake/x.json", "logs written with s3a:// resolve");
  assert.notEqual(resolveLocation("s3://other/p").storage, a.storage);
  assert.throws(() => resolveLocation("s3:///key"), /must look like s3:\/\/<bucket>\/<key>/);
  assert.throws(() => resolveLocation("s3://a/key"), /invalid bucket name "a"/);
  assert.throws(() => resolveLocation("hdfs://nn/x"), /storage: unsupported URL scheme 'hdfs'/);
  assert.throws(() => resolveLocation("fle:///x"), /did you mean 'file'\?/);
  assert.throws(() => resolveLocation(""), ConfigError);
  assert.throws(() => resolveLocation("file://remotehost/x"), /names host 'remotehost'/);
});

test("fileUrlOf gives Spark-style percent-encoded file URLs that resolve back", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-resolve-"));
  try {
    const s = new LocalStorage(dir);
    const url = fileUrlOf(s, "out/part 0 é#1.parquet");
    assert.equal(url, "file://" + dir + "/out/part%200%20%C3%A9%231.parquet");
    assert.equal(toDisplayUrl(s, "out/part 0 é#1.parquet"), "file://" + dir + "/out/part 0 é#1.parquet");
    await s.put("out/part 0 é#1.parquet", new TextEncoder().encode("data"));
    const back = resolveLocation(url);
    assert.equal(new TextDecoder().decode(await back.storage.get(back.key)), "data");
    assert.equal(await readFile(join(dir, "out", "part 0 é#1.parquet"), "utf8"), "data");
    assert.equal(fileUrlOf(localFileSystem(), "tmp/x"), "file:///tmp/x");
    assert.equal(fileUrlOf(MemoryStorage.named("resolve-test"), "a b"), "memory://resolve-test/a b");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("folderPrefix turns a key into a list prefix", () => {
  assert.equal(folderPrefix(""), "");
  assert.equal(folderPrefix("a/b"), "a/b/");
  assert.equal(folderPrefix("a/b/"), "a/b/");
});

test("routeLocalStorage sends local locations through a wrapper until it is undone", () => {
  const local = localFileSystem();
  const counting = new CountingStorage(local);
  const undo = routeLocalStorage(() => counting);
  try {
    assert.equal(resolveLocation("/data/lake/t").storage, counting);
    assert.equal(resolveLocation("file:///data/lake/t").storage, counting);
    assert.equal(resolveLocation("memory://route-test/x").storage instanceof MemoryStorage, true, "other schemes are not routed");
  } finally {
    undo();
  }
  assert.equal(resolveLocation("/data/lake/t").storage, local);
  assert.throws(() => routeLocalStorage(() => MemoryStorage.fresh("other-root")), /must keep the root file:\/\/\//);
});
