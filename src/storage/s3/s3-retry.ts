/**
 * Retrying S3 requests: which failures are worth another attempt, how long to wait between
 * attempts (exponential backoff with full jitter), and a limit on requests in flight.
 *
 * sluice retries itself instead of leaving it to the SDK (whose client runs with one attempt), so
 * that a caller knows when an earlier attempt may have been applied although it failed: a
 * conditional PUT whose response was lost must be resolved by reading back what is there.
 */

/** What an S3 request failed with, as far as retrying is concerned. */
export interface S3Failure {
  /** The HTTP status, or null when no response arrived (reset, timeout, refused). */
  readonly status: number | null;
  /** S3's error code (`SlowDown`, `NoSuchKey`, `PreconditionFailed`, …) or the SDK's error name. */
  readonly code: string;
  readonly message: string;
}

/** The status, S3 error code and message of an error thrown by the SDK or the HTTP layer. */
export function s3Failure(e: unknown): S3Failure {
  if (typeof e !== "object" || e === null) return { status: null, code: "Unknown", message: String(e) };
  const o = e as { name?: unknown; Code?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown }; $response?: { statusCode?: unknown } };
  const rawStatus = o.$metadata?.httpStatusCode ?? o.$response?.statusCode;
  const status = typeof rawStatus === "number" ? rawStatus : null;
  const code = typeof o.Code === "string" ? o.Code : typeof o.name === "string" && o.name !== "Error" ? o.name : typeof o.code === "string" ? o.code : "Unknown";
  const message = typeof o.message === "string" ? o.message : String(e);
  return { status, code, message };
}

const RETRYABLE_CODES = new Set([
  "SlowDown",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "ServiceUnavailable",
  "ThrottlingException",
  "Throttling",
  "TooManyRequests",
  "RequestLimitExceeded",
  "TimeoutError",
  "ConditionalRequestConflict",
]);

/** Failures before any request was sent that another attempt cannot fix (no credentials, bad config). */
const NEVER_RETRIED = new Set(["CredentialsProviderError", "TokenProviderError", "InvalidEndpoint", "InvalidRegion"]);

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "UND_ERR_SOCKET"]);

/**
 * Whether another attempt may succeed: no response at all (reset, refused, timed out), a 5xx, a 429,
 * throttling, S3's RequestTimeout, or a 409 from a concurrent conditional write.
 */
export function isRetryable(f: S3Failure): boolean {
  if (NEVER_RETRIED.has(f.code)) return false;
  if (f.status === null) return true;
  if (f.status >= 500 || f.status === 429) return true;
  if (RETRYABLE_CODES.has(f.code) || NETWORK_CODES.has(f.code)) return true;
  return false;
}

/**
 * Whether the request may have been applied although it failed: no response arrived, or the
 * server failed with a 5xx after receiving it. A 4xx was answered before anything was applied.
 */
export function mayHaveBeenApplied(f: S3Failure): boolean {
  return f.status === null || f.status >= 500;
}

/** The delay before retry number `retry` (1-based): uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(retry - 1, 30));
  return Math.floor(random() * cap);
}

/** A counting semaphore: at most `limit` holders at once, the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `fn` holding one slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    }
  }
}
