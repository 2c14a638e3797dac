/**
 * Deterministic generator of booking events as NDJSON files (used by `sluice demo`, the benchmarks
 * and the tests): the landing zone of the Bronze → Silver job, with the dirt a real one has (retries, missing keys, broken lines), and the
 * ground truth a correct job must reproduce.
 *
 * A line is one of:
 * - a **valid** event (a JSON object with a string `event_id` and every field of `BOOKING_EVENT_DDL`
 *   with the right JSON type), about 165 bytes:
 *   `{"event_id":"e-00001234","user_id":"u-004211","timestamp":1732600000123,"event_type":"booking_created","payload":"{\"hotel\":\"H-12\",\"nights\":3,\"price\":123.45}"}`
 * - a **duplicate** (`duplicateRate`): a byte-identical copy of an earlier valid line (half of them
 *   from the last 1,000 valid events, half from any earlier one, so both in-batch and cross-batch
 *   deduplication are exercised);
 * - a **missing-id** event (`missingIdRate`): `event_id` absent or `null`, otherwise well formed;
 * - a **malformed** line (`malformedRate`): truncated JSON, stray non-UTF-8 / control bytes between
 *   tokens, a missing closing brace, an extra opening brace, an unescaped quote inside a string, or
 *   a JSON array instead of an object. No variant is valid JSON for any parser (trailing garbage after
 *   a complete object is deliberately not generated: parsers disagree on it, and a streaming parser
 *   such as Jackson may stop after the first complete value).
 *
 * Every non-duplicate line (valid, missing-id or malformed) consumes a fresh ordinal, and malformed
 * lines embed the id of their own ordinal, so a reader that wrongly accepts one shows up as an id
 * outside the ground truth rather than hiding behind a valid duplicate.
 *
 * Same options (seed included) → byte-identical files and truth.
 */
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ConfigError, StorageError } from "../errors.js";
import { makeFolders } from "../storage/local.js";

/** The schema of a booking event, in Spark DDL (also the schema the bench passes to from_json). */
export const BOOKING_EVENT_DDL = "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING";

/** What to generate. */
export interface BookingEventsOptions {
  /** Number of lines in total (all kinds). */
  readonly events: number;
  /** Number of files the lines are split into, in order (default 10). */
  readonly files?: number;
  /** PRNG seed (default 42). */
  readonly seed?: number;
  /** Fraction of lines that repeat an earlier valid line (default 0.05). */
  readonly duplicateRate?: number;
  /** Fraction of lines without an `event_id` (absent or null) (default 0.01). */
  readonly missingIdRate?: number;
  /** Fraction of lines that are not a parseable JSON object (default 0.005). */
  readonly malformedRate?: number;
  /** File name prefix (default `events-`); files are `<prefix><5-digit index>.json`. */
  readonly filePrefix?: string;
  /**
   * Prefix of every event id (default `e-`). Landing zones generated with different prefixes
   * never share an event id (`sluice demo` uses one per run).
   */
  readonly idPrefix?: string;
  /** Number of distinct user ids events are spread over (default 100,000). */
  readonly users?: number;
}

/** Ground truth of one generated landing zone. */
export interface BookingEventsTruth {
  readonly seed: number;
  /** Lines written (= options.events). */
  readonly events: number;
  /** Absolute paths of the files written, in order. */
  readonly files: readonly string[];
  /** Bytes written in total. */
  readonly bytes: number;
  /** Valid lines, duplicates included. */
  readonly validLines: number;
  /** Distinct valid event ids: the row count a correct Bronze → Silver job produces. */
  readonly validDistinct: number;
  /** Lines that repeat an earlier valid line. */
  readonly duplicateLines: number;
  readonly missingIdLines: number;
  readonly malformedLines: number;
  /** `idSetChecksum` of the distinct valid event ids. */
  readonly idChecksum: string;
  /** Ordinals of the distinct valid events, ascending; `eventId(ordinal, idWidth, idPrefix)` gives the id. */
  readonly validOrdinals: Uint32Array;
  /** Digits in an event id (8, more when the ordinals need them). */
  readonly idWidth: number;
  /** Prefix of every event id. */
  readonly idPrefix: string;
  /** Number of distinct user ids the events were spread over. */
  readonly users: number;
}

/** The event id of an ordinal: the prefix (`e-` by default) and the zero-padded ordinal. */
export function eventId(ordinal: number, idWidth = 8, idPrefix = "e-"): string {
  return idPrefix + String(ordinal).padStart(idWidth, "0");
}

/** The distinct valid event ids of a truth, ascending. */
export function* validEventIds(truth: BookingEventsTruth): Generator<string> {
  for (let i = 0; i < truth.validOrdinals.length; i++) yield eventId(truth.validOrdinals[i], truth.idWidth, truth.idPrefix);
}

