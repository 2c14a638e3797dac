import { test } from "node:test";
import assert from "node:assert/strict";
import { tokenize, parseErrorAt, TokenStream } from "../../../src/sql/lexer.js";
import { ParseError } from "../../../src/errors.js";

const kinds = (text: string): string[] => tokenize(text, "sql").map((t) => `${t.kind}:${t.value}`);

test("tokenize splits words, numbers, strings, quoted names and operators with positions", () => {
  assert.deepEqual(kinds("a.b <=> 'x' + `c d` || 1.5e3"), [
    "word:a",
    "op:.",
    "word:b",
    "op:<=>",
    "string:x",
    "op:+",
    "quoted:c d",
    "op:||",
    "number:1.5e3",
    "eof:",
  ]);
  const toks = tokenize("  ab  >= 12L", "sql");
  assert.deepEqual(
    toks.map((t) => [t.start, t.end]),
    [
      [2, 4],
      [6, 8],
      [9, 12],
      [12, 12],
    ],
  );
  assert.equal(toks[0].upper, "AB");
});

test("longest operators win and ! is NOT", () => {
  assert.deepEqual(kinds("a<>b!=c==d<=e>=f::g->h=>i"), [
    "word:a",
    "op:<>",
    "word:b",
    "op:!=",
    "word:c",
    "op:==",
    "word:d",
    "op:<=",
    "word:e",
    "op:>=",
    "word:f",
    "op:::",
    "word:g",
    "op:->",
    "word:h",
    "op:=>",
    "word:i",
    "eof:",
  ]);
  const bang = tokenize("!a", "sql")[0];
  assert.equal(bang.kind, "word");
  assert.equal(bang.upper, "NOT");
  assert.deepEqual(kinds("array<array<int>>"), ["word:array", "op:<", "word:array", "op:<", "word:int", "op:>", "op:>", "eof:"]);
});

test("comments are skipped; block comments nest", () => {
  assert.deepEqual(kinds("a -- comment\n+ /* x /* y */ z */ b"), ["word:a", "op:+", "word:b", "eof:"]);
  assert.throws(() => tokenize("a /* open", "sql"), /unterminated comment/);
});

test("numbers: suffixes, digit-leading identifiers", () => {
  assert.deepEqual(kinds("1 10L 2s 3Y 4.5D 6f 7BD .5 1e-3"), [
    "number:1",
    "number:10L",
    "number:2s",
    "number:3Y",
    "number:4.5D",
    "number:6f",
    "number:7BD",
    "number:.5",
    "number:1e-3",
    "eof:",
  ]);
  assert.deepEqual(kinds("1st 12abc 1Lx"), ["word:1st", "word:12abc", "word:1Lx", "eof:"]);
});

test("back-quoted identifiers unescape doubled back-ticks", () => {
  assert.deepEqual(kinds("`a``b` `.`"), ["quoted:a`b", "quoted:.", "eof:"]);
  assert.throws(() => tokenize("x + `abc", "sql"), (e: unknown) => e instanceof ParseError && e.context.position === 4 && /unterminated back-quoted identifier/.test(e.message));
});

test("parseErrorAt formats the message, quoted text and caret", () => {
  const e = parseErrorAt("sql", "syntax error", "select\n  a + * b", 13, "unexpected '*'");
  assert.equal(e.context.position, 13);
  assert.deepEqual(e.message.split("\n"), [`sql: syntax error at position 13 in "select\\n  a + * b": unexpected '*'`, "    a + * b", "        ^"]);
  const long = "x".repeat(300);
  const l = parseErrorAt("sql", "syntax error", long, 250, "bad");
  const [, line, caret] = l.message.split("\n");
  assert.ok(line.length < 120);
  assert.equal(line[caret.indexOf("^")], "x");
  assert.ok(l.message.split("\n")[0].includes("…"));
});

test("TokenStream helpers consume and report", () => {
  const s = new TokenStream("a ( b", "ddl");
  assert.ok(s.atWord("A"));
  assert.ok(s.acceptWord("A"));
  assert.ok(s.acceptOp("("));
  const m = s.mark();
  s.next();
  assert.ok(s.atEnd());
  s.reset(m);
  assert.equal(s.peek().value, "b");
  s.next();
  s.next();
  assert.ok(s.atEnd(), "eof is never consumed past");
  assert.throws(() => s.expectOp(")"), /ddl: syntax error at position 5 in "a \( b": expected '\)', found end of input/);
});
