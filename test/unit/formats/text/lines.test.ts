import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync, deflateSync } from "node:zlib";
import { splitLines, endOfLastCompleteLine } from "../../../../src/formats/text/lines.js";
import { decompressFile, codecOf } from "../../../../src/formats/text/compression.js";
import { SourceError } from "../../../../src/errors.js";

const enc = (s: string) => new TextEncoder().encode(s);
function lines(data: Uint8Array, sep?: Uint8Array): string[] {
  const { starts, ends } = splitLines(data, sep);
  return Array.from(starts, (s, i) => Buffer.from(data.subarray(s, ends[i])).toString("latin1"));
}

test("LF, CRLF, lone CR and a final line without a newline", () => {
  assert.deepEqual(lines(enc("a\nb\r\nc\rd")), ["a", "b", "c", "d"]);
  assert.deepEqual(lines(enc("a\n\nb\n")), ["a", "", "b"], "empty lines are lines; a trailing newline adds none");
  assert.deepEqual(lines(enc("")), []);
  assert.deepEqual(lines(enc("\n")), [""]);
  assert.deepEqual(lines(enc("x\r\n\r\ny")), ["x", "", "y"]);
});

test("broken lines stay exactly one line each", () => {
  const data = new Uint8Array([
    ...enc('{"a":1}\n'),
    ...enc('{"a": "unterminated\n'),
    0x00, 0x01, 0xff, 0xfe, 0xc3, 0x28, 0x0a, // NUL, junk and invalid UTF-8
    ...enc('"stray quote\n'),
    ...enc('{"a":2}'),
  ]);
  const out = lines(data);
  assert.equal(out.length, 5);
  assert.equal(out[0], '{"a":1}');
  assert.equal(out[2].length, 6);
  assert.equal(out[4], '{"a":2}');
});

test("a custom lineSep is the only separator", () => {
  assert.deepEqual(lines(enc("a||b\n||c"), enc("||")), ["a", "b\n", "c"]);
});

test("endOfLastCompleteLine never splits a CRLF", () => {
  assert.equal(endOfLastCompleteLine(enc("ab\ncd")), 3);
  assert.equal(endOfLastCompleteLine(enc("ab\r")), 0);
  assert.equal(endOfLastCompleteLine(enc("ab\r\n")), 4);
  assert.equal(endOfLastCompleteLine(enc("abc")), 0);
  assert.equal(endOfLastCompleteLine(enc("\r")), 0);
  assert.equal(endOfLastCompleteLine(enc("\ra\r")), 1);
});

test("gzip files decompress, concatenated members included", async () => {
  const data = new Uint8Array(Buffer.concat([gzipSync("one\ntwo\n"), gzipSync("three\n")]));
  assert.deepEqual(lines(await decompressFile("file:///x/part.gz", data)), ["one", "two", "three"]);
  assert.deepEqual(lines(await decompressFile("file:///x/p.deflate", new Uint8Array(deflateSync("z\n")))), ["z"]);
  const plain = enc("as is");
  assert.equal(await decompressFile("file:///x/a.json", plain), plain);
});

test("a corrupt or truncated gzip file is a SourceError naming the file", async () => {
  const good = gzipSync("hello\n");
  await assert.rejects(decompressFile("file:///land/bad.gz", new Uint8Array(good.subarray(0, good.length - 4))), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.match(e.message, /file:\/\/\/land\/bad\.gz/);
    return true;
  });
  await assert.rejects(decompressFile("file:///land/not.gz", enc("not gzip at all")), SourceError);
  assert.throws(() => codecOf("file:///land/x.bz2"), /bz2.*not supported/);
});