/** The exact text (without the newline) of the valid event with `ordinal` in the landing zone of `truth`. */
export function validEventLine(truth: BookingEventsTruth, ordinal: number): string {
  return validLine(ordinal, shapeOf(truth));
}

/**
 * Order-independent checksum of a set of ids: the count, the sum and the xor of their FNV-1a
 * 32-bit hashes, as `<count>:<sum hex>:<xor hex>`. Pass each id once (a set, not a multiset).
 */
export function idSetChecksum(ids: Iterable<string>): string {
  let count = 0;
  let sum = 0;
  let xor = 0;
  for (const id of ids) {
    const h = fnv1a32(id);
    sum = (sum + h) >>> 0;
    xor = (xor ^ h) >>> 0;
    count++;
  }
  return `${count}:${sum.toString(16).padStart(8, "0")}:${xor.toString(16).padStart(8, "0")}`;
}

/**
 * Writes the landing zone into `dir` (created if missing) and returns its ground truth.
 * Existing files with the same names are overwritten; other files are left alone.
 */
export async function writeBookingEvents(dir: string, options: BookingEventsOptions): Promise<BookingEventsTruth> {
  const events = options.events;
  const fileCount = options.files ?? 10;
  if (!Number.isSafeInteger(events) || events < 0) throw new ConfigError(`booking events: events must be a non-negative integer, got ${events}`);
  if (!Number.isSafeInteger(fileCount) || fileCount < 1) throw new ConfigError(`booking events: files must be a positive integer, got ${fileCount}`);
  const users = options.users ?? 100_000;
  if (!Number.isSafeInteger(users) || users < 1 || users > 1_000_000) throw new ConfigError(`booking events: users must be an integer from 1 to 1000000, got ${users}`);
  const seed = options.seed ?? 42;
  const dupRate = options.duplicateRate ?? 0.05;
  const missRate = options.missingIdRate ?? 0.01;
  const badRate = options.malformedRate ?? 0.005;
  if (dupRate < 0 || missRate < 0 || badRate < 0 || dupRate + missRate + badRate > 1) {
    throw new ConfigError(`booking events: rates must be non-negative and sum to at most 1, got ${dupRate}, ${missRate}, ${badRate}`);
  }
  const prefix = options.filePrefix ?? "events-";
  const idWidth = Math.max(8, String(Math.max(0, events - 1)).length);
  const shape: LineShape = { seed, idWidth, idPrefix: options.idPrefix ?? "e-", users };
  const absDir = resolve(dir);
  try {
    await makeFolders(absDir);
  } catch (cause) {
    throw new StorageError(`booking events: cannot create the folder ${absDir}: ${cause instanceof Error ? cause.message : String(cause)}`, { path: absDir, cause });
  }

  const rand = mulberry32(seed);
  const valid = new Uint32Array(events);
  let validCount = 0;
  let nextOrdinal = 0;
  let duplicateLines = 0;
  let missingIdLines = 0;
  let malformedLines = 0;
  let validLines = 0;
  let bytes = 0;
  const files: string[] = [];
  let line = 0;

  for (let f = 0; f < fileCount; f++) {
    const end = Math.floor(((f + 1) * events) / fileCount);
    const path = join(absDir, `${prefix}${String(f).padStart(5, "0")}.json`);
    // Lines are built as latin1 strings: everything is ASCII except the stray bytes of malformed
    // lines, which must reach the file as single raw bytes (0xff, 0x80 …), not UTF-8 sequences.
    const chunks: Buffer[] = [];
    let parts: string[] = [];
    for (; line < end; line++) {
      const r = rand();
      let text: string;
      if (r < dupRate && validCount > 0) {
        const recent = rand() < 0.5;
        const from = recent ? Math.max(0, validCount - 1000) : 0;
        const pick = from + Math.floor(rand() * (validCount - from));
        text = validLine(valid[pick], shape);
        duplicateLines++;
        validLines++;
      } else if (r < dupRate + missRate) {
        const ordinal = nextOrdinal++;
        text = missingIdLine(ordinal, shape, rand() < 0.5);
        missingIdLines++;
      } else if (r < dupRate + missRate + badRate) {
        const ordinal = nextOrdinal++;
        text = malformedLine(ordinal, shape, rand);
        malformedLines++;
      } else {
        const ordinal = nextOrdinal++;
        valid[validCount++] = ordinal;
        text = validLine(ordinal, shape);
        validLines++;
      }
      parts.push(text, "\n");
      if (parts.length >= 20_000) {
        chunks.push(Buffer.from(parts.join(""), "latin1"));
        parts = [];
      }
    }
    chunks.push(Buffer.from(parts.join(""), "latin1"));
    const body = Buffer.concat(chunks);
    bytes += body.length;
    await writeFile(path, body);
    files.push(path);
  }

  const validOrdinals = valid.slice(0, validCount);
  const truth: BookingEventsTruth = {
    seed,
    events,
    files,
    bytes,
    validLines,
    validDistinct: validCount,
    duplicateLines,
    missingIdLines,
    malformedLines,
    idChecksum: "",
    validOrdinals,
    idWidth,
    idPrefix: shape.idPrefix,
    users,
  };
  return { ...truth, idChecksum: idSetChecksum(validEventIds(truth)) };
}

