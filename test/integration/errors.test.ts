/**
 * Error acceptance, as a user meets errors: `sluice run` on job files with a mistake exits 1 and
 * prints one line on stderr that names the problem in the user's words (no stack trace unless
 * --verbose); usage errors exit 2; `--help` exits 0.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSluice } from "../support/sluice-cli.js";

let work = "";

/** A job file over a landing folder with one valid event; `body` receives `raw` (the text stream) and `schema`. */
function job(name: string, body: string): string {
  const file = join(work, `${name}.ts`);
  writeFileSync(
    file,
    `import { SparkSession, col, from_json, StructType, StructField, StringType, LongType } from "sluice";
const spark = SparkSession.builder.appName(${JSON.stringify(name)}).getOrCreate();
const landing = ${JSON.stringify(join(work, "landing"))};
const out = ${JSON.stringify(join(work, "out", name))};
const checkpoint = ${JSON.stringify(join(work, "checkpoints", name))};
const schema = StructType([
  StructField("event_id", StringType(), true),
  StructField("user_id", StringType(), true),
  StructField("timestamp", LongType(), true),
]);
void [col, from_json, schema, out, checkpoint];
${body}
`,
  );
  return file;
}

const PARSED = `spark.readStream.format("text").load(landing)
  .selectExpr("CAST(value AS STRING)")
  .select(from_json(col("value"), schema).alias("data"))
  .select("data.*")`;

const SINK = `.writeStream.format("parquet").option("path", out).option("checkpointLocation", checkpoint)`;

/** The job files with one mistake each, and words the error line must contain. */
const CASES: readonly { name: string; body: string; words: readonly RegExp[]; oneLine?: false }[] = [
  {
    name: "unknown-option",
    body: `const q = spark.readStream.format("text").option("maxFilesPerTriger", 1).load(landing)${SINK}.trigger({ availableNow: true }).start();
await q.awaitTermination();`,
    words: [/'?maxFilesPerTriger'?/, /did you mean/i, /maxFilesPerTrigger\b/],
  },
  {
    name: "unknown-column",
    body: `const q = ${PARSED}.filter(col("evnt_id").isNotNull())${SINK}.trigger({ availableNow: true }).start();
await q.awaitTermination();`,
    words: [/evnt_id/, /event_id/],
  },
  {
    name: "complete-without-aggregation",
    body: `const q = ${PARSED}${SINK.replace(`format("parquet")`, `format("console")`)}.outputMode("complete").trigger({ availableNow: true }).start();
await q.awaitTermination();`,
    words: [/complete/i, /aggregat/i],
  },
  {
    name: "malformed-schema",
    body: `const q = spark.readStream.format("json").schema("event_id STRNG").load(landing)${SINK}.trigger({ availableNow: true }).start();
await q.awaitTermination();`,
    words: [/STRNG/, /STRING/],
    // The DDL parser's message adds a caret excerpt on two more lines (and the CLI appends the
    // error code after the caret): the one-line check is in errors.pending.ts until that is fixed.
    oneLine: false,
  },
];

before(() => {
  work = mkdtempSync(join(tmpdir(), "sluice-errors-"));
  mkdirSync(join(work, "landing"));
  writeFileSync(join(work, "landing", "e.json"), `{"event_id":"e1","user_id":"u1","timestamp":1}\n`);
});

after(() => {
  rmSync(work, { recursive: true, force: true });
});

function assertCleanError(stderr: string, words: readonly RegExp[], oneLine: boolean): void {
  const lines = stderr.split("\n").filter((l) => l.trim() !== "");
  assert.ok(lines.length >= 1, "an error line on stderr");
  if (oneLine) assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0], /^sluice: /);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace without --verbose");
  for (const w of words) assert.match(lines[0], w);
}

describe("a job with a mistake exits 1 with one clear line", { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const r = await runSluice(["run", job(c.name, c.body)]);
      assert.equal(r.code, 1, `exit code; stderr:\n${r.stderr}`);
      assertCleanError(r.stderr, c.words, c.oneLine ?? true);
    });
  }

  test("--verbose adds the stack trace", async () => {
    const c = CASES[1];
    const r = await runSluice(["run", "--verbose", job(`${c.name}-verbose`, c.body)]);
    assert.equal(r.code, 1);
    for (const w of c.words) assert.match(r.stderr, w);
    assert.match(r.stderr, /^\s+at /m);
  });
});

describe("usage", { concurrency: 2 }, () => {
  test("no arguments: usage on stdout or stderr, exit 2", async () => {
    const r = await runSluice([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout + r.stderr, /Usage/);
  });

  test("unknown command: exit 2 naming it", async () => {
    const r = await runSluice(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /frobnicate/);
  });

  test("run without a job file, or a missing one: exit 2", async () => {
    const none = await runSluice(["run"]);
    assert.equal(none.code, 2);
    const missing = await runSluice(["run", join(tmpdir(), "sluice-no-such-job.ts")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /sluice-no-such-job\.ts/);
  });

  test("run --conf sets session settings before the job, which can still override them", async () => {
    const file = join(work, "conf-job.ts");
    writeFileSync(
      file,
      `import { SparkSession } from "sluice";
const spark = SparkSession.builder.config("b", "job").getOrCreate();
console.log(JSON.stringify([spark.conf.get("a"), spark.conf.get("b"), spark.conf.get("sluice.s3.region")]));
`,
    );
    const r = await runSluice(["run", "--conf", "a=1", "--conf=b=cli", "--conf", "sluice.s3.region=eu-west-1", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '["1","job","eu-west-1"]');
    const bad = await runSluice(["run", "--conf", "novalue", file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--conf takes KEY=VALUE, got an argument without '='/);
    assert.doesNotMatch(bad.stderr, /novalue/);
    const unknown = await runSluice(["run", "--conf", "sluice.s3.regoin=x", file]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown setting 'sluice\.s3\.regoin'; did you mean 'sluice\.s3\.region'/);
  });

  test("--help: exit 0 with the commands", async () => {
    const r = await runSluice(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /sluice run/);
    assert.equal(r.stderr, "");
  });
});
