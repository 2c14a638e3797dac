import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, isRetryable, mayHaveBeenApplied, s3Failure, Semaphore } from "../../../../src/storage/s3/s3-retry.js";

test("s3Failure reads the SDK's status and code, and network errors' codes", () => {
  const sdkError = Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown", $metadata: { httpStatusCode: 503 } });
  assert.deepEqual(s3Failure(sdkError), { status: 503, code: "SlowDown", message: "Please reduce your request rate." });
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  assert.deepEqual(s3Failure(reset), { status: null, code: "ECONNRESET", message: "socket hang up" });
});

test("retryable: no response, 5xx, 429, throttling, 409 conflicts; not 4xx answers", () => {
  assert.equal(isRetryable({ status: null, code: "ECONNRESET", message: "" }), true);
  assert.equal(isRetryable({ status: 500, code: "InternalError", message: "" }), true);
  assert.equal(isRetryable({ status: 503, code: "SlowDown", message: "" }), true);
  assert.equal(isRetryable({ status: 429, code: "TooManyRequests", message: "" }), true);
  assert.equal(isRetryable({ status: 409, code: "ConditionalRequestConflict", message: "" }), true);
  assert.equal(isRetryable({ status: 400, code: "RequestTimeout", message: "" }), true);
  assert.equal(isRetryable({ status: 412, code: "PreconditionFailed", message: "" }), false);
  assert.equal(isRetryable({ status: 404, code: "NoSuchKey", message: "" }), false);
  assert.equal(isRetryable({ status: 403, code: "AccessDenied", message: "" }), false);
});

test("only a lost answer or a 5xx may hide an applied request", () => {
  assert.equal(mayHaveBeenApplied({ status: null, code: "TimeoutError", message: "" }), true);
  assert.equal(mayHaveBeenApplied({ status: 503, code: "SlowDown", message: "" }), true);
  assert.equal(mayHaveBeenApplied({ status: 409, code: "ConditionalRequestConflict", message: "" }), false);
});

test("backoff: full jitter under a doubling cap bounded by the maximum", () => {
  assert.equal(backoffDelay(1, 100, 10_000, () => 0.999), 99);
  assert.equal(backoffDelay(4, 100, 10_000, () => 0.5), 400);
  assert.equal(backoffDelay(20, 100, 10_000, () => 0.999), 9990);
  assert.equal(backoffDelay(3, 100, 10_000, () => 0), 0);
});

test("the semaphore keeps at most its limit running, in arrival order", async () => {
  const s = new Semaphore(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
});
