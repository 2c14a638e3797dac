/**
 * The session time zone that analysis binds into zone-aware expressions, as Spark's
 * `ResolveTimeZone` rule gives each `TimeZoneAwareExpression` the session's
 * `spark.sql.session.timeZone` when the query is analysed. A bound cast or call carries its zone
 * from then on, so evaluating it never asks the session again (and a query keeps the zone it was
 * analysed with, as a Spark `Dataset` does).
 *
 * Analysis is synchronous, so the zone is ambient: the session that analyses a plan sets it around
 * the analysis ({@link withSessionTimeZone}); code that binds outside one (a writer casting its
 * input) gets the zone of the active session (the one `getOrCreate()` returned), as Spark's
 * `SQLConf.get` falls back to the active session's conf, else the process's zone.
 */
import { systemTimeZone } from "../../columnar/time-zone.js";

let current: string | null = null;
let fallback: (() => string) | null = null;

/** The zone expressions bound now get. */
export function sessionTimeZone(): string {
  return current ?? fallback?.() ?? systemTimeZone();
}

/** Runs `fn` with `zone` as the session time zone of everything it binds. */
export function withSessionTimeZone<T>(zone: string, fn: () => T): T {
  const saved = current;
  current = zone;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** Makes `zone()` the zone of binding done outside {@link withSessionTimeZone} (the active session's; null: none). */
export function setActiveSessionTimeZone(zone: (() => string) | null): void {
  fallback = zone;
}
