/**
 * The one option validator, shared by every connector, format and writer: an option set is a zod
 * shape (one value schema per name, defaults written in the shape with `.default(…)`), and
 * {@link validateOptions} returns values whose type is inferred from it ({@link OptionValues}), so
 * no option set writes its resolved type by hand. Names are matched case-insensitively as Spark
 * does, an unknown name is a {@link ConfigError} with a did-you-mean, and a bad value names the
 * option and the value (`option 'maxFilesPerTrigger' must be a positive integer, got "abc"`).
 * Values arrive as strings, as Spark stores every option, or typed where an API takes typed
 * options (`from_json`'s map, the Parquet writer's): the value schemas accept both where it makes
 * sense.
 */
import { z } from "zod";
import { ConfigError, suggestion } from "./errors.js";

/** `true`/`false` (a boolean, or a string, case-insensitive). */
export const booleanOption = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
  if (typeof v === "boolean") return v;
  const l = v.trim().toLowerCase();
  if (l === "true") return true;
  if (l === "false") return false;
  ctx.addIssue({ code: "custom", message: "must be true or false" });
  return z.NEVER;
});

/** A positive integer (a number, or a string without sign or fraction). */
export const positiveIntOption = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const t = typeof v === "number" ? String(v) : v.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n <= 0) {
    ctx.addIssue({ code: "custom", message: "must be a positive integer" });
    return z.NEVER;
  }
  return n;
});

/** A non-negative integer (a number, or a string without sign or fraction). */
export const nonNegativeIntOption = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const t = typeof v === "number" ? String(v) : v.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "must be a non-negative integer" });
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

const SIZE_UNITS: Readonly<Record<string, number>> = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/**
 * Bytes of a size as Spark's `byteStringAsBytes` reads it: a number of bytes, or a number with a
 * binary unit `b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb`, `p`/`pb` (case-insensitive; `128mb` is
 * 128 MiB). Null when it does not parse or is not a positive safe integer.
 */
export function byteSize(text: string): number | null {
  const m = /^\s*(\d+)\s*([bkmgtp])?b?\s*$/i.exec(text);
  const n = m === null ? NaN : Number(m[1]) * SIZE_UNITS[(m[2] ?? "b").toLowerCase()];
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** A positive byte size (`134217728`, `512k`, `128mb`), as {@link byteSize} reads it. */
export const byteSizeOption = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = byteSize(String(v));
  if (n === null) {
    ctx.addIssue({ code: "custom", message: "must be a positive size such as 134217728, 128mb or 1gb" });
    return z.NEVER;
  }
  return n;
});

/** A schema of option name → value schema. */
export type OptionShape = Record<string, z.ZodType>;

/**
 * The values {@link validateOptions} returns for `S`: every name of the shape, with the schema's
 * output type; `undefined` when the option is absent and its schema has no default.
 */
export type OptionValues<S extends OptionShape> = {
  readonly [K in keyof S]: S[K] extends z.ZodDefault<z.ZodType> ? z.output<S[K]> : z.output<S[K]> | undefined;
};

/** The options a caller may pass for `S` (by canonical name; every one optional). */
export type OptionInput<S extends OptionShape> = { readonly [K in keyof S]?: z.input<S[K]> };

/**
 * Validates `raw` against `shape`. Names match case-insensitively; `aliases` maps extra names
 * (`delimiter`) to canonical ones (`sep`). Returns every option of the shape under its canonical
 * name: the parsed value, its default when absent, else undefined. `subsystem` starts every
 * message (`json source`). Entries whose value is `undefined` count as absent.
 */
export function validateOptions<S extends OptionShape>(
  subsystem: string,
  shape: S,
  raw: Readonly<Record<string, unknown>>,
  aliases: Readonly<Record<string, keyof S & string>> = {},
): OptionValues<S> {
  const canonical = new Map<string, string>();
  for (const k of Object.keys(shape)) canonical.set(k.toLowerCase(), k);
  for (const [a, k] of Object.entries(aliases)) canonical.set(a.toLowerCase(), k);
  const out: Record<string, unknown> = {};
  const seenFrom = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
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
    const r = shape[key].safeParse(value);
    if (!r.success) {
      const message = r.error.issues[0]?.message ?? "is invalid";
      throw new ConfigError(`${subsystem}: option '${name}' ${message}, got ${JSON.stringify(value)}`, { option: name });
    }
    out[key] = r.data;
  }
  for (const [key, schema] of Object.entries(shape)) {
    if (key in out || !(schema instanceof z.ZodDefault)) continue;
    out[key] = schema.parse(undefined);
  }
  return out as OptionValues<S>;
}
