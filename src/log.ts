/**
 * sluice's structured log (issue 14): one line per event with its level, the query and batch it
 * belongs to, an event name and fields, written to stderr through pino. JSON lines off a terminal
 * (for log shippers), `HH:MM:SS.mmm LEVEL event message key=value …` on a terminal. The level comes
 * from `SLUICE_LOG_LEVEL` (`trace`, `debug`, `info`, `warn` — the default —, `error`, `silent`):
 * `sluice run`'s progress display already tells a person what each batch did, so lifecycle events
 * are `info` and show when asked for.
 *
 * Secrets are never logged: a field whose name looks like a credential (password, secret, token,
 * a key id or secret key, SASL JAAS config, …) has its value replaced by `[redacted]`, at any
 * depth (option maps are logged whole).
 *
 * pino loads on the first line that passes the level, so a quiet process never pays for it.
 *
 * @example
 * log.warn("file-changed", "a file changed after it was listed", { query: id, path });
 */
import { createRequire } from "node:module";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "silent";

const RANK: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

/** Fields of a log line; `query` and `batch` name what it is about. */
export type LogFields = Readonly<Record<string, unknown>> & { readonly query?: string; readonly batch?: number };

/** Where lines go: a stream-like `write`, and whether it is a terminal (human-readable lines). */
export interface LogDestination {
  write(line: string): void;
  readonly isTTY: boolean;
}

interface PinoLike {
  trace(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Names of fields whose values are credentials. */
const SECRET = /(pass(word|wd)?|secret|token|credential|private[._-]?key|access[._-]?key|key[._-]?id|api[._-]?key|sasl[._-]?jaas|jaas[._-]?config|authorization|session[._-]?key)/i;

/** stderr, looked up at each write (so a test or a host that replaces `process.stderr.write` sees the lines). */
const STDERR: LogDestination = {
  write: (s) => void process.stderr.write(s),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
};

class Logger {
  private level: LogLevel = parseLevel(process.env.SLUICE_LOG_LEVEL);
  private destination: LogDestination = STDERR;
  private pino: PinoLike | null = null;

  /**
   * Sets the level and/or the destination (`null`: stderr again); the next line uses them.
   * Returns the previous settings, to restore.
   */
  configure(options: { readonly level?: LogLevel; readonly destination?: LogDestination | null }): { level: LogLevel; destination: LogDestination } {
    const previous = { level: this.level, destination: this.destination };
    if (options.level !== undefined) this.level = options.level;
    if (options.destination !== undefined) this.destination = options.destination ?? STDERR;
    this.pino = null;
    return previous;
  }

  /** Whether a line at `level` would be written (to skip building costly fields). */
  enabled(level: Exclude<LogLevel, "silent">): boolean {
    return RANK[level] >= RANK[this.level];
  }

  trace(event: string, msg: string, fields: LogFields = {}): void {
    this.line("trace", event, msg, fields);
  }
  debug(event: string, msg: string, fields: LogFields = {}): void {
    this.line("debug", event, msg, fields);
  }
  info(event: string, msg: string, fields: LogFields = {}): void {
    this.line("info", event, msg, fields);
  }
  warn(event: string, msg: string, fields: LogFields = {}): void {
    this.line("warn", event, msg, fields);
  }
  error(event: string, msg: string, fields: LogFields = {}): void {
    this.line("error", event, msg, fields);
  }

  private line(level: Exclude<LogLevel, "silent">, event: string, msg: string, fields: LogFields): void {
    if (!this.enabled(level)) return;
    try {
      this.pino ??= this.open();
      this.pino[level]({ event, ...(redact(fields) as object) }, msg);
    } catch {
      // Logging never fails the caller: a closed stderr or a field that cannot be written is dropped.
    }
  }

  private open(): PinoLike {
    // pino is CommonJS; required here (not imported) so it loads only when a line is written.
    const pino = createRequire(import.meta.url)("pino") as (options: object, stream: { write(s: string): void }) => PinoLike;
    const dest = this.destination;
    const stream = { write: (s: string) => dest.write(dest.isTTY ? human(s) : s) };
    return pino({ level: this.level === "silent" ? "silent" : this.level, base: { pid: process.pid }, timestamp: () => `,"time":"${new Date().toISOString()}"` }, stream);
  }
}

/** The process's logger. */
export const log = new Logger();

/** `SLUICE_LOG_LEVEL`'s value as a level; anything else is `warn`. */
export function parseLevel(value: string | undefined): LogLevel {
  const v = (value ?? "").trim().toLowerCase();
  return v in RANK ? (v as LogLevel) : "warn";
}

/** `value` with every credential-named field's value replaced, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET.test(k) && v !== null && v !== undefined && v !== "" ? "[redacted]" : redact(v, depth + 1);
  return out;
}

/** A pino JSON line as `HH:MM:SS.mmm LEVEL event: message key=value …` (for a terminal). */
export function human(jsonLine: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const { level, time, msg, event, pid: _pid, ...rest } = o;
  const name = typeof level === "number" ? (Object.entries(RANK).find(([, r]) => r === level)?.[0] ?? String(level)) : String(level);
  const clock = typeof time === "string" ? time.slice(11, 23) : "";
  const kv = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
    .join(" ");
  return `${clock} ${name.toUpperCase().padEnd(5)} ${String(event)}: ${String(msg)}${kv === "" ? "" : ` ${kv}`}\n`;
}
