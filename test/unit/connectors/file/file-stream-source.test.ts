import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, utimes, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { mkdtempSync, writeFileSync } from "node:fs";
import { checkFileSource, resolveFileSourceSchema } from "../../../../src/connectors/file/create-file-source.js";
import { fileSource } from "../../../support/file-source.js";
import { LocalStorage } from "../../../../src/storage/local.js";
import { CountingStorage } from "../../../../src/storage/forwarding.js";
import { localFileSystem, routeLocalStorage } from "../../../../src/storage/resolve.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import type { Row } from "../../../../src/columnar/values.js";
import type { StreamSource } from "../../../../src/connectors/source.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { ConfigError, SourceError } from "../../../../src/errors.js";
import type { Storage } from "../../../../src/storage/storage.js";
import { captureLog } from "../../../support/log-capture.js";

const T0 = 1_732_600_000_000;

async function landing(): Promise<string> {
  return mkdtemp(join(tmpdir(), "sluice-file-source-"));
}

/** Writes `rel` under `dir` with modification time T0 + `ageOffsetMs`. */
async function put(dir: string, rel: string, content: string | Uint8Array, mtimeOffsetMs: number): Promise<void> {
  const p = join(dir, rel);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, content);
  const t = new Date(T0 + mtimeOffsetMs);
  await utimes(p, t, t);
}

async function start(
  format: "text" | "json" | "csv",
  dir: string,
  options: Record<string, string> = {},
  schema: string | null = null,
  checkpoint: Storage = MemoryStorage.fresh("file-source-ckpt"),
): Promise<{ src: StreamSource; checkpoint: Storage }> {
  const src = await fileSource(format, { path: dir, ...options }, schema === null ? null : toSchema(schema));
  await src.open({ storage: checkpoint, metadataPrefix: "sources/0/" });
  return { src, checkpoint };
}

async function readRows(src: StreamSource, startOffset: string | null, end: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const b of src.read(startOffset, end)) rows.push(...batchToRows(b));
  return rows;
}

test("option validation: unknown option with did-you-mean, bad values, missing schema", async () => {
  assert.throws(
    () => checkFileSource("json", { path: "/tmp", maxFilesPerTriger: "1" }, toSchema("a INT")),
    (e: unknown) => e instanceof ConfigError && /unknown option 'maxFilesPerTriger'; did you mean 'maxFilesPerTrigger'\?/.test(e.message),
  );
  assert.throws(
    () => checkFileSource("json", { path: "/tmp", maxFilesPerTrigger: "abc" }, toSchema("a INT")),
    /json source: option 'maxFilesPerTrigger' must be a positive integer, got "abc"/,
  );
  assert.throws(() => checkFileSource("json", { path: "/tmp" }, null), /json source: a schema is required; pass \.schema\(\.\.\.\) \(streaming file sources never infer one, and sluice does not infer one for batch reads yet\)/);
  assert.throws(() => checkFileSource("csv", { path: "/tmp" }, null), /csv source: a schema is required/);
  assert.throws(() => checkFileSource("text", { path: "/tmp", cleanSource: "delete" }, null), /option 'cleanSource' is not supported yet/);
  assert.throws(() => checkFileSource("text", { path: "/tmp", cleanSource: "zip" }, null), /must be one of archive, delete, off/);
  assert.throws(() => checkFileSource("text", { path: "/tmp", wholetext: "true" }, null), /option 'wholetext' is not supported yet/);
  assert.throws(() => checkFileSource("json", { path: "/tmp", multiLine: "true" }, toSchema("a INT")), /option 'multiLine' is not supported yet/);
  assert.throws(
    () => checkFileSource("text", { path: "/tmp", maxFilesPerTrigger: "1", maxBytesPerTrigger: "10" }, null),
    /can't be both set/,
  );
  assert.throws(() => checkFileSource("text", {}, null), /a path is required/);
  assert.throws(() => checkFileSource("text", { path: "/tmp", maxFileAge: "soon" }, null), /option 'maxFileAge' must be a duration/);
  // Option names are case-insensitive, as in Spark; csv options reach the csv reader.
  assert.doesNotThrow(() => checkFileSource("csv", { PATH: "/tmp", MAXFILESPERTRIGGER: "2", Header: "true" }, toSchema("a INT")));
  assert.deepEqual((await resolveFileSourceSchema("text", { path: "/tmp" }, null)).fields.map((f) => f.name), ["value"]);
});

