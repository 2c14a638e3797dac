/**
 * Option validation shared by every connector and format: option names are matched
 * case-insensitively as Spark does, an unknown name is a {@link ConfigError} with a did-you-mean,
 * and a bad value names the option and the value (`option 'maxFilesPerTrigger' must be a positive
 * integer, got "abc"`). Values arrive as strings, as Spark stores every option.
 */
import { z } from "zod";
import { ConfigError, suggestion } from "./errors.js";

/** `true`/`false`, case-insensitive. */
export const booleanOption = z.string().transform((s, ctx) => {
  const l = s.trim().toLowerCase();
  if (l === "true") return true;
  if (l === "false") return false;
  ctx.addIssue({ code: "custom", message: "must be true or false" });
  return z.NEVER;
});

/** A positive integer (no sign, no fraction). */
export const positiveIntOption = z.string().transform((s, ctx) => {
  const t = s.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n <= 0) {
    ctx.addIssue({ code: "custom", message: "must be a positive integer" });
    return z.NEVER;
  }
  return n;
});

/** Exactly one of `values` (case-insensitive); yields the canonical spelling. */
export function enumOption<const T extends readonly string[]>(values: T) {
  return z.string().transform((s, ctx): T[number] => {
    const hit = values.find((v) => v.toLowerCase() === s.trim().toLowerCase());
    if (hit === undefined) {
      ctx.addIssue({ code: "custom", message: `must be one of ${values.join(", ")}` });
      return z.NEVER;
    }
    return hit;
  });
}

/** An option whose only supported value is Spark's default (`value`, case-insensitive). */
export function onlyDefault(value: string, what: string) {
  return z.string().refine((s) => s.trim().toLowerCase() === value.toLowerCase(), {
    message: `is not supported yet (only ${JSON.stringify(value)}: ${what})`,
  });
}

/**
 * A Spark time string as milliseconds (`Utils.timeStringAsMs`): a number with an optional unit
 * `us`, `ms`, `s`, `m`/`min`, `h`, `d` (no unit = milliseconds).
 */
export const durationOption = z.string().transform((s, ctx) => {
  const m = /^\s*(\d+)\s*(us|ms|s|sec|m|min|h|d)?\s*$/i.exec(s);
  if (m === null) {
    ctx.addIssue({ code: "custom", message: "must be a duration such as 7d, 12h, 30m, 10s or 500ms" });
    return z.NEVER;
  }
  const n = Number(m[1]);
  const unit = (m[2] ?? "ms").toLowerCase();
  const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
  return Math.floor(n * scale[unit]);
});

/** A schema of option name → value schema (each value arrives as a string). */
export type OptionShape = Record<string, z.ZodType<unknown, string>>;

/**
 * Validates `raw` against `shape`. Names match case-insensitively; `aliases` maps extra names
 * (`delimiter`) to canonical ones (`sep`). Returns the parsed values under canonical names (absent
 * options are absent). `subsystem` starts every message (`json source`).
 */
export function validateOptions<S extends OptionShape>(
  subsystem: string,
  shape: S,
  raw: Readonly<Record<string, string>>,
  aliases: Readonly<Record<string, keyof S & string>> = {},
): { [K in keyof S]?: z.output<S[K]> } {
  const canonical = new Map<string, string>();
  for (const k of Object.keys(shape)) canonical.set(k.toLowerCase(), k);
  for (const [a, k] of Object.entries(aliases)) canonical.set(a.toLowerCase(), k);
  const out: Record<string, unknown> = {};
  const seenFrom = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    const key = canonical.get(name.toLowerCase());
    if (key === undefined) {
      throw new ConfigError(`${subsystem}: unknown option '${name}'${suggestion(name, [...Object.keys(shape), ...Object.keys(aliases)])}`, {
        option: name,
      });
    }
    const prior = seenFrom.get(key);
    if (prior !== undefined && raw[prior] !== value) {
      throw new ConfigError(`${subsystem}: options '${prior}' and '${name}' both set '${key}' with different values`, { option: name });
    }
    seenFrom.set(key, name);
    if (typeof value !== "string") {
      throw new ConfigError(`${subsystem}: option '${name}' must be a string, got ${typeof value}`, { option: name });
    }
    const r = shape[key].safeParse(value);
    if (!r.success) {
      const message = r.error.issues[0]?.message ?? "is invalid";
      throw new ConfigError(`${subsystem}: option '${name}' ${message}, got ${JSON.stringify(value)}`, { option: name });
    }
    out[key] = r.data;
  }
  return out as { [K in keyof S]?: z.output<S[K]> };
}
