import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { checkKey, checkRange, compareUtf8 } from "../../../src/storage/keys.js";
import { StorageError } from "../../../src/errors.js";

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

test("compareUtf8 agrees with comparing UTF-8 bytes, including astral characters", () => {
  // JavaScript's own order puts U+1F600 (a surrogate pair) before U+FF21; UTF-8 order does not.
  assert.ok("\u{1F600}" < "\uFF21");
  assert.ok(compareUtf8("\u{1F600}", "\uFF21") > 0);
  const alphabet = ["a", "b", "A", "0", "/", "-", ".", "~", "é", "\u00ff", "\u0800", "\uE000", "\uFFFD", "\u{10000}", "\u{1F600}", "\u{10FFFF}"];
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const words = Array.from({ length: 400 }, () => Array.from({ length: rnd(5) }, () => alphabet[rnd(alphabet.length)]).join(""));
  for (let i = 0; i + 1 < words.length; i += 1) {
    const a = words[i];
    const b = words[i + 1];
    assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(byBytes(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.deepEqual([...words].sort(compareUtf8), [...words].sort(byBytes));
});

test("checkKey accepts relative keys and rejects escapes", () => {
  for (const ok of ["a", "a/b/c.json", "é/~x", "a..b", ".hidden", "a/.b"]) checkKey(ok, "memory://t");
  for (const bad of ["", "/a", "a/", "a//b", "../a", "a/..", "a/./b", ".", "a\\b", "a\0b"]) {
    assert.throws(() => checkKey(bad, "memory://t"), StorageError, JSON.stringify(bad));
  }
  assert.throws(() => checkKey("../etc/passwd", "file:///data"), /storage: key "..\/etc\/passwd" has a '..' path segment in file:\/\/\/data/);
});

test("checkRange clamps the end and rejects inverted or negative ranges", () => {
  assert.deepEqual(checkRange({ start: 2, end: 50 }, 10, "x"), { start: 2, end: 10 });
  assert.deepEqual(checkRange({ start: 20, end: 50 }, 10, "x"), { start: 10, end: 10 });
  assert.throws(() => checkRange({ start: 3, end: 2 }, 10, "x"), StorageError);
  assert.throws(() => checkRange({ start: -1, end: 2 }, 10, "x"), StorageError);
  assert.throws(() => checkRange({ start: 0.5, end: 2 }, 10, "x"), StorageError);
});
