/**
 * The shared Storage contract: every backend runs this one suite (see storage-*.test.ts).
 * `make` returns a fresh, empty storage for each test.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Storage } from "../../src/storage/storage.js";
import { AlreadyExistsError, ErrorCodes, NotFoundError, StorageError } from "../../src/errors.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Registers the contract tests for the storage `name`. */
export function storageContract(name: string, make: () => Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    test("root is a URL without credentials", async () => {
      const s = await make();
      assert.match(s.root, /^[a-z][a-z0-9+.-]*:\/\//);
      assert.doesNotMatch(s.root, /@/);
    });

    test("put, get and head round trip", async () => {
      const s = await make();
      const before = Date.now();
      await s.put("a/b/c.txt", enc("hello"));
      assert.equal(dec(await s.get("a/b/c.txt")), "hello");
      const info = await s.head("a/b/c.txt");
      assert.ok(info !== null);
      assert.equal(info.path, "a/b/c.txt");
      assert.equal(info.size, 5);
      assert.ok(info.modificationTime >= before - 2000 && info.modificationTime <= Date.now() + 2000, "mtime is about now");
      assert.equal(await s.head("a/b/missing"), null);
      assert.equal(await s.head("a/b"), null, "a folder is not an object");
    });

    test("empty objects and binary content survive", async () => {
      const s = await make();
      await s.put("empty", new Uint8Array(0));
      assert.equal((await s.get("empty")).length, 0);
      assert.equal((await s.head("empty"))?.size, 0);
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      await s.put("bin", bytes);
      assert.deepEqual(Buffer.from(await s.get("bin")), Buffer.from(bytes));
    });

    test("the stored object does not alias the caller's buffer", async () => {
      const s = await make();
      const data = enc("abc");
      await s.put("k", data);
      data[0] = 0x7a;
      const got = await s.get("k");
      assert.equal(dec(got), "abc");
      got[1] = 0x7a;
      assert.equal(dec(await s.get("k")), "abc");
    });

    test("ranges: inclusive start, exclusive end, end clamped to the size", async () => {
      const s = await make();
      await s.put("r", enc("0123456789"));
      assert.equal(dec(await s.get("r", { start: 2, end: 5 })), "234");
      assert.equal(dec(await s.get("r", { start: 0, end: 1 })), "0");
      assert.equal(dec(await s.get("r", { start: 7, end: 100 })), "789");
      assert.equal((await s.get("r", { start: 4, end: 4 })).length, 0);
      assert.equal((await s.get("r", { start: 10, end: 12 })).length, 0);
      await assert.rejects(s.get("r", { start: 5, end: 2 }), StorageError);
      await assert.rejects(s.get("r", { start: -1, end: 2 }), StorageError);
      await assert.rejects(s.get("missing", { start: 0, end: 2 }), NotFoundError);
    });

    test("put-if-absent fails with AlreadyExistsError and leaves the content unchanged", async () => {
      const s = await make();
      await s.put("once", enc("first"), { ifNotExists: true });
      const err = await s.put("once", enc("second"), { ifNotExists: true }).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof AlreadyExistsError, `expected AlreadyExistsError, got ${String(err)}`);
      assert.equal(err.code, ErrorCodes.ALREADY_EXISTS);
      assert.equal(err.code, "SLUICE_ALREADY_EXISTS");
      assert.match(err.message, /once/, "the message names the key");
      assert.equal(dec(await s.get("once")), "first");
    });

    test("concurrent put-if-absent of one key: exactly one wins", async () => {
      const s = await make();
      const n = 16;
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => s.put("race/key", enc(`writer ${i}`), { ifNotExists: true })),
      );
      const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      assert.equal(winners.length, 1, "exactly one writer succeeds");
      for (const r of results) {
        if (r.status === "rejected") assert.ok(r.reason instanceof AlreadyExistsError, String(r.reason));
      }
      assert.equal(dec(await s.get("race/key")), `writer ${winners[0]}`);
      assert.deepEqual((await s.list("race/")).map((o) => o.path), ["race/key"], "no temporary leftovers are listed");
    });

    test("put without ifNotExists overwrites", async () => {
      const s = await make();
      await s.put("o", enc("one"));
      await s.put("o", enc("two, longer"));
      assert.equal(dec(await s.get("o")), "two, longer");
      assert.equal((await s.head("o"))?.size, 11);
      await s.put("o", enc("3"));
      assert.equal(dec(await s.get("o")), "3");
    });

    test("list is recursive and sorted by UTF-8 bytes", async () => {
      const s = await make();
      const keys = [
        "d/a/b",
        "d/a-b",
        "d/a0",
        "d/a.b",
        "d/A",
        "d/Z",
        "d/z",
        "d/~",
        "d/é",
        "d/e",
        "d/10",
        "d/9",
        "d/a/c/deep/x",
        "d/\u{1F600}",
        "d/\uFF21",
      ];
      for (const k of [...keys].reverse()) await s.put(k, enc(k));
      await s.put("other/x", enc("x"));
      const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      // Spelled out, so a wrong comparator in both places cannot agree by accident.
      assert.deepEqual(expected, [
        "d/10",
        "d/9",
        "d/A",
        "d/Z",
        "d/a-b",
        "d/a.b",
        "d/a/b",
        "d/a/c/deep/x",
        "d/a0",
        "d/e",
        "d/z",
        "d/~",
        "d/é",
        "d/\uFF21",
        "d/\u{1F600}",
      ]);
      const listed = await s.list("d/");
      assert.deepEqual(
        listed.map((o) => o.path),
        expected,
      );
      for (const o of listed) assert.equal(o.size, Buffer.byteLength(o.path));
    });

    test("list by a partial name, by a folder, and of everything", async () => {
      const s = await make();
      for (const k of ["logs/1", "logs/10", "logs/2", "logs2/x", "log", "z"]) await s.put(k, enc(k));
      assert.deepEqual((await s.list("logs/")).map((o) => o.path), ["logs/1", "logs/10", "logs/2"]);
      assert.deepEqual((await s.list("logs/1")).map((o) => o.path), ["logs/1", "logs/10"]);
      assert.deepEqual((await s.list("logs")).map((o) => o.path), ["logs/1", "logs/10", "logs/2", "logs2/x"]);
      assert.deepEqual((await s.list("")).map((o) => o.path), ["log", "logs/1", "logs/10", "logs/2", "logs2/x", "z"]);
    });

    test("list of a missing prefix is empty", async () => {
      const s = await make();
      assert.deepEqual(await s.list("nothing/here/"), []);
      assert.deepEqual(await s.list("nothing"), []);
      await s.put("file", enc("x"));
      assert.deepEqual(await s.list("file/"), [], "a prefix under an object is empty, not an error");
    });

    test("list with startAfter returns only keys sorting after it, as S3's StartAfter", async () => {
      const s = await make();
      const keys = ["log/00000000000000000001.json", "log/00000000000000000002.checkpoint.parquet", "log/00000000000000000002.json", "log/00000000000000000010.json", "log/_last_checkpoint", "log/a/b", "log/a/c/d", "log/é"];
      for (const k of keys) await s.put(k, enc(k));
      await s.put("other", enc("x"));
      const after = async (startAfter: string, prefix = "log/") => (await s.list(prefix, { startAfter })).map((o) => o.path);
      assert.deepEqual(await after("log/00000000000000000002.json"), keys.slice(3));
      assert.deepEqual(await after("log/00000000000000000002"), keys.slice(1), "an absent key: everything after it");
      assert.deepEqual(await after("log/00000000000000000001.json"), keys.slice(1), "strictly after an existing key");
      assert.deepEqual(await after(""), keys, "an empty startAfter lists everything");
      assert.deepEqual(await after("a"), keys, "a startAfter before the prefix lists the whole prefix");
      assert.deepEqual(await after("m"), [], "a startAfter past the prefix lists nothing");
      assert.deepEqual(await after("log/a"), ["log/a/b", "log/a/c/d", "log/é"], "a folder's own name sorts before its contents");
      assert.deepEqual(await after("log/a/b"), ["log/a/c/d", "log/é"], "into a folder");
      assert.deepEqual(await after("log/a/c/d"), ["log/é"], "past a whole folder");
      assert.deepEqual(await after("log/a/"), ["log/a/b", "log/a/c/d", "log/é"]);
      assert.deepEqual(await after("log/\uFF21"), [], "UTF-8 byte order, not UTF-16");
      assert.deepEqual(await after("log/00000000000000000002.json", "log/0"), keys.slice(3, 4), "with a partial-name prefix");
    });

    test("createWriter: chunks become one object, invisible until close", async () => {
      const s = await make();
      const w = s.createWriter("big/part-0.parquet");
      assert.equal(w.path, "big/part-0.parquet");
      const chunks = [enc("PAR1"), new Uint8Array(0), Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff), enc("PAR1")];
      for (const c of chunks) {
        await w.write(c);
        assert.equal(await s.head("big/part-0.parquet"), null, "not visible before close");
        assert.deepEqual(await s.list("big/"), [], "no temporary file is listed");
      }
      chunks[0][0] = 0; // the writer must not keep the caller's buffer
      assert.equal(w.bytesWritten, 70_008);
      const before = Date.now();
      const info = await w.close();
      assert.equal(info.path, "big/part-0.parquet");
      assert.equal(info.size, 70_008);
      assert.ok(info.modificationTime >= before - 2000);
      const back = await s.get("big/part-0.parquet");
      assert.equal(dec(back.subarray(0, 4)), "PAR1");
      assert.equal(back[4 + 300], 300 & 0xff);
      assert.equal(dec(back.subarray(70_004)), "PAR1");
      assert.deepEqual((await s.list("big/")).map((o) => [o.path, o.size]), [["big/part-0.parquet", 70_008]]);
      await assert.rejects(w.write(enc("late")), StorageError, "a closed writer refuses writes");
      await assert.rejects(w.close(), StorageError);
      await w.abort(); // idempotent, and does not undo a close
      assert.equal((await s.head("big/part-0.parquet"))?.size, 70_008);
    });

    test("createWriter: writev appends its chunks in order, mixed with writes", async () => {
      const s = await make();
      const w = s.createWriter("v/part-0.parquet");
      const many = Array.from({ length: 1500 }, (_, i) => Uint8Array.of(i & 0xff, (i >> 8) & 0xff));
      await w.write(enc("head"));
      await w.writev([enc("A"), new Uint8Array(0), Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff), enc("B")]);
      await w.writev(many); // more buffers than one writev(2) takes
      await w.writev([]);
      assert.equal(await s.head("v/part-0.parquet"), null, "not visible before close");
      assert.equal(w.bytesWritten, 4 + 100_002 + 3000);
      const info = await w.close();
      assert.equal(info.size, 4 + 100_002 + 3000);
      const back = await s.get("v/part-0.parquet");
      assert.equal(dec(back.subarray(0, 5)), "headA");
      assert.equal(back[5 + 777], (777 * 7) & 0xff);
      assert.equal(dec(back.subarray(100_005, 100_006)), "B");
      for (let i = 0; i < 1500; i += 149) assert.deepEqual([...back.subarray(100_006 + 2 * i, 100_008 + 2 * i)], [i & 0xff, (i >> 8) & 0xff]);
      await assert.rejects(w.writev([enc("late")]), StorageError, "a closed writer refuses writes");
    });

    test("createWriter: abort publishes nothing; close replaces an existing object; empty objects", async () => {
      const s = await make();
      const w = s.createWriter("w/x");
      await w.write(enc("partial"));
      await w.abort();
      await w.abort();
      assert.equal(await s.head("w/x"), null);
      assert.deepEqual(await s.list("w/"), [], "an aborted writer leaves nothing listed");
      await assert.rejects(w.write(enc("more")), StorageError);
      await s.put("w/y", enc("old content"));
      const r = s.createWriter("w/y");
      await r.write(enc("new"));
      assert.equal(dec(await s.get("w/y")), "old content", "the old object stays until close");
      await r.close();
      assert.equal(dec(await s.get("w/y")), "new");
      const e = s.createWriter("w/empty");
      assert.equal((await e.close()).size, 0);
      assert.equal((await s.get("w/empty")).length, 0);
      assert.throws(() => s.createWriter("bad/../key"), StorageError);
    });

    test("exists: an object, a folder holding objects, the root; not a missing key or a key prefix", async () => {
      const s = await make();
      // existsNow, where a storage offers it, must give the same answers at once.
      const both = async (key: string, expected: boolean, message?: string) => {
        assert.equal(await s.exists(key), expected, message ?? key);
        if (s.existsNow !== undefined) assert.equal(s.existsNow(key), expected, `existsNow: ${message ?? key}`);
      };
      await both("", true, "the root exists");
      await s.put("land/2024/a.json", enc("{}"));
      await both("land/2024/a.json", true);
      await both("land/2024", true);
      await both("land", true);
      await both("lan", false, "a partial name is not a folder");
      await both("land/2024/a.json/x", false);
      await both("missing/path", false);
      await s.delete("land/2024/a.json");
      await both("land/2024/a.json", false);
    });

    test("delete removes, and is idempotent", async () => {
      const s = await make();
      await s.put("del/a", enc("a"));
      await s.put("del/b", enc("b"));
      await s.delete("del/a");
      assert.equal(await s.head("del/a"), null);
      await s.delete("del/a");
      await s.delete("never/existed");
      assert.deepEqual((await s.list("del/")).map((o) => o.path), ["del/b"]);
      await assert.rejects(s.get("del/a"), NotFoundError);
      await s.put("del/a", enc("again"), { ifNotExists: true });
      assert.equal(dec(await s.get("del/a")), "again");
    });

    test("get of a missing object fails with NotFoundError naming the key", async () => {
      const s = await make();
      const err = await s.get("no/such/key").then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof NotFoundError, String(err));
      assert.equal(err.code, "SLUICE_NOT_FOUND");
      assert.match(err.message, /no\/such\/key/);
    });

    test("invalid keys are rejected with StorageError", async () => {
      const s = await make();
      for (const bad of ["", "/abs", "a/../b", "..", "a//b", "a/./b", "dir/"]) {
        await assert.rejects(s.put(bad, enc("x")), StorageError, `put ${JSON.stringify(bad)}`);
        await assert.rejects(s.get(bad), StorageError, `get ${JSON.stringify(bad)}`);
      }
    });

    test("large object (8 MiB) round trip and ranged read", async () => {
      const s = await make();
      const size = 8 * 1024 * 1024;
      const data = new Uint8Array(size);
      let x = 12345;
      for (let i = 0; i < size; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        data[i] = x >>> 24;
      }
      await s.put("big/blob", data, { ifNotExists: true });
      assert.equal((await s.head("big/blob"))?.size, size);
      const back = await s.get("big/blob");
      assert.equal(back.length, size);
      assert.ok(Buffer.from(back).equals(Buffer.from(data)));
      const mid = await s.get("big/blob", { start: size / 2 - 3, end: size / 2 + 5 });
      assert.deepEqual(Buffer.from(mid), Buffer.from(data.subarray(size / 2 - 3, size / 2 + 5)));
    });
  });
}
