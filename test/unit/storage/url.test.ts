import { test } from "node:test";
import assert from "node:assert/strict";
import { LocalStorage } from "../../../src/storage/local.js";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { localFileSystem } from "../../../src/storage/resolve.js";
import { fileUrlOf, keyOfUrl } from "../../../src/storage/url.js";

test("keyOfUrl inverts fileUrlOf for local storages at any root, and for memory storages", () => {
  const local = new LocalStorage("/data/my lake");
  for (const key of ["t/part-0.parquet", "t/city=a%2Fb/part 1.parquet", "é/x"]) {
    assert.equal(keyOfUrl(local, fileUrlOf(local, key)), key);
    assert.equal(keyOfUrl(localFileSystem(), fileUrlOf(local, key)), `data/my lake/${key}`);
  }
  assert.equal(keyOfUrl(local, "file:/data/my%20lake/t/x"), "t/x", "Hadoop's file:/abs form");
  assert.equal(keyOfUrl(local, "file:///data/other/x"), null, "outside the root");
  assert.equal(keyOfUrl(local, "file:///data/my%20lake"), null, "the root itself is no object");
  assert.equal(keyOfUrl(local, "memory://m/x"), null);
  const mem = MemoryStorage.named("url-test");
  assert.equal(keyOfUrl(mem, fileUrlOf(mem, "a/b")), "a/b");
  assert.equal(keyOfUrl(mem, "memory://url-test-other/a"), null);
});
