import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { CountingStorage } from "../../../src/storage/forwarding.js";
import { storageContract } from "../../contract/storage.contract.js";

storageContract("counting wrapper over memory", async () => new CountingStorage(MemoryStorage.fresh("counting-contract")));

test("CountingStorage counts each call and the entries listings return, per prefix when asked", async () => {
  const s = new CountingStorage(MemoryStorage.fresh("counting"), true);
  const enc = new TextEncoder();
  for (let i = 0; i < 5; i++) await s.put(`log/${i}`, enc.encode(String(i)));
  await s.get("log/1");
  await s.head("log/9");
  assert.equal((await s.list("log/", { startAfter: "log/2" })).length, 2);
  await s.list("nothing/");
  const w = s.createWriter("big");
  await w.write(enc.encode("x"));
  await w.close();
  await s.delete("log/0");
  assert.deepEqual(s.counts, { get: 1, head: 1, list: 2, listedEntries: 2, put: 5, createWriter: 1, delete: 1 });
  assert.equal(s.calls, 11);
  assert.deepEqual([...s.listedByPrefix], [["log/", 2], ["nothing/", 0]]);
  const before = s.reset();
  assert.equal(before.put, 5);
  assert.equal(s.calls, 0);
  assert.equal(s.listedByPrefix.size, 0);
  assert.equal(s.root, s.inner.root, "a wrapper keeps the inner root, so URLs and messages are unchanged");
});
