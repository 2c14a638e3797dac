/**
 * `sluice quarantine show|replay`: a query quarantines rows, `show` groups them by error, and
 * `replay` puts them back into the landing folder (then deletes them), where the query, with its
 * rule fixed, takes them as new input.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quarantineCommand } from "../../../src/cli/quarantine-command.js";
import { SparkSession, col, from_json } from "../../../src/index.js";
import { ConfigError } from "../../../src/errors.js";
import type { CliIO } from "../../../src/cli/cli-args.js";

const spark = SparkSession.builder.appName("quarantine-command-test").getOrCreate();

function io(): CliIO & { text: () => string } {
  let out = "";
  return { out: (s) => void (out += s), err: () => undefined, verbose: false, text: () => out };
}

async function runJob(base: string, minAmount: number): Promise<void> {
  const q = spark.readStream
    .format("text")
    .load(join(base, "landing"))
    .select(from_json(col("value"), "id STRING, amount INT").alias("d"))
    .select("d.*")
    .expectOrQuarantine("has_id", col("id").isNotNull())
    .expectOrQuarantine("amount_in_range", `amount >= ${minAmount}`)
    .writeStream.format("delta")
    .option("checkpointLocation", join(base, "checkpoint"))
    .option("quarantinePath", join(base, "quarantine"))
    .trigger({ availableNow: true })
    .start(join(base, "silver"));
  await q.awaitTermination();
}

test("show groups quarantined rows by error; replay sends them back, and the fixed query takes them", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-quarantine-cli-"));
  try {
    mkdirSync(join(base, "landing"));
    writeFileSync(join(base, "landing", "a.json"), ['{"id":"a","amount":5}', '{"id":"b","amount":-1}', '{"id":"c","amount":-2}', '{"amount":7}'].join("\n") + "\n");
    await runJob(base, 0);
    const shown = io();
    assert.equal(await quarantineCommand(["show", join(base, "quarantine"), "--json", "--limit", "1"], shown), 0);
    const report = JSON.parse(shown.text()) as { rows: number; errors: { error: string; count: number; batches: number[]; samples: Record<string, unknown>[] }[] };
    assert.equal(report.rows, 3);
    assert.deepEqual(
      report.errors.map((e) => [e.count, e.error, e.batches, e.samples.length]),
      [
        [2, "expectation failed: amount_in_range (quarantine): (amount >= 0)", [0], 1],
        [1, "expectation failed: has_id (quarantine): (id IS NOT NULL)", [0], 1],
      ],
    );
    const human = io();
    await quarantineCommand(["show", join(base, "quarantine")], human);
    assert.match(human.text(), /^3 quarantined row\(s\), 2 distinct error\(s\)\n\n2 × expectation failed: amount_in_range/);

    const replayed = io();
    assert.equal(await quarantineCommand(["replay", join(base, "quarantine"), "--to", join(base, "landing"), "--where", "_error LIKE '%amount_in_range%'", "--delete"], replayed), 0);
    assert.match(replayed.text(), /^replayed 2 row\(s\) into file:\/\/.*\/landing\/replay-.*\.json\ndeleted them from/);
    assert.equal(readdirSync(join(base, "landing")).filter((f) => f.startsWith("replay-")).length, 1);
    assert.deepEqual((await spark.read.format("delta").load(join(base, "quarantine")).collect()).map((r) => r._error), ["expectation failed: has_id (quarantine): (id IS NOT NULL)"]);

    // The rule was too strict: fixed, the query takes the replayed rows as new input.
    await runJob(base, -5);
    assert.deepEqual((await spark.read.format("delta").load(join(base, "silver")).collect()).map((r) => r.id).sort(), ["a", "b", "c"]);
    const empty = io();
    await quarantineCommand(["replay", join(base, "quarantine"), "--to", join(base, "landing"), "--where", "_error LIKE '%amount_in_range%'"], empty);
    assert.equal(empty.text(), "no quarantined rows to replay\n");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("quarantine refuses what is not a quarantine table", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-quarantine-cli-"));
  try {
    await assert.rejects(quarantineCommand(["show", base], io()), (e: unknown) => e instanceof ConfigError && /not a Delta table/.test(e.message));
    await spark.createDataFrame([{ a: 1 }], "a INT").write.format("delta").save(join(base, "t"));
    await assert.rejects(quarantineCommand(["show", join(base, "t")], io()), (e: unknown) => e instanceof ConfigError && /lacks _error, _source, _batch_id, _ingested_at/.test(e.message));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
