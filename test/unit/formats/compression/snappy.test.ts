import { test } from "node:test";
import assert from "node:assert/strict";
import { snappyUncompress } from "hyparquet";
import { snappyCompress, snappyMaxCompressedLength } from "../../../../src/formats/compression/snappy.js";
import { codec, loadCodec } from "../../../../src/formats/compression/codec.js";

function roundTrip(input: Uint8Array): Uint8Array {
  const c = snappyCompress(input);
  assert.ok(c.length <= snappyMaxCompressedLength(input.length));
  const out = new Uint8Array(input.length);
  snappyUncompress(c, out);
  assert.deepEqual(out, input);
  return c;
}

function random(n: number, seed: number, alphabet = 256): Uint8Array {
  let x = seed;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) % alphabet;
  }
  return out;
}

test("snappy round-trips empty, tiny, random, repetitive and multi-block inputs", () => {
  roundTrip(new Uint8Array(0));
  roundTrip(new Uint8Array([7]));
  roundTrip(new TextEncoder().encode("abcabcabcabcabcabcabcabc"));
  for (const n of [15, 16, 100, 65_535, 65_536, 65_537, 300_000]) {
    roundTrip(random(n, n));
    roundTrip(random(n, n + 1, 4));
  }
  const zeros = roundTrip(new Uint8Array(1 << 20));
  assert.ok(zeros.length < 60_000, `1 MiB of zeros compresses (${zeros.length} bytes)`);
  const text = new TextEncoder().encode(Array.from({ length: 20_000 }, (_, i) => `{"id":${i},"type":"booking_created"}`).join("\n"));
  const c = roundTrip(text);
  assert.ok(c.length < text.length / 3, `JSON lines compress (${c.length} of ${text.length})`);
  // Long copies (> 64 bytes) and near-offset copies.
  const runs = new Uint8Array(10_000);
  for (let i = 0; i < runs.length; i++) runs[i] = Math.floor(i / 500) % 3;
  roundTrip(runs);
});

test("every codec round-trips through compress/decompress", async () => {
  await loadCodec("zstd");
  const input = random(200_000, 3, 16);
  for (const name of ["uncompressed", "snappy", "gzip", "zstd"] as const) {
    const c = codec(name);
    assert.deepEqual(c.decompress(c.compress(input), input.length), input, name);
  }
});
