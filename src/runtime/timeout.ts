/**
 * Waiting with a timeout in Spark's unit: `awaitTermination(timeout)` and
 * `awaitAnyTermination(timeout)` take seconds, as PySpark's do.
 */
import { ConfigError } from "../errors.js";

/** The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks a timeout given in seconds, as PySpark checks it: a finite number ≥ 0 (fractions allowed).
 * @throws ConfigError naming `method` and the bad value otherwise.
 */
export function checkTimeoutSeconds(timeoutSeconds: unknown, method: string): number {
  if (typeof timeoutSeconds !== "number" || !Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) {
    const got = typeof timeoutSeconds === "string" ? JSON.stringify(timeoutSeconds) : String(timeoutSeconds);
    throw new ConfigError(`query: ${method} timeout must be a non-negative number of seconds, got ${got}`);
  }
  return timeoutSeconds;
}

/**
 * Resolves `true` once `done` has resolved, or `false` when `timeoutSeconds` pass first. A timeout
 * of 0 only looks: `true` when `done` has already resolved. `done` must not reject.
 */
export async function resolvesWithin(done: Promise<unknown>, timeoutSeconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = Date.now() + timeoutSeconds * 1000;
  const timedOut = new Promise<false>((resolve) => {
    // Timers cap at ~24.8 days: wait in steps until the deadline. The first step is always a
    // timer, so a `done` that has already resolved wins even with a timeout of 0.
    const step = () => {
      const left = deadline - Date.now();
      if (left <= 0) resolve(false);
      else timer = setTimeout(step, Math.min(left, MAX_TIMER_MS));
    };
    timer = setTimeout(step, Math.min(timeoutSeconds * 1000, MAX_TIMER_MS));
  });
  try {
    return await Promise.race([done.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
