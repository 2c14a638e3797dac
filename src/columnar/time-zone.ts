/**
 * Time-zone rules for the session time zone (Spark's `spark.sql.session.timeZone`): the offset of a
 * zone at an instant, and the instant of a local wall-clock time, resolved as `java.time` does
 * (`ZonedDateTime.ofLocal` with no preferred offset): a local time in a gap (spring forward) is
 * moved later by the gap's length, and a local time in an overlap (fall back) takes the earlier
 * offset, i.e. the one in force before the transition.
 *
 * Region ids (`America/Los_Angeles`) come from the runtime's IANA database through `Intl` (the
 * well-kept zone data Node ships with ICU), never hand-written rules. `Intl` is slow per call, so
 * offsets are cached per UTC day: a day is looked up once, and a day holding a transition stores
 * the transition's second, found by bisection. Fixed offsets (`+08:00`, `UTC`, `GMT-5`, `Z`) need
 * no lookup.
 *
 * All values are seconds: `epochSeconds` counts UTC seconds since 1970-01-01T00:00:00Z and
 * `localSeconds` counts wall-clock seconds since 1970-01-01T00:00:00 of the zone.
 */
import { InternalError } from "../errors.js";
import { daysFromCivil } from "./civil-date.js";

const SECONDS_PER_DAY = 86_400;
/** Instants before 1800 use the offset of 1800 (local mean time in every zone's IANA data). */
const EARLIEST_LOOKUP = -5_364_662_400;
/** Instants after 9999 use the offset at the end of 9999. */
const LATEST_LOOKUP = 253_402_300_799;
/** Days cached per zone before the cache is cleared (a day costs one small object). */
const MAX_CACHED_DAYS = 200_000;

/** Offsets and instants of one time zone. */
export interface ZoneRules {
  /** The zone id as given (`America/Los_Angeles`, `+08:00`, `UTC`). */
  readonly id: string;
  /** The zone's offset from UTC, in seconds, at the UTC instant `epochSeconds`. */
  offsetAt(epochSeconds: number): number;
  /** The UTC instant of the local wall-clock time `localSeconds` (gaps move later, overlaps take the earlier offset). */
  utcOf(localSeconds: number): number;
}

/** A zone with one offset for all time. */
class FixedRules implements ZoneRules {
  constructor(
    readonly id: string,
    private readonly offset: number,
  ) {}
  offsetAt(): number {
    return this.offset;
  }
  utcOf(localSeconds: number): number {
    return localSeconds - this.offset;
  }
}

/** One cached UTC day: the offset at its start, and a transition within it (second and offset after), if any. */
interface DayOffsets {
  readonly start: number;
  readonly transition: number;
  readonly after: number;
}

/** A region zone backed by `Intl`, cached per UTC day. */
class RegionRules implements ZoneRules {
  private readonly days = new Map<number, DayOffsets>();
  private last: DayOffsets | null = null;
  private lastDay = NaN;

  constructor(
    readonly id: string,
    private readonly format: Intl.DateTimeFormat,
  ) {}

  offsetAt(epochSeconds: number): number {
    const s = Math.min(Math.max(epochSeconds, EARLIEST_LOOKUP), LATEST_LOOKUP);
    const day = Math.floor(s / SECONDS_PER_DAY);
    let d = day === this.lastDay ? this.last : this.days.get(day);
    if (d === undefined || d === null) d = this.loadDay(day);
    this.last = d;
    this.lastDay = day;
    return s < d.transition ? d.start : d.after;
  }

  utcOf(localSeconds: number): number {
    // The instant lies within 18 hours of the local time read as UTC, so at most one transition
    // (IANA zones are at least weeks apart) separates the offsets a day either side.
    const before = this.offsetAt(localSeconds - SECONDS_PER_DAY);
    const after = this.offsetAt(localSeconds + SECONDS_PER_DAY);
    if (before === after) return localSeconds - before;
    const t = this.transitionBetween(localSeconds - SECONDS_PER_DAY, localSeconds + SECONDS_PER_DAY, before);
    // Local times from the transition (read with the larger offset) on are after it; earlier ones,
    // including those in a gap or an overlap, take the offset before it.
    return localSeconds < t + Math.max(before, after) ? localSeconds - before : localSeconds - after;
  }

  /** The first second in (lo, hi] whose offset differs from `before` (the offset at `lo`). */
  private transitionBetween(lo: number, hi: number, before: number): number {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private loadDay(day: number): DayOffsets {
    if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
    const from = day * SECONDS_PER_DAY;
    const start = this.rawOffset(from);
    const end = this.rawOffset(from + SECONDS_PER_DAY);
    let d: DayOffsets = { start, transition: Infinity, after: start };
    if (end !== start) {
      let lo = from;
      let hi = from + SECONDS_PER_DAY;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.rawOffset(mid) === start) lo = mid;
        else hi = mid;
      }
      d = { start, transition: hi, after: this.rawOffset(hi) };
    }
    this.days.set(day, d);
    return d;
  }

  /** The offset at `epochSeconds` from the wall-clock fields `Intl` gives for that instant. */
  private rawOffset(epochSeconds: number): number {
    let year = 0;
    let month = 0;
    let dayOfMonth = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const p of this.format.formatToParts(new Date(epochSeconds * 1000))) {
      switch (p.type) {
        case "year":
          year = Number(p.value);
          break;
        case "month":
          month = Number(p.value);
          break;
        case "day":
          dayOfMonth = Number(p.value);
          break;
        case "hour":
          hour = Number(p.value) % 24;
          break;
        case "minute":
          minute = Number(p.value);
          break;
        case "second":
          second = Number(p.value);
          break;
      }
    }
    const local = daysFromCivil(year, month, dayOfMonth) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
    return local - epochSeconds;
  }
}


