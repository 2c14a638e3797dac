/**
 * PENDING (fails today; kept out of the default run: the file name does not end in .test.ts).
 * Run: node --import tsx --test test/integration/errors.pending.ts
 *
 * A malformed schema string must give ONE line on stderr, as every other job error does. Today the
 * DDL ParseError message carries a caret excerpt on two more lines, and the CLI's formatError
 * appends ` [SLUICE_PARSE]` after the caret line:
 *   sluice: ddl: expected a type at position 9 in "event_id STRNG": unknown type 'STRNG'; did you mean 'STRING'?
 *     event_id STRNG
 *              ^ [SLUICE_PARSE]
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
