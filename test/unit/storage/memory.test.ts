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
