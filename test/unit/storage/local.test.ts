import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage, TEMP_FILE_PREFIX, makeFolders } from "../../../src/storage/local.js";
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

/** `p`, or a rejection after `ms`: a call that never settles fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test("makeFolders creates missing folders and returns the first it created, as mkdir -p", () =>
  withDir(async (dir) => {
    assert.equal(await makeFolders(join(dir, "a", "b", "c")), join(dir, "a"));
    assert.ok((await stat(join(dir, "a", "b", "c"))).isDirectory());
    assert.equal(await makeFolders(join(dir, "a", "b", "c")), undefined);
    assert.equal(await makeFolders(join(dir, "a", "b", "d")), join(dir, "a", "b", "d"));
    await writeFile(join(dir, "file"), "x");
    await assert.rejects(makeFolders(join(dir, "file")), (e: unknown) => (e as { code?: string }).code === "ENOTDIR");
    await assert.rejects(makeFolders(join(dir, "file", "sub")), (e: unknown) => (e as { code?: string }).code === "ENOTDIR");
  }));

// Under /proc, mkdir of a new name fails with ENOENT although /proc exists; Node's recursive mkdir
// then never settles (and spins a thread), which made a query with such a path hang forever.
test("a folder that cannot be created fails at once with the file system's reason, naming the path", { skip: !existsSync("/proc/self") && "needs Linux /proc" }, async () => {
  await assert.rejects(within(makeFolders("/proc/sluice-test-no/such"), 5000, "makeFolders"), (e: unknown) => {
    assert.equal((e as { code?: string }).code, "ENOENT");
    assert.match(String(e), /mkdir '\/proc\/sluice-test-no'.*parent folder exists but refuses new entries/);
    return true;
  });
  const s = new LocalStorage("/proc/sluice-test-root");
  const named = (op: string) => (e: unknown) => {
    assert.ok(e instanceof StorageError, String(e));
    assert.match(e.message, new RegExp(`^local storage: cannot ${op} file:///proc/sluice-test-root/cp/metadata: ENOENT: no such file or directory, mkdir '/proc/sluice-test-root'`));
    assert.equal(e.context.path, "file:///proc/sluice-test-root/cp/metadata");
    return true;
  };
  await assert.rejects(within(s.put("cp/metadata", enc("{}")), 5000, "put"), named("create the folder of"));
  const w = s.createWriter("cp/metadata");
  await assert.rejects(within(w.write(enc("{}")), 5000, "createWriter().write"), named("create the folder of"));
});