/** UTC. */
export const UTC: ZoneRules = new FixedRules("UTC", 0);

const cache = new Map<string, ZoneRules | null>();

/**
 * The rules of zone `id`, or null when it is not a zone. Accepted as Spark's `ZoneId.of` (with
 * its short-id aliases) accepts them: a region id known to the IANA database (`Europe/Paris`,
 * `Etc/GMT+8`), `Z`, `UTC`/`GMT`/`UT` alone or followed by an offset, and offsets `+h`, `+hh`,
 * `+hh:mm`, `+hhmm`, `+hh:mm:ss` up to ±18:00.
 */
export function zoneRules(id: string): ZoneRules | null {
  let r = cache.get(id);
  if (r === undefined) {
    r = makeRules(id);
    // Zone ids can come from data (a zone column): keep the cache bounded.
    if (cache.size >= MAX_CACHED_ZONES) cache.clear();
    cache.set(id, r);
  }
  return r;
}

/** Zone ids remembered (rules and misses) before the cache is cleared. */
const MAX_CACHED_ZONES = 1024;

function makeRules(id: string): ZoneRules | null {
  const fixed = fixedOffset(id);
  if (fixed !== null) return fixed === 0 && id === "UTC" ? UTC : new FixedRules(id, fixed);
  const region = SHORT_IDS[id] ?? id;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(region)) return null;
  const format = regionFormat(region);
  return format === null ? null : new RegionRules(id, format);
}

/** Java's `ZoneId.SHORT_IDS` entries for zone names Spark users write. */
const SHORT_IDS: Readonly<Record<string, string>> = {
  EST: "-05:00",
  MST: "-07:00",
  HST: "-10:00",
  ACT: "Australia/Darwin",
  AET: "Australia/Sydney",
  AGT: "America/Argentina/Buenos_Aires",
  ART: "Africa/Cairo",
  AST: "America/Anchorage",
  BET: "America/Sao_Paulo",
  BST: "Asia/Dhaka",
  CAT: "Africa/Harare",
  CNT: "America/St_Johns",
  CST: "America/Chicago",
  CTT: "Asia/Shanghai",
  EAT: "Africa/Addis_Ababa",
  ECT: "Europe/Paris",
  IET: "America/Indiana/Indianapolis",
  IST: "Asia/Kolkata",
  JST: "Asia/Tokyo",
  MIT: "Pacific/Apia",
  NET: "Asia/Yerevan",
  NST: "Pacific/Auckland",
  PLT: "Asia/Karachi",
  PNT: "America/Phoenix",
  PRT: "America/Puerto_Rico",
  PST: "America/Los_Angeles",
  SST: "Pacific/Guadalcanal",
  VST: "Asia/Ho_Chi_Minh",
};

function regionFormat(region: string): Intl.DateTimeFormat | null {
  const fixed = fixedOffset(region);
  if (fixed !== null) return null;
  try {
    const f = new Intl.DateTimeFormat("en-US", {
      timeZone: region,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    // Intl accepts offsets like "+05:00" and some aliases; a region must resolve to a named zone.
    return f.resolvedOptions().timeZone.length > 0 ? f : null;
  } catch {
    return null;
  }
}

/** Seconds east of UTC for a fixed-offset id, or null when `id` is not one. */
export function fixedOffset(id: string): number | null {
  if (id === "Z" || id === "UTC" || id === "GMT" || id === "UT") return 0;
  let rest = id;
  for (const prefix of ["UTC", "GMT", "UT"]) {
    if (rest.startsWith(prefix)) {
      rest = rest.slice(prefix.length);
      break;
    }
  }
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(rest);
  if (m === null) {
    const alias = SHORT_IDS[id];
    return alias !== undefined && alias.startsWith("-") ? fixedOffset(alias) : null;
  }
  const h = Number(m[2]);
  const mi = Number(m[3] ?? "0");
  const s = Number(m[4] ?? "0");
  if (h > 18 || mi > 59 || s > 59 || (h === 18 && (mi > 0 || s > 0))) return null;
  const sec = h * 3600 + mi * 60 + s;
  return m[1] === "-" ? -sec : sec;
}

/** The rules of `id`, which analysis has checked; an unknown one is an internal error. */
export function requireZone(id: string): ZoneRules {
  const r = zoneRules(id);
  if (r === null) throw new InternalError(`time zone '${id}' is not a zone`);
  return r;
}

/** The process's own zone, as the JVM's default zone is Spark's default session zone. */
export function systemTimeZone(): string {
  const tz = process.env.TZ;
  if (tz !== undefined && tz !== "" && zoneRules(tz) !== null) return tz;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Microseconds: the local wall-clock µs of the instant `us` in `rules`. */
export function toLocalMicros(us: bigint, rules: ZoneRules): bigint {
  if (rules === UTC) return us;
  const s = Number(us / 1_000_000n) - (us % 1_000_000n < 0n ? 1 : 0);
  return us + BigInt(rules.offsetAt(s)) * 1_000_000n;
}

/** Microseconds: the instant of the local wall-clock µs `local` in `rules`. */
export function fromLocalMicros(local: bigint, rules: ZoneRules): bigint {
  if (rules === UTC) return local;
  let s = local / 1_000_000n;
  if (local % 1_000_000n < 0n) s -= 1n;
  const ls = Number(s);
  return local + BigInt(rules.utcOf(ls) - ls) * 1_000_000n;
}
