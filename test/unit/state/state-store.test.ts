import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateStore } from "../../../src/state/state-store.js";
import type { StateValueCodec } from "../../../src/state/state-store.js";
import { hashKey } from "../../../src/columnar/murmur3.js";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { LocalStorage } from "../../../src/storage/local.js";
import type { Storage } from "../../../src/storage/storage.js";
import { CorruptCheckpointError } from "../../../src/errors.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A store of string keys to string values, the way an operator drives one. */
class KV {
  values: string[] = [];
  readonly store: StateStore;
  constructor(storage: Storage, options: { minDeltasForSnapshot?: number; minBatchesToRetain?: number } = {}) {
    const codec: StateValueCodec = {
      writeValue: (id, out) => out.lenBytes(enc.encode(this.values[id])),
      readValue: (id, r) => {
        const [s, e] = r.lenRange();
        this.values[id] = dec.decode(r.data.subarray(s, e));
      },
      reset: () => {
        this.values = [];
      },
    };
    this.store = new StateStore({ storage, prefix: "ckpt/state/0/" }, codec, options);
  }
  put(k: string, v: string): void {
    const b = enc.encode(k);
    const id = this.store.keys.findOrInsert(b, 0, b.length, hashKey(b, 0, b.length));
    this.values[id] = v;
    this.store.markUpdated(id);
  }
  remove(k: string): void {
    const b = enc.encode(k);
    const id = this.store.keys.find(b, 0, b.length, hashKey(b, 0, b.length));
    if (id >= 0) this.store.remove(id);
  }
  dump(): Record<string, string> {
    const out: Record<string, string> = {};
    const ids = this.store.liveIds();
    for (const id of ids) out[dec.decode(this.store.keys.key(id))] = this.values[id];
    return out;
  }
}

