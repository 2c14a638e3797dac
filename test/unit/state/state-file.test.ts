import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteWriter } from "../../../src/state/byte-io.js";
import type { ByteReader } from "../../../src/state/byte-io.js";
import { beginStateFile, endStateFile, OP_PUT, readStateFile } from "../../../src/state/state-file.js";

/** Bit-at-a-time CRC-32 (IEEE 802.3, the definition), which every state file's trailer must equal. */
function referenceCrc32(data: Uint8Array): number {
  let c = -1;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

function stateFile(records: number, valueBytes: number): Uint8Array {
  const w = new ByteWriter();
  const countAt = beginStateFile(w, "delta", 7);
  for (let i = 0; i < records; i++) {
    w.u8(OP_PUT);
    w.u32(4);
    w.u32(i);
    w.u32(valueBytes);
    for (let b = 0; b < valueBytes; b++) w.u8((Math.imul(i + b + 1, 2654435761) >>> 23) & 0xff);
  }
  return endStateFile(w, countAt, records);
}

test("the trailer is the IEEE CRC-32 of every preceding byte, so older state files stay readable", () => {
  for (const [records, valueBytes] of [[0, 0], [1, 1], [3, 7], [50, 33]] as const) {
    const file = stateFile(records, valueBytes);
    const stored = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 4, true);
    assert.equal(stored, referenceCrc32(file.subarray(0, file.length - 4)), `${records} records of ${valueBytes} bytes`);
    let seen = 0;
    readStateFile(file, "t", "delta", 7, { put: (_d, _ks, _ke, value) => void (value.skip(value.remaining), seen++), remove: () => assert.fail("no removes written") });
    assert.equal(seen, records);
  }
  assert.equal(referenceCrc32(new TextEncoder().encode("123456789")), 0xcbf43926, "the reference itself (CRC-32 check value)");
});

test("a state file read from a subarray of a larger buffer checks only its own bytes", () => {
  const file = stateFile(5, 9);
  const padded = new Uint8Array(file.length + 16).fill(0xaa);
  padded.set(file, 8);
  let seen = 0;
  const visitor = { put: (_d: Uint8Array, _ks: number, _ke: number, value: ByteReader) => void (value.skip(value.remaining), seen++), remove: () => undefined };
  readStateFile(padded.subarray(8, 8 + file.length), "t", "delta", 7, visitor);
  assert.equal(seen, 5);
});
