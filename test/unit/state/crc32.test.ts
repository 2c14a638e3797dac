import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32 } from "../../../src/state/crc32.js";

/** Bit-at-a-time CRC-32 (the definition), to check the table-driven one against. */
function reference(data: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) {
    c ^= data[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

test("crc32 equals the bitwise definition for every length and offset around the 8-byte stride", () => {
  const data = new Uint8Array(300);
  for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i + 1, 2654435761) >>> 23) & 0xff;
  for (let start = 0; start < 9; start++) {
    for (let end = start; end <= start + 40; end++) assert.equal(crc32(data, start, end), reference(data, start, end), `[${start}, ${end})`);
  }
  assert.equal(crc32(data), reference(data, 0, data.length));
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});
