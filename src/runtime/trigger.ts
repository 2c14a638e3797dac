/**
 * Triggers, as in Spark: the default (next batch as soon as the previous one is done and new data
 * exists), `processingTime` (batches start on interval boundaries), `availableNow` (everything
 * available at start, in as many batches as the rate limits need, then stop) and `once` (one batch,
 * then stop).
 */
import { ConfigError } from "../errors.js";
import { parseDurationMicros } from "../types/interval-text.js";

export type Trigger =
  | { readonly kind: "default" }
  | { readonly kind: "processingTime"; readonly intervalMs: number }
  | { readonly kind: "availableNow" }
  | { readonly kind: "once" };

/** What users pass to `.trigger(...)`. */
export type TriggerSpec =
  | { processingTime: string | number }
  | { availableNow: true }
  | { once: true }
  | { continuous: string | number };

export function parseTrigger(spec: TriggerSpec): Trigger {
  const keys = Object.keys(spec);
  if (keys.length !== 1) {
    throw new ConfigError(
      `trigger: pass exactly one of processingTime, availableNow, once; got ${keys.length === 0 ? "none" : keys.join(", ")}`,
      { option: "trigger" },
    );
  }
  if ("processingTime" in spec) {
    const ms = typeof spec.processingTime === "number" ? spec.processingTime : parseInterval(spec.processingTime, "processingTime");
    if (!Number.isFinite(ms) || ms < 0) {
      throw new ConfigError(`trigger: processingTime must be a non-negative interval, got ${JSON.stringify(spec.processingTime)}`, {
        option: "processingTime",
      });
    }
    return ms === 0 ? { kind: "default" } : { kind: "processingTime", intervalMs: ms };
  }
  if ("availableNow" in spec) {
    if (spec.availableNow !== true) throw new ConfigError("trigger: availableNow must be true", { option: "availableNow" });
    return { kind: "availableNow" };
  }
  if ("once" in spec) {
    if (spec.once !== true) throw new ConfigError("trigger: once must be true", { option: "once" });
    return { kind: "once" };
  }
  if ("continuous" in spec) {
    throw new ConfigError("trigger: continuous processing is not supported; use processingTime or availableNow", {
      option: "continuous",
    });
  }
  throw new ConfigError(`trigger: unknown trigger '${keys[0]}'; use processingTime, availableNow or once`, { option: keys[0] });
}

/**
 * Parses a Spark interval string such as `"1 minute"`, `"10 seconds"`, `"interval 1 hour 30 minutes"`
 * or `"500 milliseconds"` into milliseconds (see `types/interval-text.ts`). `what` names the option
 * in errors.
 */
export function parseInterval(text: string, what: string): number {
  return Math.round(parseDurationMicros(text, what) / 1000);
}
