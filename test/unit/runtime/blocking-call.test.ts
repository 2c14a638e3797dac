/**
 * blockingCall: a task runs in the one blocking-call worker while the caller waits synchronously;
 * sluice errors come back as the same class; the worker never keeps the process alive; and the
 * esbuild bundle starts its own worker entry.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleOptions } from "../../../scripts/build-options.mjs";
import { blockingCall, blockingCallThreadId } from "../../../src/runtime/blocking-call.js";
import type { SourceSchemaRequest } from "../../../src/runtime/source-schema.js";
import { AnalysisError, ConfigError } from "../../../src/errors.js";
import { resolveLocation } from "../../../src/storage/resolve.js";
import { appendToTable } from "../../../src/tables/delta/append.js";
import { batchFromRows } from "../../../src/columnar/build.js";
import { LongType, StructField, StructType } from "../../../src/types/data-types.js";
import { schemaFromJson } from "../../../src/types/json-schema.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const base = mkdtempSync(join(tmpdir(), "sluice-blocking-"));
after(() => rmSync(base, { recursive: true, force: true }));
const SCHEMA = StructType([StructField("id", LongType())]);

/** The request `load()` makes for a delta source at `path`. */
function deltaSchemaRequest(path: string): SourceSchemaRequest {
  return { format: "delta", options: { path }, userSchemaJson: null, streaming: false, memory: [], s3Conf: {} };
}

async function table(): Promise<string> {
  const p = join(base, `t${Math.random().toString(36).slice(2)}`);
  const { storage, key } = resolveLocation(p);
  await appendToTable(storage, key, [batchFromRows(SCHEMA, [{ id: 1n }, { id: 2n }])], { schema: SCHEMA });
  return p;
}

test("a task's result comes back synchronously, from one worker kept for later calls", async () => {
  const p = await table();
  const req = deltaSchemaRequest(p);
  const r = blockingCall("resolveSourceSchema", req);
  assert.deepEqual(schemaFromJson(r), schemaFromJson(JSON.stringify({ type: "struct", fields: [{ name: "id", type: "long", nullable: true, metadata: {} }] })));
  const thread = blockingCallThreadId();
  assert.notEqual(thread, null);
  assert.equal(blockingCall("resolveSourceSchema", req), r);
  assert.equal(blockingCallThreadId(), thread, "the same worker answers the second call");
});

test("sluice errors thrown by the task are rethrown as the same class with the same message and context", () => {
  const missing = join(base, "missing");
  assert.throws(
    () => blockingCall("resolveSourceSchema", deltaSchemaRequest(missing)),
    (e: unknown) => e instanceof AnalysisError && e.message === `delta: \`${missing}\` is not a Delta table` && e.context.path === missing,
  );
  assert.throws(
    () => blockingCall("resolveSourceSchema", deltaSchemaRequest("ftp://host/x")),
    (e: unknown) => e instanceof ConfigError && /unsupported URL scheme 'ftp'/.test(e.message),
  );
});

test("the worker does not keep the process alive, and does not inherit -e", async () => {
  const p = await table();
  const script = `
    import { blockingCall } from ${JSON.stringify(new URL("../../../src/runtime/blocking-call.ts", import.meta.url).href)};
    const r = blockingCall("resolveSourceSchema", ${JSON.stringify(deltaSchemaRequest(p))});
    console.log("schema", r);
  `;
  // Run with -e: the worker must not inherit the eval flags (it would run this script again).
  const res = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /schema \{"type":"struct"/);
});

test("Node flags a worker refuses (V8 and process-wide ones such as --max-old-space-size) do not break the call", async () => {
  const p = await table();
  const script = `
    import { blockingCall } from ${JSON.stringify(new URL("../../../src/runtime/blocking-call.ts", import.meta.url).href)};
    const r = blockingCall("resolveSourceSchema", ${JSON.stringify(deltaSchemaRequest(p))});
    console.log("schema", r);
  `;
  const res = spawnSync(process.execPath, ["--max-old-space-size=512", "--stack-size=900", "--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /schema \{"type":"struct"/);
});

test("a bundle without the worker entry fails the call at once, naming the missing file", async () => {
  const p = await table();
  const out = join(ROOT, ".sluice-tmp", `bundle-noworker-${process.pid}-${Date.now()}`);
  mkdirSync(out, { recursive: true });
  try {
    await build({ ...bundleOptions(ROOT, out), entryPoints: { index: "src/index.ts" }, sourcemap: false });
    const script = join(out, "run.mjs");
    writeFileSync(
      script,
      `import { SparkSession } from "./index.js";
       const spark = SparkSession.builder.getOrCreate();
       const t0 = Date.now();
       try { spark.read.format("delta").load(${JSON.stringify(p)}); console.log("loaded"); } catch (e) { console.log(e.constructor.name, e.code, Date.now() - t0, e.message); }`,
    );
    const res = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(res.status, 0, res.stderr);
    const m = /^InternalError SLUICE_INTERNAL (\d+) (.*)$/m.exec(res.stdout);
    assert.ok(m !== null, res.stdout);
    assert.ok(Number(m[1]) < 5000, `failed after ${m[1]} ms`);
    assert.match(m[2], /blocking-call-worker\.js/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("the esbuild bundle runs describe through its own worker entry (dist/blocking-call-worker.js)", async () => {
  const p = await table();
  const out = join(ROOT, ".sluice-tmp", `bundle-${process.pid}-${Date.now()}`);
  mkdirSync(out, { recursive: true });
  try {
    await build({ ...bundleOptions(ROOT, out), sourcemap: false });

    const script = join(out, "run.mjs");
    writeFileSync(
      script,
      `import { SparkSession } from "./index.js";
       const spark = SparkSession.builder.getOrCreate();
       const rows = await spark.read.format("delta").load(${JSON.stringify(p)}).collect();
       console.log("rows", rows.length);
       try { spark.read.format("delta").load(${JSON.stringify(join(base, "nope"))}); } catch (e) { console.log(e.constructor.name, e.code); }`,
    );
    const res = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /rows 2/);
    assert.match(res.stdout, /SLUICE_ANALYSIS/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
