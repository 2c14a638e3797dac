/**
 * The session settings that analysis binds into expressions, as Spark's analyzer reads
 * `SQLConf.get`: the session time zone (Spark's `ResolveTimeZone` gives each
 * `TimeZoneAwareExpression` the session's `spark.sql.session.timeZone`) and the function settings
 * that change a result type (`spark.sql.function.concatBinaryAsString`, …). A bound cast or call
 * carries what it read from then on, so evaluating it never asks the session again (and a query
 * keeps the settings it was analysed with, as a Spark `Dataset` does).
 *
 * Analysis is synchronous, so the settings are ambient: the session that analyses a plan sets
 * them around the analysis ({@link withSessionConf}); code that binds outside one (a writer
 * casting its input) gets those of the active session (the one `getOrCreate()` returned), as
 * Spark's `SQLConf.get` falls back to the active session's conf, else the defaults (the process's
 * zone).
 */
import { systemTimeZone } from "../../columnar/time-zone.js";

/** What analysis reads from a session (`RuntimeConfig` is one). */
export interface SessionConf {
  sessionTimeZone(): string;
  get(key: string): string | undefined;
}

let current: SessionConf | null = null;
let fallback: SessionConf | null = null;

/** The zone expressions bound now get. */
export function sessionTimeZone(): string {
  return (current ?? fallback)?.sessionTimeZone() ?? systemTimeZone();
}

/** The session setting `key` as analysis sees it now, or undefined when unset. */
export function sessionSetting(key: string): string | undefined {
  return (current ?? fallback)?.get(key);
}

/** Whether `spark.sql.ansi.enabled` is true for what analysis binds now. */
export function ansiEnabled(): boolean {
  return sessionSetting("spark.sql.ansi.enabled")?.trim().toLowerCase() === "true";
}

/** Runs `fn` with `conf` as the session settings of everything it binds. */
export function withSessionConf<T>(conf: SessionConf, fn: () => T): T {
  const saved = current;
  current = conf;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** Makes `conf` the settings of binding done outside {@link withSessionConf} (the active session's; null: none). */
export function setActiveSessionConf(conf: SessionConf | null): void {
  fallback = conf;
}
