import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { ConfigError } from "../../../src/errors.js";

test("named memory storages are shared by name", async () => {
  const a = MemoryStorage.named("shared-mem-test");
  const b = MemoryStorage.named("shared-mem-test");
  assert.equal(a, b);
  assert.equal(a.root, "memory://shared-mem-test");
  await a.put("k", new TextEncoder().encode("v"));
  assert.equal(new TextDecoder().decode(await b.get("k")), "v");
  MemoryStorage.forget("shared-mem-test");
  const c = MemoryStorage.named("shared-mem-test");
  assert.notEqual(c, a);
  assert.equal(await c.head("k"), null, "a forgotten name starts empty");
  MemoryStorage.forget("shared-mem-test");
});

test("fresh storages are distinct and resolvable by their name", () => {
  const a = MemoryStorage.fresh("t");
  const b = MemoryStorage.fresh("t");
  assert.notEqual(a.name, b.name);
  assert.equal(MemoryStorage.named(a.name), a);
});

test("invalid names are a ConfigError", () => {
  for (const bad of ["", "a/b", "a b", "a?b"]) assert.throws(() => MemoryStorage.named(bad), ConfigError, JSON.stringify(bad));
});

test("snapshotPrefixSync copies the objects under a prefix synchronously, in key order", async () => {
  const s = MemoryStorage.fresh("snap-sync");
  const enc = (t: string) => new TextEncoder().encode(t);
  await s.put("t/_delta_log/00000000000000000001.json", enc("b"));
  await s.put("t/_delta_log/00000000000000000000.json", enc("a"));
  await s.put("t/part-0.parquet", enc("p"));
  await s.put("u/_delta_log/00000000000000000000.json", enc("u"));
  const got = s.snapshotPrefixSync("t/_delta_log/");
  assert.deepEqual(got.map((o) => o.path), ["t/_delta_log/00000000000000000000.json", "t/_delta_log/00000000000000000001.json"]);
  assert.deepEqual(got.map((o) => new TextDecoder().decode(o.data)), ["a", "b"]);
  const listed = await s.list("t/_delta_log/");
  assert.deepEqual(got.map((o) => o.modificationTime), listed.map((o) => o.modificationTime));
  // Copies: changing one changes nothing stored.
  got[0].data[0] = 0x7a;
  assert.equal(new TextDecoder().decode(await s.get("t/_delta_log/00000000000000000000.json")), "a");
  assert.deepEqual(s.snapshotPrefixSync("none/"), []);
  MemoryStorage.forget(s.name);
});