/**
 * Writes, as NDJSON, exactly the rows a correct Bronze → Silver job produces: one line per distinct
 * valid event (same bytes as in the landing zone), in ordinal order. An independent reader
 * (DuckDB's `read_ndjson`) can load it as the expected table. Returns the bytes written.
 */
export async function writeExpectedEvents(truth: BookingEventsTruth, file: string): Promise<number> {
  const shape = shapeOf(truth);
  const chunks: Buffer[] = [];
  let parts: string[] = [];
  for (let i = 0; i < truth.validOrdinals.length; i++) {
    parts.push(validLine(truth.validOrdinals[i], shape), "\n");
    if (parts.length >= 20_000) {
      chunks.push(Buffer.from(parts.join(""), "latin1"));
      parts = [];
    }
  }
  chunks.push(Buffer.from(parts.join(""), "latin1"));
  const body = Buffer.concat(chunks);
  await writeFile(file, body);
  return body.length;
}

const EVENT_TYPES = [
  "booking_created",
  "booking_modified",
  "booking_cancelled",
  "payment_captured",
  "payment_failed",
  "search_performed",
] as const;

const BASE_TS = 1_732_600_000_000;

/** What every line of one landing zone shares. */
interface LineShape {
  readonly seed: number;
  readonly idWidth: number;
  readonly idPrefix: string;
  readonly users: number;
}

function shapeOf(truth: BookingEventsTruth): LineShape {
  return { seed: truth.seed, idWidth: truth.idWidth, idPrefix: truth.idPrefix, users: truth.users };
}

/** Field values of an ordinal, a pure function of (ordinal, shape) so duplicates regenerate exactly. */
function fields(ordinal: number, shape: LineShape): { user: string; ts: number; type: string; payload: string } {
  let h = mix32(ordinal ^ mix32(shape.seed));
  const user = "u-" + String(h % shape.users).padStart(6, "0");
  h = mix32(h);
  const ts = BASE_TS + ordinal * 37 + (h % 1000);
  h = mix32(h);
  const type = EVENT_TYPES[h % EVENT_TYPES.length];
  h = mix32(h);
  const hotel = 1 + (h % 500);
  h = mix32(h);
  const nights = 1 + (h % 14);
  h = mix32(h);
  const cents = 4_000 + (h % 96_000);
  const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  const payload = `{\\"hotel\\":\\"H-${hotel}\\",\\"nights\\":${nights},\\"price\\":${price}}`;
  return { user, ts, type, payload };
}

function validLine(ordinal: number, shape: LineShape): string {
  const f = fields(ordinal, shape);
  return `{"event_id":"${eventId(ordinal, shape.idWidth, shape.idPrefix)}","user_id":"${f.user}","timestamp":${f.ts},"event_type":"${f.type}","payload":"${f.payload}"}`;
}

function missingIdLine(ordinal: number, shape: LineShape, explicitNull: boolean): string {
  const f = fields(ordinal, shape);
  const id = explicitNull ? `"event_id":null,` : "";
  return `{${id}"user_id":"${f.user}","timestamp":${f.ts},"event_type":"${f.type}","payload":"${f.payload}"}`;
}

/** Number of malformed-line variants `malformedLine` chooses among. */
const MALFORMED_VARIANTS = 6;

function malformedLine(ordinal: number, shape: LineShape, rand: () => number): string {
  const whole = validLine(ordinal, shape);
  const variant = Math.floor(rand() * MALFORMED_VARIANTS);
  const afterId = whole.indexOf(",") + 1;
  switch (variant) {
    case 0: {
      // Truncated: the only `}` closing the object is the last byte, so every proper prefix is invalid.
      const cut = 30 + Math.floor(rand() * (whole.length - 31));
      return whole.slice(0, cut);
    }
    case 1: {
      // Stray bytes between tokens: invalid UTF-8 and a control byte (never \n or \r).
      const stray = ["\xff\xfe", "\x80\x81", "\x00", "\x1b[0m"][Math.floor(rand() * 4)];
      return whole.slice(0, afterId) + stray + whole.slice(afterId);
    }
    case 2:
      return whole.slice(0, -1); // unbalanced: missing closing brace
    case 3:
      return "{" + whole; // unbalanced: extra opening brace
    case 4:
      return whole.replaceAll('\\"', '"'); // unescaped quotes inside the payload string
    default: {
      const f = fields(ordinal, shape);
      return `["${eventId(ordinal, shape.idWidth, shape.idPrefix)}","${f.user}",${f.ts},"${f.type}"]`; // JSON, but not an object
    }
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
