/**
 * A malformed schema string gives ONE line on stderr, as every other job error does: the DDL parse
 * error's caret excerpt is printed only with --verbose.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSluice } from "../support/sluice-cli.js";

test("a malformed schema string prints one line on stderr", async () => {
  const work = mkdtempSync(join(tmpdir(), "sluice-errors-pending-"));
  try {
    const file = join(work, "job.ts");
    writeFileSync(
      file,
      `import { SparkSession } from "sluice";
const spark = SparkSession.builder.getOrCreate();
spark.readStream.format("json").schema("event_id STRNG").load(${JSON.stringify(work)});
`,
    );
    const r = await runSluice(["run", file]);
    assert.equal(r.code, 1);
    const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
    assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
    assert.match(lines[0], /STRNG/);
    assert.match(lines[0], /\[SLUICE_PARSE\]$/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