test("batch N commits version N + 1 in Spark's folder layout", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-state-"));
  try {
    const storage = new LocalStorage(dir, { fsync: false });
    const kv = new KV(storage, { minDeltasForSnapshot: 2 });
    await kv.store.load(0);
    kv.put("a", "1");
    await kv.store.commit();
    kv.put("b", "2");
    await kv.store.commit();
    assert.equal(kv.store.version, 2);
    assert.deepEqual(readdirSync(join(dir, "ckpt/state/0/0")).sort(), ["1.delta", "2.delta", "2.snapshot"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a snapshot plus deltas reload to the same state as deltas alone", async () => {
  const withSnapshots = MemoryStorage.fresh("state-snap");
  const deltasOnly = MemoryStorage.fresh("state-delta");
  const a = new KV(withSnapshots, { minDeltasForSnapshot: 3 });
  const b = new KV(deltasOnly, { minDeltasForSnapshot: 1000 });
  await a.store.load(0);
  await b.store.load(0);
  for (let v = 0; v < 8; v++) {
    for (const kv of [a, b]) {
      kv.put(`k${v}`, `v${v}`);
      kv.put("shared", `s${v}`);
      if (v === 4) kv.remove("k1");
      if (v === 6) kv.put("k1", "back");
      await kv.store.commit();
    }
  }
  const names = (await withSnapshots.list("ckpt/state/0/0/")).map((o) => o.path.split("/").pop());
  assert.ok(names.includes("3.snapshot") && names.includes("6.snapshot"), names.join(","));
  for (const version of [2, 5, 7, 8]) {
    const x = new KV(withSnapshots);
    const y = new KV(deltasOnly);
    await x.store.load(version);
    await y.store.load(version);
    assert.deepEqual(x.dump(), y.dump(), `version ${version}`);
  }
  const last = new KV(withSnapshots);
  await last.store.load(8);
  assert.deepEqual(last.dump(), { k0: "v0", k1: "back", k2: "v2", k3: "v3", k4: "v4", k5: "v5", k6: "v6", k7: "v7", shared: "s7" });
  const v5 = new KV(withSnapshots);
  await v5.store.load(5);
  assert.equal(v5.dump().k1, undefined, "k1 was removed in version 5");
});

test("a re-run commit rewrites an identical delta", async () => {
  const storage = MemoryStorage.fresh("state-rerun");
  const kv = new KV(storage);
  await kv.store.load(0);
  kv.put("x", "1");
  await kv.store.commit();
  const first = await storage.get("ckpt/state/0/0/1.delta");
  const again = new KV(storage);
  await again.store.load(0);
  again.put("x", "1");
  await again.store.commit();
  assert.deepEqual(await storage.get("ckpt/state/0/0/1.delta"), first);
});

test("old files beyond minBatchesToRetain are deleted", async () => {
  const storage = MemoryStorage.fresh("state-retain");
  const kv = new KV(storage, { minDeltasForSnapshot: 2, minBatchesToRetain: 3 });
  await kv.store.load(0);
  for (let v = 0; v < 10; v++) {
    kv.put(`k${v}`, "x");
    await kv.store.commit();
  }
  const names = (await storage.list("ckpt/state/0/0/")).map((o) => o.path.split("/").pop());
  // Version 7 (= 10 - 3) loads from 6.snapshot: everything before version 6 is gone.
  assert.deepEqual(names, ["10.delta", "10.snapshot", "6.delta", "6.snapshot", "7.delta", "8.delta", "8.snapshot", "9.delta"]);
  const reloaded = new KV(storage);
  await reloaded.store.load(7);
  assert.equal(Object.keys(reloaded.dump()).length, 7);
});

test("corrupt and missing state files raise CorruptCheckpointError naming the path", async () => {
  const storage = MemoryStorage.fresh("state-corrupt");
  const kv = new KV(storage);
  await kv.store.load(0);
  kv.put("a", "1");
  await kv.store.commit();
  kv.put("b", "2");
  await kv.store.commit();
  const path = "ckpt/state/0/0/2.delta";
  const good = await storage.get(path);
  const flipped = good.slice();
  flipped[20] ^= 0xff;
  await storage.put(path, flipped);
  await assert.rejects(new KV(storage).store.load(2), (e: unknown) => {
    assert.ok(e instanceof CorruptCheckpointError);
    assert.match(e.message, /checksum mismatch/);
    assert.ok(e.message.includes(`${storage.root}/${path}`), e.message);
    return true;
  });
  await storage.put(path, good.slice(0, 10));
  await assert.rejects(new KV(storage).store.load(2), CorruptCheckpointError);
  await storage.put(path, enc.encode("not a state file at all, definitely"));
  await assert.rejects(new KV(storage).store.load(2), /bad magic/);
  await storage.put(path, good);
  await storage.delete("ckpt/state/0/0/1.delta");
  await assert.rejects(new KV(storage).store.load(2), /1\.delta is missing/);
});

test("evicting keys batch after batch keeps the key table bounded, and values survive the compaction", async () => {
  const storage = MemoryStorage.fresh("state-compact");
  const kv = new KV(storage, { minDeltasForSnapshot: 5 });
  await kv.store.load(0);
  // A sliding set of 500 live keys: each batch adds 500 new ones and evicts the previous 500.
  let maxIds = 0;
  for (let batch = 0; batch < 40; batch++) {
    for (let i = 0; i < 500; i++) kv.put(`k${batch}-${i}`, `v${batch}-${i}`);
    if (batch > 0) for (let i = 0; i < 500; i++) kv.remove(`k${batch - 1}-${i}`);
    await kv.store.commit();
    maxIds = Math.max(maxIds, kv.store.keys.idCount);
  }
  assert.ok(maxIds <= 500 * 2 + 1024 + 500, `ids grew to ${maxIds}`);
  const live = kv.dump();
  assert.equal(Object.keys(live).length, 500);
  assert.equal(live["k39-7"], "v39-7");
  // An update after a compaction is written under the key, and the files reload to the same state.
  kv.put("k39-7", "changed");
  await kv.store.commit();
  const reloaded = new KV(storage);
  await reloaded.store.load(kv.store.version);
  assert.deepEqual(reloaded.dump(), kv.dump());
  assert.equal(reloaded.dump()["k39-7"], "changed");
});
