/**
 * How sluice reaches S3: endpoint, region, addressing style, credentials and the request limits,
 * from the environment and the session configuration.
 *
 * Sources, later ones winning:
 * 1. the standard environment: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`; `AWS_REGION`, else
 *    `AWS_DEFAULT_REGION`; credentials through the AWS SDK's default chain (environment, shared
 *    profile files, SSO, web identity, container and instance metadata);
 * 2. session settings, as Spark and Glue scripts write them (`spark.hadoop.fs.s3a.endpoint`,
 *    `…endpoint.region`, `…path.style.access`, `…access.key`/`…secret.key`/`…session.token`,
 *    `…connection.maximum`, `…attempts.maximum`) or under `sluice.s3.*` (see {@link S3_SETTING_KEYS}).
 *
 * Settings are per thread (each thread has its own storages): {@link configureS3} replaces them, and
 * the threads sluice starts receive them explicitly. Credentials are held here only to build the
 * client; nothing renders them ({@link describeS3Settings} names their source, never their value).
 */
import { ConfigError, suggestion } from "../../errors.js";

/** Static credentials given in the session configuration (the default chain is used otherwise). */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Everything an {@link S3Storage} needs to reach its bucket. */
export interface S3Settings {
  /** `http(s)://host[:port]` of an S3-compatible endpoint, or null for AWS's regional endpoint. */
  readonly endpoint: string | null;
  readonly region: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`. */
  readonly forcePathStyle: boolean;
  /** Static credentials, or null to use the AWS SDK's default chain. */
  readonly credentials: S3Credentials | null;
  /** Attempts per request, the first included (retries on 5xx, throttling, timeouts, resets). */
  readonly maxAttempts: number;
  /** Requests in flight at once per bucket (and the HTTP agent's socket limit). */
  readonly maxConnections: number;
  /** A request (sent and answered) taking longer than this fails and is retried. */
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  /** First retry delay; each retry doubles it, with full jitter, up to {@link retryMaxDelayMs}. */
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Part size of multipart uploads (the streaming writer); S3's minimum is 5 MiB. */
  readonly multipartPartBytes: number;
}

/** The session settings read, with the sluice names first; `spark.hadoop.fs.s3a.*` aliases follow. */
export const S3_SETTING_KEYS = {
  endpoint: ["sluice.s3.endpoint", "spark.hadoop.fs.s3a.endpoint"],
  region: ["sluice.s3.region", "spark.hadoop.fs.s3a.endpoint.region"],
  forcePathStyle: ["sluice.s3.forcePathStyle", "spark.hadoop.fs.s3a.path.style.access"],
  accessKeyId: ["sluice.s3.accessKeyId", "spark.hadoop.fs.s3a.access.key"],
  secretAccessKey: ["sluice.s3.secretAccessKey", "spark.hadoop.fs.s3a.secret.key"],
  sessionToken: ["sluice.s3.sessionToken", "spark.hadoop.fs.s3a.session.token"],
  maxAttempts: ["sluice.s3.maxAttempts", "spark.hadoop.fs.s3a.attempts.maximum"],
  maxConnections: ["sluice.s3.maxConnections", "spark.hadoop.fs.s3a.connection.maximum"],
  requestTimeoutMs: ["sluice.s3.requestTimeoutMs"],
  connectionTimeoutMs: ["sluice.s3.connectionTimeoutMs"],
  retryBaseDelayMs: ["sluice.s3.retryBaseDelayMs"],
  retryMaxDelayMs: ["sluice.s3.retryMaxDelayMs"],
  multipartPartBytes: ["sluice.s3.multipartPartBytes", "spark.hadoop.fs.s3a.multipart.size"],
} as const;

const SLUICE_KEYS: readonly string[] = Object.values(S3_SETTING_KEYS).map((names) => names[0]);

const DEFAULTS = {
  region: "us-east-1",
  maxAttempts: 8,
  maxConnections: 32,
  requestTimeoutMs: 60_000,
  connectionTimeoutMs: 5_000,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 10_000,
  multipartPartBytes: 8 * 1024 * 1024,
} as const;

const MIN_PART_BYTES = 5 * 1024 * 1024;

/** Whether a session setting is one {@link configureS3} reads (so the session forwards it). */
export function isS3Setting(key: string): boolean {
  return key.startsWith("sluice.s3.") || key.startsWith("spark.hadoop.fs.s3a.");
}

/**
 * Checks the S3 session settings in `conf` (the `sluice.s3.*` ones must be known; Hadoop's other
 * `fs.s3a.*` knobs are accepted and ignored) and computes the settings with the environment.
 * @throws ConfigError naming the setting and its bad value.
 */
export function s3SettingsFrom(conf: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env, checkPairs = true): S3Settings {
  for (const key of Object.keys(conf)) {
    if (key.startsWith("sluice.s3.") && !SLUICE_KEYS.includes(key)) {
      throw new ConfigError(`s3: unknown setting '${key}'${suggestion(key, SLUICE_KEYS)}`, { option: key });
    }
  }
  const pick = (names: readonly string[]): string | undefined => {
    for (const n of names) {
      const v = conf[n];
      if (v !== undefined && v.trim() !== "") return v.trim();
    }
    return undefined;
  };
  const endpoint = normalizeEndpoint(pick(S3_SETTING_KEYS.endpoint) ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? null);
  const region = pick(S3_SETTING_KEYS.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULTS.region;
  const pathStyle = pick(S3_SETTING_KEYS.forcePathStyle);
  const forcePathStyle = pathStyle !== undefined ? parseBoolean(pathStyle, S3_SETTING_KEYS.forcePathStyle) : endpoint !== null && impliesPathStyle(endpoint);
  const accessKeyId = pick(S3_SETTING_KEYS.accessKeyId);
  const secretAccessKey = pick(S3_SETTING_KEYS.secretAccessKey);
  if (checkPairs && (accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(`s3: set both ${S3_SETTING_KEYS.accessKeyId[0]} and ${S3_SETTING_KEYS.secretAccessKey[0]} (or their fs.s3a names), or neither`, {
      option: accessKeyId === undefined ? S3_SETTING_KEYS.accessKeyId[0] : S3_SETTING_KEYS.secretAccessKey[0],
    });
  }
  const sessionToken = pick(S3_SETTING_KEYS.sessionToken);
  const credentials =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) }
      : null;
  const int = (names: readonly string[], fallback: number, min: number): number => {
    const v = pick(names);
    if (v === undefined) return fallback;
    const n = parseSize(v);
    if (n === null || !Number.isSafeInteger(n) || n < min) {
      throw new ConfigError(`s3: setting '${names[0]}' must be an integer ≥ ${String(min)}, got ${JSON.stringify(v)}`, { option: names[0] });
    }
    return n;
  };
  return {
    endpoint,
    region,
    forcePathStyle,
    credentials,
    maxAttempts: int(S3_SETTING_KEYS.maxAttempts, DEFAULTS.maxAttempts, 1),
    maxConnections: int(S3_SETTING_KEYS.maxConnections, DEFAULTS.maxConnections, 1),
    requestTimeoutMs: int(S3_SETTING_KEYS.requestTimeoutMs, DEFAULTS.requestTimeoutMs, 1),
    connectionTimeoutMs: int(S3_SETTING_KEYS.connectionTimeoutMs, DEFAULTS.connectionTimeoutMs, 1),
    retryBaseDelayMs: int(S3_SETTING_KEYS.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs, 0),
    retryMaxDelayMs: int(S3_SETTING_KEYS.retryMaxDelayMs, DEFAULTS.retryMaxDelayMs, 0),
    multipartPartBytes: int(S3_SETTING_KEYS.multipartPartBytes, DEFAULTS.multipartPartBytes, MIN_PART_BYTES),
  };
}

/** The S3 session settings of `conf` (what a thread needs to rebuild the same settings). */
export function s3Conf(conf: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(conf).filter(([k]) => isS3Setting(k)));
}

let current: { conf: Record<string, string>; settings: S3Settings | null; generation: number } | null = null;
let generation = 0;

/**
 * Replaces this thread's S3 session settings (the S3 entries of a session's configuration). Storages
 * resolved afterwards use the new settings; ones already handed out keep theirs. Each value is
 * checked here; rules across settings (both halves of static credentials) when an `s3://`
 * location is next resolved, since a session sets its settings one at a time.
 * @throws ConfigError for a bad setting (the previous settings stay).
 */
export function configureS3(conf: Readonly<Record<string, string>>): void {
  const own = s3Conf(conf);
  s3SettingsFrom(own, process.env, false);
  // The same settings keep the storages (and their connections) already made.
  if (current !== null && sameConf(current.conf, own)) return;
  current = { conf: own, settings: null, generation: ++generation };
}

function sameConf(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * This thread's S3 settings and their generation (it changes whenever they are replaced).
 * @throws ConfigError when the settings do not fit together.
 */
export function currentS3Settings(): { readonly settings: S3Settings; readonly generation: number } {
  current ??= { conf: {}, settings: null, generation: ++generation };
  current.settings ??= s3SettingsFrom(current.conf);
  return { settings: current.settings, generation: current.generation };
}

/** The S3 session settings this thread was configured with, to hand to another thread. */
export function currentS3Conf(): Record<string, string> {
  return { ...(current?.conf ?? {}) };
}

/** A one-line description for messages: endpoint, region and where credentials come from (never their value). */
export function describeS3Settings(s: S3Settings): string {
  const where = s.endpoint ?? `AWS (${s.region})`;
  return `endpoint ${where}${s.forcePathStyle ? ", path-style" : ""}, credentials from ${s.credentials === null ? "the AWS default chain" : "the session configuration"}`;
}

/** Whether an endpoint's host is an IP address or `localhost`, which cannot take a bucket as a subdomain. */
export function impliesPathStyle(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return host === "localhost" || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[");
}

function normalizeEndpoint(raw: string | null): string | null {
  if (raw === null || raw.trim() === "") return null;
  let text = raw.trim();
  // Hadoop's fs.s3a.endpoint is often written without a scheme ("s3.eu-west-1.amazonaws.com").
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = "https://" + text;
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new ConfigError(`s3: the endpoint ${JSON.stringify(redactUserInfo(raw))} is not a URL`, { cause, option: S3_SETTING_KEYS.endpoint[0] });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`s3: the endpoint ${JSON.stringify(redactUserInfo(raw))} must be an http or https URL`, { option: S3_SETTING_KEYS.endpoint[0] });
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(`s3: the endpoint must not carry credentials; use the AWS credential chain`, { option: S3_SETTING_KEYS.endpoint[0] });
  }
  return url.origin + (url.pathname === "/" ? "" : url.pathname.replace(/\/+$/, ""));
}

function parseBoolean(v: string, names: readonly string[]): boolean {
  const l = v.toLowerCase();
  if (l === "true") return true;
  if (l === "false") return false;
  throw new ConfigError(`s3: setting '${names[0]}' must be true or false, got ${JSON.stringify(v)}`, { option: names[0] });
}

/** An integer, with Hadoop's size suffixes (`64M`, `128K`, `1G`) as fs.s3a.multipart.size allows. */
function parseSize(v: string): number | null {
  const m = /^(\d+)([kmg])?$/i.exec(v);
  if (m === null) return null;
  const unit = m[2] === undefined ? 1 : { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "k" | "m" | "g"];
  return Number(m[1]) * unit;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** `scheme://user:secret@host` → `scheme://***@host`: an endpoint in a message never shows credentials. */
function redactUserInfo(endpoint: string): string {
  return endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}
