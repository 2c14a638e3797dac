/**
 * The binary format of state files, `<version>.delta` and `<version>.snapshot`:
 *
 * ```
 * header  "SLST" magic (4 bytes) | format version u8 = 1 | kind u8 (1 delta, 2 snapshot)
 *         | reserved u16 = 0 | state version u64
 * body    record count u32, then per record:
 *           op u8 (1 put, 2 remove) | key length u32 | key bytes
 *           | (put only) value length u32 | value bytes
 * trailer CRC-32 (u32, IEEE: zlib's) of every preceding byte
 * ```
 * All integers little-endian. Keys are encoded by `columnar/key-codec.ts`; values by the owning
 * operator. A delta lists removes then puts, each in key-id order, so re-running a batch writes the
 * same bytes. A snapshot holds only puts: the whole state at that version.
 */
import { crc32 } from "node:zlib";
import { ByteReader, ByteWriter } from "./byte-io.js";

/** `"SLST"`. */
const MAGIC = [0x53, 0x4c, 0x53, 0x54];
/** Version of this file format; readers reject any other. */
export const STATE_FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;

export type StateFileKind = "delta" | "snapshot";

export const OP_PUT = 1;
export const OP_REMOVE = 2;

/** Starts a state file: writes the header and a placeholder record count; returns its offset. */
export function beginStateFile(w: ByteWriter, kind: StateFileKind, version: number): number {
  for (const b of MAGIC) w.u8(b);
  w.u8(STATE_FORMAT_VERSION);
  w.u8(kind === "delta" ? 1 : 2);
  w.u8(0);
  w.u8(0);
  w.i64(BigInt(version));
  const countAt = w.length;
  w.u32(0);
  return countAt;
}

/** Ends a state file: patches the record count and appends the CRC-32 trailer. */
export function endStateFile(w: ByteWriter, countAt: number, records: number): Uint8Array {
  w.patchU32(countAt, records);
  const body = w.bytes();
  w.u32(crc32(body));
  return w.bytes();
}

/**
 * The record count a state file's header claims, capped by what its size could hold; 0 when the file
 * is too short. A sizing hint for readers: `readStateFile` still validates the file.
 */
export function stateFileRecordCountHint(data: Uint8Array): number {
  if (data.length < HEADER_BYTES + 8) return 0;
  const at = HEADER_BYTES;
  const count = (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)) >>> 0;
  // Each record takes at least 5 bytes (op, key length).
  return Math.min(count, Math.floor((data.length - HEADER_BYTES - 8) / 5));
}

/** Receives the records of a state file; ranges index into the file's bytes. */
export interface StateFileVisitor {
  put(data: Uint8Array, keyStart: number, keyEnd: number, value: ByteReader): void;
  remove(data: Uint8Array, keyStart: number, keyEnd: number): void;
}

/**
 * Checks a state file's header, trailer and structure and replays its records in order. `where`
 * names the file in errors. Throws `CorruptCheckpointError` on any mismatch.
 */
export function readStateFile(data: Uint8Array, where: string, kind: StateFileKind, version: number, visitor: StateFileVisitor): number {
  const r = new ByteReader(data, where);
  if (data.length < HEADER_BYTES + 8) throw r.corrupt(`file too short (${data.length} bytes) for a state file`);
  for (let i = 0; i < 4; i++) if (data[i] !== MAGIC[i]) throw new ByteReader(data, where, i).corrupt("bad magic (not a sluice state file)");
  const stored = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(data.length - 4, true);
  if (crc32(data.subarray(0, data.length - 4)) !== stored) throw new ByteReader(data, where, data.length - 4).corrupt("checksum mismatch");
  r.pos = 4;
  const format = r.u8();
  if (format !== STATE_FORMAT_VERSION) throw r.corrupt(`unsupported state format version ${format}`);
  const k = r.u8();
  if (k !== (kind === "delta" ? 1 : 2)) throw r.corrupt(`file kind ${k} does not match its name (${kind})`);
  r.pos += 2;
  const v = Number(r.i64());
  if (v !== version) throw r.corrupt(`header says state version ${v} but the file name says ${version}`);
  const body = new ByteReader(data, where, r.pos, data.length - 4);
  const count = body.u32();
  for (let i = 0; i < count; i++) {
    const op = body.u8();
    const keyLen = body.u32();
    const ks = body.skip(keyLen);
    const ke = ks + keyLen;
    if (op === OP_PUT) {
      const valueLen = body.u32();
      const vs = body.skip(valueLen);
      const value = new ByteReader(data, where, vs, vs + valueLen);
      visitor.put(data, ks, ke, value);
      if (value.remaining !== 0) throw value.corrupt(`value has ${value.remaining} unread bytes`);
    } else if (op === OP_REMOVE && kind === "delta") {
      visitor.remove(data, ks, ke);
    } else {
      throw body.corrupt(`unknown record op ${op}`);
    }
  }
  if (body.remaining !== 0) throw body.corrupt(`${body.remaining} trailing bytes after ${count} records`);
  return count;
}
