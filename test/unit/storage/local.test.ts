import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage, TEMP_FILE_PREFIX } from "../../../src/storage/local.js";
import { AlreadyExistsError, ErrorCodes, NotFoundError, StorageError } from "../../../src/errors.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-local-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("objects are plain files under the root; root is a file URL", () =>
  withDir(async (dir) => {
    const s = new LocalStorage(join(dir, "my lake"));
    assert.equal(s.root, "file://" + join(dir, "my%20lake"));
    await s.put("t/_delta_log/00.json", enc("{}"));
    assert.equal(await readFile(join(dir, "my lake", "t", "_delta_log", "00.json"), "utf8"), "{}");
    // Files written by others are visible.
    await writeFile(join(dir, "my lake", "t", "other.txt"), "x");
    assert.deepEqual((await s.list("t/")).map((o) => o.path), ["t/_delta_log/00.json", "t/other.txt"]);
  }));

test("temporary files are never listed, and no temp file is left behind", () =>
  withDir(async (dir) => {
    const s = new LocalStorage(dir);
    await s.put("a/x", enc("1"));
    await s.put("a/x", enc("2"));
    await s.put("a/y", enc("1"), { ifNotExists: true });
    await assert.rejects(s.put("a/y", enc("2"), { ifNotExists: true }), AlreadyExistsError);
    assert.deepEqual((await readdir(join(dir, "a"))).sort(), ["x", "y"], "no leftovers after overwrite, link and a failed link");
    // A crashed writer's temp file stays invisible.
    await writeFile(join(dir, "a", TEMP_FILE_PREFIX + "crashed"), "partial");
    assert.deepEqual((await s.list("a/")).map((o) => o.path), ["a/x", "a/y"]);
    assert.deepEqual((await s.list("")).map((o) => o.path), ["a/x", "a/y"]);
    await assert.rejects(s.get("a/" + TEMP_FILE_PREFIX + "crashed"), StorageError);
  }));

test("keys cannot escape the root", () =>
  withDir(async (dir) => {
    const s = new LocalStorage(join(dir, "root"));
    await writeFile(join(dir, "secret"), "s");
    for (const bad of ["../secret", "a/../../secret", "/etc/passwd"]) {
      const err = await s.get(bad).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof StorageError && !(err instanceof NotFoundError), `${bad}: ${String(err)}`);
      assert.equal(err.code, ErrorCodes.STORAGE);
      await assert.rejects(s.put(bad, enc("x")), StorageError);
      await assert.rejects(s.list(bad.endsWith("/") ? bad : bad + "/"), StorageError);
    }
    assert.equal(await readFile(join(dir, "secret"), "utf8"), "s");
  }));

test("folders are not objects: head is null, get is NotFound, delete is a no-op", () =>
  withDir(async (dir) => {
    const s = new LocalStorage(dir);
    await mkdir(join(dir, "f", "g"), { recursive: true });
    assert.equal(await s.head("f"), null);
    await assert.rejects(s.get("f"), NotFoundError);
    await s.delete("f");
    assert.deepEqual(await s.list("f/"), []);
  }));

test("I/O failures are StorageErrors naming the path", () =>
  withDir(async (dir) => {
    const s = new LocalStorage(dir);
    await s.put("file", enc("x"));
    const err = await s.put("file/child", enc("y")).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof StorageError, String(err));
    assert.equal(err.code, ErrorCodes.STORAGE);
    assert.match(err.message, /^local storage: cannot .*file\/child/);
    assert.equal(await s.head("file/child"), null);
  }));

test("fsync can be turned off and writes still land", () =>
  withDir(async (dir) => {
    const s = new LocalStorage(dir, { fsync: false });
    await s.put("deep/er/k", enc("v"), { ifNotExists: true });
    assert.equal(await readFile(join(dir, "deep", "er", "k"), "utf8"), "v");
  }));