test("text: CRLF, no trailing newline and garbage stay one record per line", async () => {
  const dir = await landing();
  await put(dir, "a.txt", Buffer.concat([Buffer.from("one\r\ntwo\n"), Buffer.from([0x00, 0xff, 0x22, 0x0a]), Buffer.from("last")]), 0);
  const { src } = await start("text", dir);
  const end = await src.latestOffset(null, { kind: "default" });
  assert.equal(end, '{"logOffset":0}');
  const rows = await readRows(src, null, end ?? "");
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.map((r) => r.value).filter((_, i) => i !== 2), ["one", "two", "last"]);
  assert.equal(await src.latestOffset(end, { kind: "default" }), end, "nothing new: the same offset");
  assert.equal(src.metrics?.().numFilesProcessed, "1");
  await rm(dir, { recursive: true });
});

test("json: malformed lines do not affect their neighbours; gz read transparently", async () => {
  const dir = await landing();
  await put(dir, "a.json", '{"id":1,"v":"x"}\n{"id": broken\n\n{"id":3,"v":"z"}', 0);
  await put(dir, "b.json.gz", new Uint8Array(Buffer.concat([gzipSync('{"id":4}\n'), gzipSync('{"id":5}\n')])), 1000);
  const { src } = await start("json", dir, {}, "id INT, v STRING, _corrupt_record STRING");
  const end = await src.latestOffset(null, { kind: "default" });
  const rows = await readRows(src, null, end ?? "");
  assert.deepEqual(rows, [
    { id: 1, v: "x", _corrupt_record: null },
    { id: null, v: null, _corrupt_record: '{"id": broken' },
    { id: 3, v: "z", _corrupt_record: null },
    { id: 4, v: null, _corrupt_record: null },
    { id: 5, v: null, _corrupt_record: null },
  ]);
  assert.equal(src.metrics?.().numMalformedRecords, "1");
  await rm(dir, { recursive: true });
});

