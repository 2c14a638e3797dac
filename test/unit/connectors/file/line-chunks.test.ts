import { test } from "node:test";
import assert from "node:assert/strict";
import { readLineChunks } from "../../../../src/connectors/file/line-chunks.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";

async function collect(text: string, maxBytes: number, maxLines: number): Promise<{ lines: string[]; firstLines: number[]; starts: boolean[] }> {
  const storage = MemoryStorage.fresh("line-chunks");
  const data = new TextEncoder().encode(text);
  await storage.put("f.txt", data);
  const lines: string[] = [];
  const firstLines: number[] = [];
  const starts: boolean[] = [];
  for await (const c of readLineChunks(storage, "f.txt", "memory://x/f.txt", data.length, undefined, { maxBytes, maxLines })) {
    firstLines.push(c.firstLine);
    starts.push(c.startOfFile);
    for (let i = 0; i < c.starts.length; i++) lines.push(new TextDecoder().decode(c.data.subarray(c.starts[i], c.ends[i])));
  }
  return { lines, firstLines, starts };
}

test("ranged reads carry lines (and CRLF pairs) across read boundaries", async () => {
  const text = "alpha\r\nbeta\r\ngamma-is-longer-than-a-read\r\n\r\nd\re";
  const expected = ["alpha", "beta", "gamma-is-longer-than-a-read", "", "d", "e"];
  for (const maxBytes of [1, 2, 3, 5, 6, 7, 8, 13, 64]) {
    const r = await collect(text, maxBytes, 1000);
    assert.deepEqual(r.lines, expected, `maxBytes ${maxBytes}`);
    assert.equal(r.starts.filter(Boolean).length, 1, "exactly one chunk starts the file");
    assert.equal(r.firstLines[0], 1);
  }
});

test("chunks respect the line limit and number lines from 1", async () => {
  const r = await collect("a\nb\nc\nd\ne\n", 1024, 2);
  assert.deepEqual(r.lines, ["a", "b", "c", "d", "e"]);
  assert.deepEqual(r.firstLines, [1, 3, 5]);
  assert.deepEqual(r.starts, [true, false, false]);
});

test("a line longer than maxRecordBytes is cut to its prefix and counted, in ranged and whole reads, and never joins its neighbours", async () => {
  const long = "L".repeat(1000);
  const text = `first\n${long}\nafter\n${"M".repeat(300)}`;
  // maxBytes 16: the file is read in ranges (the long line spans many); 4096: read whole.
  for (const maxBytes of [16, 64, 4096]) {
    const storage = MemoryStorage.fresh("line-chunks-oversized");
    const data = new TextEncoder().encode(text);
    await storage.put("f.txt", data);
    const lines: string[] = [];
    let oversized = 0;
    for await (const c of readLineChunks(storage, "f.txt", "memory://x/f.txt", data.length, undefined, { maxBytes, maxLines: 1000, maxRecordBytes: 100 })) {
      oversized += c.oversized;
      for (let i = 0; i < c.starts.length; i++) lines.push(new TextDecoder().decode(c.data.subarray(c.starts[i], c.ends[i])));
    }
    assert.deepEqual(lines, ["first", "L".repeat(100), "after", "M".repeat(100)], `maxBytes ${maxBytes}`);
    assert.equal(oversized, 2, `maxBytes ${maxBytes}`);
  }
});
