/**
 * Glue's job helpers: `getResolvedOptions(sys.argv, [...])` and `Job.init/commit`.
 */
import { ConfigError } from "../errors.js";
import type { GlueContext } from "./glue-context.js";
import type { SparkSession } from "../api/session.js";

/** Options Glue registers itself (optional, hyphens become underscores in the result). */
const RESERVED = ["job-bookmark-option", "continuation-option", "job-bookmark-from", "job-bookmark-to", "JOB_ID", "JOB_RUN_ID", "SECURITY_CONFIGURATION", "encryption-type", "enable-data-lineage", "RedshiftTempDir", "TempDir"];

const BOOKMARK_CHOICES = ["job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"];
const CONTINUATION_CHOICES = ["continuation-enabled", "continuation-readonly", "continuation-ignore"];

/**
 * Glue's `getResolvedOptions(args, options)`: the values of `--NAME value` or `--NAME=value`
 * arguments for each requested `NAME` (all required), plus Glue's own optional arguments when
 * given (`--job-bookmark-option` → `job_bookmark_option`, default `job-bookmark-disable`;
 * `--TempDir`, `--JOB_ID`, …). `args[0]` is skipped, as Glue skips the script name (pass
 * `process.argv`, whose first two entries are node and the script; both are skipped); other
 * arguments are ignored. Keys keep the requested names; hyphens in Glue's own names become
 * underscores, as Python's argparse makes them.
 * @throws ConfigError `the following arguments are required: --a, --b`, or for a reserved name or a bad choice.
 */
export function getResolvedOptions(args: readonly string[], options: readonly string[]): Record<string, string> {
  for (const o of options) {
    if (["job-bookmark-option", "continuation-option", "job-bookmark-from", "job-bookmark-to"].includes(o)) throw new ConfigError(`getResolvedOptions: using reserved arguments ${o}`);
  }
  // process.argv is [node, script, ...]; Python's sys.argv is [script, ...].
  const first = args[0] ?? "";
  const isNode = first === process.execPath || first === process.argv0 || /(^|[/\\])node(js)?(\.exe)?$/.test(first);
  const rest = args.length >= 2 && isNode ? args.slice(2) : args.slice(1);
  const values = new Map<string, string>();
  const wanted = new Set([...options.filter((o) => o !== "TempDir" && o !== "RedshiftTempDir"), ...RESERVED]);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!wanted.has(name) && !options.includes(name)) continue;
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = rest[i + 1];
      if (value === undefined || (value.startsWith("--") && value.length > 2)) throw new ConfigError(`getResolvedOptions: argument --${name}: expected one argument`);
      i++;
    }
    values.set(name, value);
  }
  const missing = options.filter((o) => o !== "TempDir" && o !== "RedshiftTempDir" && !values.has(o));
  if (missing.length > 0) throw new ConfigError(`getResolvedOptions: the following arguments are required: ${missing.map((m) => `--${m}`).join(", ")}`);
  const out: Record<string, string> = {};
  for (const o of options) {
    const v = values.get(o);
    if (v !== undefined) out[o] = v;
  }
  for (const r of RESERVED) {
    const v = values.get(r);
    if (v !== undefined) out[r.replaceAll("-", "_")] = v;
  }
  const bookmark = out.job_bookmark_option;
  if (bookmark !== undefined && !BOOKMARK_CHOICES.includes(bookmark)) {
    throw new ConfigError(`getResolvedOptions: argument --job-bookmark-option: invalid choice: '${bookmark}' (choose from ${BOOKMARK_CHOICES.map((c) => `'${c}'`).join(", ")})`);
  }
  const continuation = out.continuation_option;
  if (continuation !== undefined) {
    const i = CONTINUATION_CHOICES.indexOf(continuation);
    if (i < 0) throw new ConfigError(`getResolvedOptions: argument --continuation-option: invalid choice: '${continuation}'`);
    out.job_bookmark_option = BOOKMARK_CHOICES[i];
    delete out.continuation_option;
  }
  out.job_bookmark_option ??= "job-bookmark-disable";
  if (out.TempDir !== undefined) out.RedshiftTempDir ??= out.TempDir;
  else if (out.RedshiftTempDir !== undefined) out.TempDir = out.RedshiftTempDir;
  return out;
}

/**
 * Glue's `Job`: `job.init(args["JOB_NAME"], args)` … `job.commit()`. Streaming jobs keep their
 * position in their queries' checkpoints, as in Glue, where job bookmarks do not apply to
 * streaming; sluice has no job bookmarks, so `--job-bookmark-option job-bookmark-enable` (or
 * `pause`) is refused by `init` rather than silently ignored.
 */
export class Job {
  private name: string | null = null;
  private committed = false;

  constructor(readonly glue_context: GlueContext | SparkSession) {}

  /** Starts the job `job_name` with the resolved arguments. */
  init(job_name: string, args: Readonly<Record<string, string>> = {}): void {
    if (job_name === "") throw new ConfigError("Job.init: the job name is empty");
    const bookmark = args.job_bookmark_option ?? "job-bookmark-disable";
    if (bookmark !== "job-bookmark-disable") {
      throw new ConfigError(`Job.init: --job-bookmark-option ${bookmark} is not supported: sluice has no job bookmarks; streaming queries keep their position in their checkpointLocation`, {
        option: "job-bookmark-option",
      });
    }
    this.name = job_name;
  }

  /** Whether {@link init} was called. */
  isInitialized(): boolean {
    return this.name !== null;
  }

  /** Ends the job (with bookmarks disabled there is no state to save). */
  commit(): void {
    if (this.name === null) throw new ConfigError("Job.commit: the job was not initialized (call job.init first)");
    this.committed = true;
  }

  /** The job's name, once initialized. */
  get jobName(): string | null {
    return this.name;
  }

  /** Whether {@link commit} was called. */
  get isCommitted(): boolean {
    return this.committed;
  }
}
