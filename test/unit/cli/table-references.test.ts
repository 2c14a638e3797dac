import { test } from "node:test";
import assert from "node:assert/strict";
import { findTableReferences, rewriteTableReferences } from "../../../src/cli/table-references.js";
import { ConfigError } from "../../../src/errors.js";

test("finds Spark's path references, case-insensitively, with doubled back-quotes unescaped", () => {
  const sql = "SELECT * FROM delta.`/data/silver` s JOIN PARQUET.`/x/a``b.parquet` p ON s.id = p.id, json.`rel/dir`";
  const refs = findTableReferences(sql);
  assert.deepEqual(
    refs.map((r) => [r.format, r.path, sql.slice(r.start, r.end)]),
    [
      ["delta", "/data/silver", "delta.`/data/silver`"],
      ["parquet", "/x/a`b.parquet", "PARQUET.`/x/a``b.parquet`"],
      ["json", "rel/dir", "json.`rel/dir`"],
    ],
  );
});

test("skips string literals, quoted identifiers, comments and longer or qualified names", () => {
  const sql = [
    "SELECT 'delta.`/in/string`' AS s, \"delta.`/in/ident`\" AS i -- delta.`/in/comment`",
    "/* parquet.`/in/block` */ FROM mydelta.`/not/a/ref`, x.delta.`/qualified`, `delta`.`/quoted/name`",
    "WHERE a = 'it''s delta.`/escaped`'",
  ].join("\n");
  assert.deepEqual(findTableReferences(sql), []);
});

test("unknown formats and names without a back-quoted path are left alone", () => {
  assert.deepEqual(findTableReferences("SELECT delta.x, avro.`/p` FROM t"), []);
});

test("an unterminated path is a ConfigError naming where it starts", () => {
  assert.throws(() => findTableReferences("SELECT * FROM delta.`/oops"), (e: unknown) => e instanceof ConfigError && /unterminated.*delta\./.test(e.message));
});

test("rewrite replaces each reference by a parenthesized relation, resolving a repeated path once", async () => {
  const calls: string[] = [];
  const out = await rewriteTableReferences("SELECT * FROM delta.`/a` x UNION ALL SELECT * FROM delta.`/a` UNION ALL SELECT * FROM parquet.`/b`", async (ref) => {
    calls.push(`${ref.format}:${ref.path}`);
    return `SELECT ${calls.length} AS n`;
  });
  assert.equal(out, "SELECT * FROM (SELECT 1 AS n) x UNION ALL SELECT * FROM (SELECT 1 AS n) UNION ALL SELECT * FROM (SELECT 2 AS n)");
  assert.deepEqual(calls, ["delta:/a", "parquet:/b"]);
});
