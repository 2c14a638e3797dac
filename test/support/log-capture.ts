/** Captures sluice's structured log lines (`src/log.ts`) while a test runs. */
import { log } from "../../src/log.js";
import type { LogLevel } from "../../src/log.js";

/** One log line as pino wrote it. */
export interface LogRecord {
  readonly level: number;
  readonly time: string;
  readonly event: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Runs `fn` with the log captured (as JSON records) at `level`; restores the previous settings. */
export async function captureLog(fn: () => Promise<void>, level: LogLevel = "warn"): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const previous = log.configure({ level, destination: { write: (s) => records.push(JSON.parse(s) as LogRecord), isTTY: false } });
  try {
    await fn();
  } finally {
    log.configure(previous);
  }
  return records;
}
