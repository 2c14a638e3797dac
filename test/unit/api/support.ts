/**
 * Test support for the public-API tests: a temp folder per file, stdout capture (printSchema,
 * explain, show and the console sink print there), and a poll helper for asynchronous conditions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

let root: string | null = null;
let counter = 0;

/** A fresh, empty (not yet created) path under this test file's temp folder. */
export function tempPath(name = "d"): string {
  if (root === null) {
    const dir = mkdtempSync(join(tmpdir(), "sluice-api-test-"));
    root = dir;
    after(() => rmSync(dir, { recursive: true, force: true }));
  }
  return join(root, `${name}-${counter++}`);
}

/** Runs `fn` while capturing everything written to stdout; returns the captured text. */
export async function captureStdout(fn: () => unknown): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return out;
}

/** Waits until `cond()` is true, polling every 5 ms; fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`waitFor: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

let names = 0;
/** A unique name for a memory sink table or query. */
export function uniqueName(prefix = "q"): string {
  return `${prefix}_${process.pid}_${names++}`;
}