test("json FAILFAST names the file and line; a corrupt .gz fails naming the file", async () => {
  const dir = await landing();
  await put(dir, "a.json", '{"id":1}\n{"id":\n', 0);
  const { src } = await start("json", dir, { mode: "FAILFAST" }, "id INT");
  const end = (await src.latestOffset(null, { kind: "default" })) ?? "";
  await assert.rejects(readRows(src, null, end), (e: unknown) => e instanceof SourceError && /a\.json line 2/.test(e.message));

  const dir2 = await landing();
  await put(dir2, "bad.json.gz", new Uint8Array(gzipSync('{"id":1}\n').subarray(0, 12)), 0);
  const s2 = (await start("json", dir2, {}, "id INT")).src;
  const e2 = (await s2.latestOffset(null, { kind: "default" })) ?? "";
  await assert.rejects(readRows(s2, null, e2), (e: unknown) => e instanceof SourceError && /bad\.json\.gz/.test(e.message));
  // ignoreCorruptFiles skips it instead, as Spark does.
  const s3 = (await start("json", dir2, { ignoreCorruptFiles: "true" }, "id INT")).src;
  const e3 = (await s3.latestOffset(null, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(s3, null, e3), []);
  assert.equal(s3.metrics?.().numFilesSkipped, "1");
  await rm(dir, { recursive: true });
  await rm(dir2, { recursive: true });
});

test("csv with header per file, quoting and a malformed row", async () => {
  const dir = await landing();
  await put(dir, "a.csv", 'id,name\n1,"Smith, J"\n2\n', 0);
  await put(dir, "b.csv", "id,name\n3,x\n", 1000);
  const { src } = await start("csv", dir, { header: "true" }, "id INT, name STRING, _corrupt_record STRING");
  const end = (await src.latestOffset(null, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(src, null, end), [
    { id: 1, name: "Smith, J", _corrupt_record: null },
    { id: 2, name: null, _corrupt_record: "2" },
    { id: 3, name: "x", _corrupt_record: null },
  ]);
  await rm(dir, { recursive: true });
});

test("the log in the checkpoint is Spark's: entries, offsets, compaction at batch 9", async () => {
  const dir = await landing();
  const ckptDir = await landing();
  const ckpt = new LocalStorage(ckptDir, { fsync: false });
  for (let i = 0; i < 11; i++) await put(dir, `f${String(i).padStart(2, "0")}.txt`, `line ${i}\n`, i * 1000);
  const { src } = await start("text", dir, { maxFilesPerTrigger: "1" }, null, ckpt);
  let prev: string | null = null;
  for (let i = 0; i < 11; i++) {
    const end = await src.latestOffset(prev, { kind: "default" });
    assert.equal(end, JSON.stringify({ logOffset: i }));
    prev = end;
  }
  const files = (await readdir(join(ckptDir, "sources", "0"))).sort();
  assert.ok(files.includes("9.compact"), `files: ${files.join(",")}`);
  assert.ok(files.includes("10"));
  assert.ok(!files.includes("9"));
  const first = await readFile(join(ckptDir, "sources", "0", "0"), "utf8");
  const url = pathToFileURL(join(dir, "f00.txt")).href;
  assert.equal(first, `v1\n{"path":"${url}","timestamp":${T0},"batchId":0}`);
  const compact = (await readFile(join(ckptDir, "sources", "0", "9.compact"), "utf8")).split("\n");
  assert.equal(compact[0], "v1");
  assert.equal(compact.length, 11, "v1 + the 10 entries of batches 0..9");
  assert.deepEqual(JSON.parse(compact[10]), { path: pathToFileURL(join(dir, "f09.txt")).href, timestamp: T0 + 9000, batchId: 9 });
  // Reading a batch inside the compact file reads only that batch's files.
  assert.deepEqual(await readRows(src, '{"logOffset":4}', '{"logOffset":5}'), [{ value: "line 5" }]);
  assert.deepEqual(await readRows(src, '{"logOffset":8}', '{"logOffset":10}'), [{ value: "line 9" }, { value: "line 10" }]);
  await rm(dir, { recursive: true });
  await rm(ckptDir, { recursive: true });
});

test("re-reading (start, end] after a restart gives identical batches, even after new files land", async () => {
  const dir = await landing();
  const ckpt = MemoryStorage.fresh("file-source-restart");
  await put(dir, "a.json", '{"id":1}\n{"id":2}\n', 0);
  await put(dir, "b.json", '{"id":3}\n', 1000);
  const first = await start("json", dir, {}, "id INT", ckpt);
  const end = (await first.src.latestOffset(null, { kind: "default" })) ?? "";
  const before = await readRows(first.src, null, end);
  await first.src.stop();
  await put(dir, "c.json", '{"id":4}\n', 2000);
  const second = await start("json", dir, {}, "id INT", ckpt);
  assert.deepEqual(await readRows(second.src, null, end), before);
  // The restarted source remembers what it saw: only the new file is next.
  const next = await second.src.latestOffset(end, { kind: "default" });
  assert.equal(next, '{"logOffset":1}');
  assert.deepEqual(await readRows(second.src, end, next ?? ""), [{ id: 4 }]);
  await rm(dir, { recursive: true });
});

test("files added between latestOffset calls are picked up next time; nothing new returns null first", async () => {
  const dir = await landing();
  const { src } = await start("text", dir);
  assert.equal(await src.latestOffset(null, { kind: "default" }), null);
  await put(dir, "a.txt", "a\n", 0);
  const o0 = await src.latestOffset(null, { kind: "default" });
  assert.equal(o0, '{"logOffset":0}');
  await put(dir, "b.txt", "b\n", 5000);
  const o1 = await src.latestOffset(o0, { kind: "default" });
  assert.equal(o1, '{"logOffset":1}');
  assert.deepEqual(await readRows(src, o0, o1 ?? ""), [{ value: "b" }]);
  await rm(dir, { recursive: true });
});

test("maxFilesPerTrigger, latestFirst and maxBytesPerTrigger", async () => {
  const dir = await landing();
  await put(dir, "c.txt", "c\n", 0); // oldest
  await put(dir, "a.txt", "a\n", 1000);
  await put(dir, "b.txt", "bbbbbbbbbb\n", 2000); // newest, 11 bytes
  const { src } = await start("text", dir, { maxFilesPerTrigger: "2" });
  const o0 = (await src.latestOffset(null, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(src, null, o0), [{ value: "c" }, { value: "a" }], "oldest first");
  assert.equal(src.metrics?.().numFilesOutstanding, "1");
  const o1 = (await src.latestOffset(o0, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(src, o0, o1), [{ value: "bbbbbbbbbb" }]);

  const latest = (await start("text", dir, { maxFilesPerTrigger: "1", latestFirst: "true" })).src;
  const l0 = (await latest.latestOffset(null, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(latest, null, l0), [{ value: "bbbbbbbbbb" }], "newest first");

  // maxBytesPerTrigger: files while the total fits, but always at least one.
  const bytes = (await start("text", dir, { maxBytesPerTrigger: "4" })).src;
  const b0 = (await bytes.latestOffset(null, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(bytes, null, b0), [{ value: "c" }, { value: "a" }]);
  const b1 = (await bytes.latestOffset(b0, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(bytes, b0, b1), [{ value: "bbbbbbbbbb" }], "one file larger than the limit still goes");
  await rm(dir, { recursive: true });
});

test("fileNameOnly, pathGlobFilter, hidden files, sub-folders, partitions and recursiveFileLookup", async () => {
  const dir = await landing();
  await put(dir, "x/f1.json", '{"id":1}\n', 0);
  await put(dir, "y/f1.json", '{"id":2}\n', 1000); // same name, another folder
  await put(dir, "_tmp/f9.json", '{"id":9}\n', 0);
  await put(dir, ".hidden.json", '{"id":9}\n', 0);
  await put(dir, "_SUCCESS", "", 0);
  await put(dir, "notes.txt", "not json\n", 0);
  await put(dir, "day=2024-01-02/f3.json", '{"id":3}\n', 2000);
  const schema = "id INT, day DATE";
  const ids = async (options: Record<string, string>) => {
    const { src } = await start("json", dir, options, schema);
    const end = await src.latestOffset(null, { kind: "default" });
    return end === null ? [] : await readRows(src, null, end);
  };
  const day = new Date("2024-01-02T00:00:00Z");
  assert.deepEqual(await ids({ pathGlobFilter: "*.json" }), [
    { id: 1, day: null },
    { id: 2, day: null },
    { id: 3, day },
  ]);
  // fileNameOnly: a file whose name was admitted in an earlier batch is not new, wherever it is.
  // (Within one listing Spark admits both, as here: names are only checked against earlier batches.)
  const byName = (await start("json", dir, { pathGlobFilter: "*.json", fileNameOnly: "true", maxFilesPerTrigger: "1" }, schema)).src;
  const n0 = (await byName.latestOffset(null, { kind: "default" })) ?? "";
  const n1 = (await byName.latestOffset(n0, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(byName, null, n1), [
    { id: 1, day: null },
    { id: 3, day },
  ]);
  // recursiveFileLookup still lists sub-folders but turns off partition values.
  assert.deepEqual((await ids({ pathGlobFilter: "*.{json}", recursiveFileLookup: "true" })).map((r) => r.day), [null, null, null]);
  // A glob in the path selects folders.
  const { src } = await start("json", join(dir, "[xy]") + "/", {}, schema);
  const end = (await src.latestOffset(null, { kind: "default" })) ?? "";
  assert.deepEqual((await readRows(src, null, end)).map((r) => r.id), [1, 2]);
  await rm(dir, { recursive: true });
});

test("maxFileAge ignores files older than the newest seen minus the age", async () => {
  const dir = await landing();
  await put(dir, "new.txt", "new\n", 10 * 3600_000);
  const { src } = await start("text", dir, { maxFileAge: "1h" });
  const o0 = (await src.latestOffset(null, { kind: "default" })) ?? "";
  await put(dir, "old.txt", "old\n", 0);
  await put(dir, "recent.txt", "recent\n", 9.5 * 3600_000);
  const o1 = (await src.latestOffset(o0, { kind: "default" })) ?? "";
  assert.deepEqual(await readRows(src, o0, o1), [{ value: "recent" }]);
  await rm(dir, { recursive: true });
});

test("availableNow fixes the file set; large files are read in bounded chunks", async () => {
  const dir = await landing();
  const big = Array.from({ length: 200_000 }, (_, i) => `row-${i}`).join("\n") + "\n";
  await put(dir, "big.txt", big, 0);
  const { src } = await start("text", dir);
  await src.prepareForTriggerAvailableNow?.();
  await put(dir, "late.txt", "late\n", 1000);
  const end = (await src.latestOffset(null, { kind: "availableNow" })) ?? "";
  let batches = 0;
  let rows = 0;
  let last = "";
  for await (const b of src.read(null, end)) {
    batches++;
    rows += b.numRows;
    assert.ok(b.numRows <= 65_536);
    const r = batchToRows(b);
    last = String(r[r.length - 1].value);
  }
  assert.equal(rows, 200_000);
  assert.ok(batches >= 4);
  assert.equal(last, "row-199999");
  assert.equal(await src.latestOffset(end, { kind: "availableNow" }), end, "the late file waits for the next run");
  await rm(dir, { recursive: true });
});

test("Trigger.Once's read limit 'all' admits every new file at once, ignoring maxFilesPerTrigger (as Spark)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-once-"));
  for (let i = 0; i < 3; i++) writeFileSync(join(dir, `f${i}.txt`), `line ${i}\n`);
  const src = await fileSource("text", { path: dir, maxFilesPerTrigger: "1" }, null);
  await src.open({ storage: MemoryStorage.fresh("once"), metadataPrefix: "sources/0/" });
  const end = await src.latestOffset(null, { kind: "all" });
  assert.equal(end, '{"logOffset":0}');
  let rows = 0;
  for await (const b of src.read(null, end ?? "")) rows += b.numRows;
  assert.equal(rows, 3);
});

/** Runs `fn` while capturing sluice's log; returns its warnings' messages, one per line. */
async function captureStderr(fn: () => Promise<void>): Promise<string> {
  const records = await captureLog(fn);
  return records.map((r) => `${r.msg}\n`).join("");
}

test("a file that grows after it was listed: read as it is, counted in the metrics, warned once in the log", async () => {
  const dir = await landing();
  await put(dir, "growing.txt", "a\nb\n", 0);
  const { src } = await start("text", dir);
  const url = pathToFileURL(join(dir, "growing.txt")).href;
  let rows: Row[] = [];
  const err = await captureStderr(async () => {
    const end = (await src.latestOffset(null, { kind: "default" })) ?? "";
    await writeFile(join(dir, "growing.txt"), "a\nb\nc\n"); // appended between listing and reading
    rows = await readRows(src, null, end);
    // Read again (a re-run of the batch): the same bytes, and no second warning.
    assert.deepEqual(await readRows(src, null, end), rows);
  });
  assert.deepEqual(rows.map((r) => r.value), ["a", "b", "c"], "which bytes are read does not change: the file as it is when read");
  assert.equal(err.split("\n").filter((l) => l !== "").length, 1, err);
  assert.ok(err.startsWith(`file source: ${url} changed after it was listed (4 bytes when listed, 6 bytes when batch 0 read it).`), err);
  assert.match(err, /Landing files must be placed atomically: write them elsewhere, then rename or move them into /);
  assert.equal(src.metrics?.().numFilesChangedAfterListing, "1");
  assert.equal(src.metrics?.().latestFileChangedAfterListing, url);

  // Growing after it was read: the tail is not read (a file is read once); the next listing says so.
  await put(dir, "later.txt", "x\n", 1000);
  const more = await captureStderr(async () => {
    const o1 = (await src.latestOffset('{"logOffset":0}', { kind: "default" })) ?? "";
    assert.deepEqual((await readRows(src, '{"logOffset":0}', o1)).map((r) => r.value), ["x"]);
    await writeFile(join(dir, "later.txt"), "x\ny\n");
    assert.equal(await src.latestOffset(o1, { kind: "default" }), o1, "a changed file is not admitted again");
  });
  const laterUrl = pathToFileURL(join(dir, "later.txt")).href;
  assert.equal(more, `file source: ${laterUrl} changed after it was listed (2 bytes when read, 4 bytes now; the change is not read (a file is read once)). Landing files must be placed atomically: write them elsewhere, then rename or move them into ${dir}.\n`);
  assert.equal(src.metrics?.().numFilesChangedAfterListing, "2");
  assert.equal(src.metrics?.().latestFileChangedAfterListing, laterUrl);
  await rm(dir, { recursive: true });
});

test("after a restart, a file modified since its listing is noticed by its modification time; unchanged files are not", async () => {
  const dir = await landing();
  await put(dir, "a.txt", "one\n", 0);
  await put(dir, "b.txt", "two\n", 1000);
  const checkpoint = MemoryStorage.fresh("file-source-restart");
  const first = await start("text", dir, {}, null, checkpoint);
  const end = (await first.src.latestOffset(null, { kind: "default" })) ?? "";
  // The process dies before reading; meanwhile a.txt is rewritten.
  await put(dir, "a.txt", "one\nmore\n", 5000);
  const again = await start("text", dir, {}, null, checkpoint);
  let rows: Row[] = [];
  const err = await captureStderr(async () => {
    rows = await readRows(again.src, null, end);
  });
  assert.deepEqual(rows.map((r) => r.value), ["one", "more", "two"]);
  const url = pathToFileURL(join(dir, "a.txt")).href;
  assert.equal(err.split("\n").filter((l) => l !== "").length, 1, err);
  assert.ok(err.startsWith(`file source: ${url} changed after it was listed (modified at ${new Date(T0 + 5000).toISOString()} after it was listed (modified at ${new Date(T0).toISOString()}), 9 bytes when batch 0 read it)`), err);
  assert.equal(again.src.metrics?.().numFilesChangedAfterListing, "1");
  await rm(dir, { recursive: true });
});

test("the query's progress reports files changed after listing in the source's metrics", async () => {
  const { SparkSession } = await import("../../../../src/index.js");
  const spark = SparkSession.builder.getOrCreate();
  const dir = await landing();
  await put(dir, "a.txt", "1\n", 0);
  const name = `changed_${process.pid}`;
  const q = spark.readStream.format("text").load(dir).writeStream.format("memory").queryName(name).start();
  const err = await captureStderr(async () => {
    await q.processAllAvailable();
    await writeFile(join(dir, "a.txt"), "1\n2\n");
    await put(dir, "b.txt", "3\n", 1000);
    await q.processAllAvailable();
    await q.stop();
  });
  assert.equal(q.exception, null);
  const url = pathToFileURL(join(dir, "a.txt")).href;
  const metrics = q.lastProgress?.sources[0].metrics ?? {};
  assert.equal(metrics.numFilesChangedAfterListing, "1");
  assert.equal(metrics.latestFileChangedAfterListing, url);
  assert.match(err, new RegExp(`file source: ${url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} changed after it was listed \\(2 bytes when read, 4 bytes now`));
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.value).sort(), ["1", "3"]);
});

test("maxFilesPerTrigger keeps the files it did not admit for the next triggers (SPARK-30866); the log follows the session's retention", async () => {
  const dir = await landing();
  for (let i = 0; i < 60; i++) await put(dir, `f${String(i).padStart(2, "0")}.txt`, `line ${i}\n`, i);
  const counting = new CountingStorage(localFileSystem());
  const undo = routeLocalStorage(() => counting);
  try {
    const src = await fileSource("text", { path: dir, maxFilesPerTrigger: "5" }, null);
    const ckpt = new CountingStorage(MemoryStorage.fresh("unread"));
    await src.open({
      storage: ckpt,
      metadataPrefix: "sources/0/",
      sessionConf: {
        "spark.sql.streaming.minBatchesToRetain": "3",
        "spark.sql.streaming.fileSource.log.compactInterval": "2",
        "spark.sql.streaming.fileSource.log.cleanupDelay": "0",
      },
    });
    counting.reset();
    ckpt.reset();
    const listings: number[] = [];
    const seen: string[] = [];
    let start: string | null = null;
    for (;;) {
      const end = await src.latestOffset(start, { kind: "default" });
      listings.push(counting.reset().list);
      if (end === start || end === null) break;
      for (const r of await readRows(src, start, end)) seen.push(String(r.value));
      await src.commit(end);
      start = end;
    }
    // 60 files, 5 a trigger: the first trigger lists (and checks twice for a _spark_metadata log,
    // as Spark's first fetchAllFiles does); the next ones take the files it kept; the last lists again.
    assert.deepEqual(listings, [3, ...new Array<number>(11).fill(0), 1]);
    assert.deepEqual(seen, Array.from({ length: 60 }, (_, i) => `line ${i}`));
    assert.deepEqual(JSON.parse(src.metrics?.().numFilesOutstanding ?? "-1"), 0);
    // Batches 0..11, compacting every 2: after batch 11 the last 3 batches start at 9, whose
    // compaction batch is 7; older files are deleted. Reading what the source just wrote costs no
    // read of its log: only compactions read (the batch before and the previous compact file).
    assert.deepEqual((await ckpt.list("sources/0/")).map((o) => o.path.slice("sources/0/".length)), ["10", "11.compact", "7.compact", "8", "9.compact"]);
    assert.equal(ckpt.counts.get, 1 + 2 * 5);
  } finally {
    undo();
  }
  await rm(dir, { recursive: true });
});

test("useIncrementalListing lists after the greatest key admitted, in key order, across restarts; backfillInterval catches late keys", async () => {
  const dir = await landing();
  // Firehose-style keys: yyyy/MM/dd/HH/ prefixes sort by arrival time.
  const key = (h: number, i: number): string => `2026/12/06/${String(h).padStart(2, "0")}/events-${String(i)}.json`;
  for (let h = 0; h < 4; h++) for (let i = 0; i < 5; i++) await put(dir, key(h, i), `h${String(h)} f${String(i)}\n`, 100 - h * 10 - i);
  const counting = new CountingStorage(localFileSystem());
  const undo = routeLocalStorage(() => counting);
  const ckpt = MemoryStorage.fresh("incremental");
  // The last committed offset, as a restarted query passes it to its sources.
  let start: string | null = null;
  /** Runs triggers until nothing is new; returns the lines read and the entries each listing returned. */
  const drain = async (options: Record<string, string>): Promise<{ lines: string[]; listed: number[] }> => {
    const src = await fileSource("text", { path: dir, useIncrementalListing: "true", maxFilesPerTrigger: "7", ...options }, null);
    await src.open({ storage: ckpt, metadataPrefix: "sources/0/" });
    const lines: string[] = [];
    const listed: number[] = [];
    for (;;) {
      counting.reset();
      const end = await src.latestOffset(start, { kind: "default" });
      listed.push(counting.counts.listedEntries);
      if (end === start || end === null) break;
      for (const r of await readRows(src, start, end)) lines.push(String(r.value));
      await src.commit(end);
      start = end;
    }
    return { lines, listed };
  };
  try {
    const first = await drain({});
    // Key order, although modification times run the other way.
    assert.deepEqual(first.lines, Array.from({ length: 20 }, (_, n) => `h${String(Math.floor(n / 5))} f${String(n % 5)}`));
    // The first listing sees all 20 (before anything was admitted); the files it did not admit are
    // kept; the last trigger lists only after the greatest admitted key and finds nothing.
    assert.equal(first.listed[0], 20);
    assert.equal(first.listed[first.listed.length - 1], 0);

    // A restart lists only what sorts after the last admitted key (restored from the source log);
    // a late key in an hour already passed is not seen without a backfill.
    await put(dir, key(4, 0), "h4 f0\n", 0);
    await put(dir, key(1, 9), "late h1 f9\n", 0);
    const second = await drain({});
    assert.deepEqual(second.lines, ["h4 f0"]);
    assert.equal(second.listed[0], 1, "the listing returned only the new key");

    const third = await drain({ backfillInterval: "1h" });
    assert.deepEqual(third.lines, ["late h1 f9"], "a backfill lists everything once and admits the late key");
    assert.equal(third.listed[0], 22);
  } finally {
    undo();
  }
  assert.throws(() => checkFileSource("text", { path: dir, useIncrementalListing: "true", latestFirst: "true" }, null), /'latestFirst' cannot be used with 'useIncrementalListing'/);
  assert.throws(() => checkFileSource("text", { path: dir, backfillInterval: "1h" }, null), /'backfillInterval' only applies with 'useIncrementalListing'/);
  await rm(dir, { recursive: true });
});

test("readProgress: files of the read in flight, the current one by its bytes; null between reads", async () => {
  const dir = await landing();
  for (let f = 0; f < 3; f++) await put(dir, `f${f}.txt`, Array.from({ length: 500 }, (_, i) => `line ${f}-${i}`).join("\n") + "\n", f);
  const { src } = await start("text", dir);
  const end = (await src.latestOffset(null, { kind: "default" })) ?? "";
  assert.equal(src.readProgress?.(), null, "nothing in flight before a read");
  const seen: number[] = [];
  for await (const b of src.read(null, end)) {
    assert.ok(b.numRows > 0);
    const p = src.readProgress?.() ?? null;
    assert.ok(p !== null && p.total === 3 && p.unit === "files");
    seen.push(Math.round(p.done * 100) / 100);
  }
  // Each file is one chunk: when it is handed over, its bytes are read (all but its last newline).
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(src.readProgress?.(), null, "nothing in flight after the read");
  await rm(dir, { recursive: true });
});
