/**
 * The physical layout of Spark's legacy `CalendarIntervalType`: each slot of a `bytes` vector holds
 * exactly 16 bytes, months (i32), days (i32) and microseconds (i64), little-endian. A fixed-width
 * binary slot keeps the three fields apart as Spark's `CalendarInterval` does, and lets every
 * generic vector operation (take, concat, hashing, grouping, equality) work on calendar intervals
 * unchanged: two intervals are equal exactly when their bytes are, as in Spark.
 */
import type { CalendarIntervalValue, DataType } from "../types/data-types.js";
import type { BytesVector } from "./vector.js";

/** Bytes per calendar interval slot. */
export const CALENDAR_INTERVAL_BYTES = 16;

/** The interval in slot `i` of a calendar interval vector (the slot must be valid). */
export function calendarAt(v: BytesVector, i: number): CalendarIntervalValue {
  const at = v.offsets[i];
  const view = new DataView(v.data.buffer, v.data.byteOffset + at, CALENDAR_INTERVAL_BYTES);
  return { months: view.getInt32(0, true), days: view.getInt32(4, true), microseconds: view.getBigInt64(8, true) };
}

/** The 16 bytes of one calendar interval. */
export function encodeCalendar(months: number, days: number, microseconds: bigint): Uint8Array {
  const out = new Uint8Array(CALENDAR_INTERVAL_BYTES);
  const view = new DataView(out.buffer);
  view.setInt32(0, months, true);
  view.setInt32(4, days, true);
  view.setBigInt64(8, BigInt.asIntN(64, microseconds), true);
  return out;
}

/**
 * Builds a calendar interval vector of at most `capacity` slots, slot by slot (null slots have no
 * bytes).
 */
export class CalendarBuilder {
  private readonly offsets: Int32Array;
  private readonly valid: Uint8Array;
  private readonly data: Uint8Array;
  private readonly view: DataView;
  private n = 0;
  private nulls = 0;

  constructor(capacity: number) {
    this.offsets = new Int32Array(capacity + 1);
    this.valid = new Uint8Array(capacity);
    this.data = new Uint8Array(capacity * CALENDAR_INTERVAL_BYTES);
    this.view = new DataView(this.data.buffer);
  }

  append(months: number, days: number, microseconds: bigint): void {
    const at = this.offsets[this.n];
    this.view.setInt32(at, months, true);
    this.view.setInt32(at + 4, days, true);
    this.view.setBigInt64(at + 8, BigInt.asIntN(64, microseconds), true);
    this.valid[this.n] = 1;
    this.offsets[++this.n] = at + CALENDAR_INTERVAL_BYTES;
  }

  appendNull(): void {
    this.offsets[this.n + 1] = this.offsets[this.n];
    this.n++;
    this.nulls++;
  }

  finish(type: DataType): BytesVector {
    const end = this.offsets[this.n];
    return {
      kind: "bytes",
      type,
      length: this.n,
      valid: this.nulls === 0 ? null : this.valid.subarray(0, this.n),
      offsets: this.offsets.subarray(0, this.n + 1),
      data: this.data.subarray(0, end),
    };
  }
}
