/**
 * Argument parsing shared by the CLI's commands: `--name value`, `--name=value` and boolean
 * `--name` flags, positionals, and the usage error that makes a command exit 2 with its help.
 */
import { ConfigError, suggestion } from "../errors.js";

/**
 * A mistake in how a command was called (unknown option, missing argument, bad number). The CLI
 * prints the message and the command's help on stderr and exits 2.
 */
export class UsageError extends ConfigError {
  /** The help text of the command that was misused. */
  readonly help: string;

  constructor(message: string, help: string) {
    super(message);
    this.help = help;
  }
}

/** Where a command writes, and whether errors show their stacks. */
export interface CliIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly verbose: boolean;
}

/** A command's options: name (without `--`) → whether it takes a value or is a boolean flag. */
export type OptionSpec = Readonly<Record<string, "string" | "boolean">>;

/** Parsed arguments: positionals in order, string options by name, boolean flags by name. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly strings: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/**
 * Parses `args` against `spec`. `--` ends the options (everything after it is positional). A
 * string option given twice keeps the last value.
 * @throws UsageError (carrying `help`) for an unknown option, a missing value, or a value given to a flag.
 */
export function parseArgs(args: readonly string[], spec: OptionSpec, command: string, help: string): ParsedArgs {
  const positionals: string[] = [];
  const strings = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("--") || a === "-") {
      if (a.startsWith("-") && a !== "-" && !/^-\d/.test(a)) {
        throw new UsageError(`${command}: unknown option '${a}'`, help);
      }
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) {
      throw new UsageError(`${command}: unknown option '--${name}'${suggestion(name, Object.keys(spec))}`, help);
    }
    if (kind === "boolean") {
      if (eq >= 0) throw new UsageError(`${command}: option '--${name}' takes no value, got '${a.slice(eq + 1)}'`, help);
      flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    if (value === undefined) throw new UsageError(`${command}: option '--${name}' needs a value`, help);
    strings.set(name, value);
  }
  return { positionals, strings, flags };
}

/**
 * The value of a numeric option, or `fallback` when absent.
 * @throws UsageError when it is not a number within [min, max] (an integer when `integer`).
 */
export function numberOption(
  parsed: ParsedArgs,
  name: string,
  fallback: number,
  limits: { readonly min: number; readonly max?: number; readonly integer: boolean },
  command: string,
  help: string,
): number {
  const raw = parsed.strings.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const max = limits.max ?? Number.MAX_SAFE_INTEGER;
  if (raw.trim() === "" || !Number.isFinite(n) || (limits.integer && !Number.isSafeInteger(n)) || n < limits.min || n > max) {
    const what = limits.integer ? "an integer" : "a number";
    throw new UsageError(`${command}: option '--${name}' must be ${what} from ${limits.min}${limits.max === undefined ? " up" : ` to ${max}`}, got '${raw}'`, help);
  }
  return n;
}

/** True when `args` asks for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}
