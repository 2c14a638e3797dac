/**
 * Booking events for the benchmarks and tests. The generator lives in `src/cli/demo-events.ts`
 * (shipped: `sluice demo` uses it); this module re-exports it and adds the independent check of a
 * generated landing zone.
 */
import { readFile } from "node:fs/promises";
import { idSetChecksum } from "../../src/cli/demo-events.js";
import type { BookingEventsTruth } from "../../src/cli/demo-events.js";

export {
  BOOKING_EVENT_DDL,
  eventId,
  idSetChecksum,
  validEventIds,
  validEventLine,
  writeBookingEvents,
  writeExpectedEvents,
} from "../../src/cli/demo-events.js";
export type { BookingEventsOptions, BookingEventsTruth } from "../../src/cli/demo-events.js";

/** Counts found by re-reading a landing zone with `JSON.parse`, line by line. */
export interface BookingEventsCheck {
  readonly lines: number;
  readonly validLines: number;
  readonly validDistinct: number;
  readonly missingIdLines: number;
  readonly malformedLines: number;
  readonly idChecksum: string;
}

/**
 * Re-reads the files of `truth` and classifies every line independently of the generator (a line is
 * valid if `JSON.parse` gives an object whose `event_id` is a string and whose other fields have
 * the schema's JSON types). Throws a descriptive `Error` if the counts or the id checksum differ
 * from `truth`; returns the counts otherwise. Keeps one Set of the ids in memory.
 */
export async function checkBookingEvents(truth: BookingEventsTruth): Promise<BookingEventsCheck> {
  const ids = new Set<string>();
  let lines = 0;
  let validLines = 0;
  let missingIdLines = 0;
  let malformedLines = 0;
  for (const file of truth.files) {
    const text = (await readFile(file)).toString("utf8");
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      lines++;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        malformedLines++;
        continue;
      }
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        malformedLines++;
        continue;
      }
      const o = v as Record<string, unknown>;
      if (o.event_id === undefined || o.event_id === null) {
        missingIdLines++;
        continue;
      }
      const fits =
        typeof o.event_id === "string" &&
        typeof o.user_id === "string" &&
        Number.isSafeInteger(o.timestamp) &&
        typeof o.event_type === "string" &&
        typeof o.payload === "string";
      if (!fits) throw new Error(`booking events check: line ${lines} of ${file} is an object outside the schema: ${line}`);
      validLines++;
      ids.add(o.event_id as string);
    }
  }
  const found: BookingEventsCheck = {
    lines,
    validLines,
    validDistinct: ids.size,
    missingIdLines,
    malformedLines,
    idChecksum: idSetChecksum(ids),
  };
  const expected: BookingEventsCheck = {
    lines: truth.events,
    validLines: truth.validLines,
    validDistinct: truth.validDistinct,
    missingIdLines: truth.missingIdLines,
    malformedLines: truth.malformedLines,
    idChecksum: truth.idChecksum,
  };
  if (JSON.stringify(found) !== JSON.stringify(expected)) {
    throw new Error(`booking events check: found ${JSON.stringify(found)}, truth says ${JSON.stringify(expected)}`);
  }
  return found;
}
