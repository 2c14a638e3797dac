/**
 * sluice's structured log: levels from SLUICE_LOG_LEVEL, JSON lines off a terminal and readable
 * lines on one, credentials redacted at any depth, and a query's lifecycle logged at info.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { log, human, parseLevel, redact } from "../../../src/log.js";
import { SparkSession, MemoryStream } from "../../../src/index.js";
import { captureLog } from "../../support/log-capture.js";

test("levels: warn by default; SLUICE_LOG_LEVEL names one, anything else is warn", async () => {
  assert.equal(parseLevel(undefined), "warn");
  assert.equal(parseLevel(" DEBUG "), "debug");
  assert.equal(parseLevel("silent"), "silent");
  assert.equal(parseLevel("verbose"), "warn");
  const records = await captureLog(async () => {
    log.info("x.info", "not shown at warn");
    log.warn("x.warn", "shown", { query: "q1", batch: 3 });
    log.error("x.error", "shown too");
  });
  assert.deepEqual(
    records.map((r) => [r.level, r.event, r.msg, r.query, r.batch]),
    [
      [40, "x.warn", "shown", "q1", 3],
      [50, "x.error", "shown too", undefined, undefined],
    ],
  );
  assert.match(records[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(await captureLog(async () => log.error("x", "y"), "silent").then((r) => r.length), 0);
});

test("credentials are redacted at any depth, whatever the case of their names", () => {
  const options = {
    "kafka.sasl.jaas.config": 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
    "fs.s3a.secret.key": "abc",
    "fs.s3a.access.key": "AKIA",
    awsSecretAccessKey: "s",
    sessionToken: "t",
    nested: [{ Password: "x", user: "alice" }],
    path: "s3://bucket/landing",
    emptyToken: "",
  };
  assert.deepEqual(redact({ options }), {
    options: {
      "kafka.sasl.jaas.config": "[redacted]",
      "fs.s3a.secret.key": "[redacted]",
      "fs.s3a.access.key": "[redacted]",
      awsSecretAccessKey: "[redacted]",
      sessionToken: "[redacted]",
      nested: [{ Password: "[redacted]", user: "alice" }],
      path: "s3://bucket/landing",
      emptyToken: "",
    },
  });
});

test("a terminal gets one readable line per record; other destinations JSON", async () => {
  const line = human(JSON.stringify({ level: 40, time: "2026-12-07T10:11:12.345Z", pid: 1, event: "kafka.data-loss", msg: "offsets 3 to 9 cannot be read", topic: "t", partition: 0, note: "two words" }));
  assert.equal(line, '10:11:12.345 WARN  kafka.data-loss: offsets 3 to 9 cannot be read topic=t partition=0 note="two words"\n');
  const lines: string[] = [];
  const previous = log.configure({ level: "warn", destination: { write: (s) => lines.push(s), isTTY: true } });
  try {
    log.warn("a.b", "on a terminal", { secret: "s3cr3t" });
  } finally {
    log.configure(previous);
  }
  assert.match(lines[0], /^\d\d:\d\d:\d\d\.\d{3} WARN {2}a\.b: on a terminal secret=\[redacted\]\n$/);
});

test("a query's start, batches and stop are logged at info, with its source options", async () => {
  const spark = SparkSession.builder.getOrCreate();
  const input = new MemoryStream("id STRING", `log_input_${Date.now()}`);
  let id = "";
  const records = await captureLog(async () => {
    const q = spark.readStream.format("memory").option("name", input.name).load().writeStream.format("memory").queryName(`log_q_${Date.now()}`).start();
    input.addData([{ id: "a" }]);
    await q.processAllAvailable();
    await q.stop();
    id = q.id;
  }, "info");
  const mine = records.filter((r) => r.query === id);
  assert.deepEqual(
    mine.map((r) => r.event),
    ["query.started", "batch.committed", "query.stopped"],
  );
  const started = mine[0] as unknown as { sources: { format: string; options: Record<string, string> }[]; trigger: string };
  assert.equal(started.sources[0].format, "memory");
  assert.equal(started.sources[0].options.name, input.name, "options are logged (through redact, tested above)");
  assert.equal(started.trigger, "ProcessingTime(0 ms)");
  assert.equal((mine[1] as unknown as { numInputRows: number }).numInputRows, 1);
});
