/**
 * Every error sluice raises is a {@link SluiceError} with a stable `code` from the closed list
 * below, a `retryable` flag, an optional `cause`, and context naming where it happened.
 *
 * Messages start with the subsystem and name the offending value, e.g.
 * `delta commit: version 12 already exists at s3://b/t/_delta_log/00000000000000000012.json`.
 */

/** The closed list of error codes. Codes are stable: users match on them. */
export const ErrorCodes = {
  /** An option or setting is unknown or has an invalid value. */
  CONFIG: "SLUICE_CONFIG",
  /** The query is invalid: unknown column, type mismatch, unsupported streaming operation. */
  ANALYSIS: "SLUICE_ANALYSIS",
  /** A SQL expression or DDL string could not be parsed. */
  PARSE: "SLUICE_PARSE",
  /** A source failed to list, read or decode its input. */
  SOURCE: "SLUICE_SOURCE",
  /** A sink failed to write or commit. */
  SINK: "SLUICE_SINK",
  /** A storage operation failed (I/O, permissions, network). */
  STORAGE: "SLUICE_STORAGE",
  /** The object does not exist. */
  NOT_FOUND: "SLUICE_NOT_FOUND",
  /** A put-if-absent found the object already there. */
  ALREADY_EXISTS: "SLUICE_ALREADY_EXISTS",
  /** A concurrent writer won a commit; re-read and retry. */
  COMMIT_CONFLICT: "SLUICE_COMMIT_CONFLICT",
  /** The checkpoint folder is unreadable or inconsistent. */
  CORRUPT_CHECKPOINT: "SLUICE_CORRUPT_CHECKPOINT",
  /** A value could not be evaluated (e.g. a function called on bad input where Spark errors too). */
  EXECUTION: "SLUICE_EXECUTION",
  /** A row failed an `expectOrFail` data-quality rule. */
  EXPECTATION_FAILED: "SLUICE_EXPECTATION_FAILED",
  /** The query was stopped while an operation waited. */
  STOPPED: "SLUICE_STOPPED",
  /** A bug in sluice: an invariant did not hold. */
  INTERNAL: "SLUICE_INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Where an error happened. Every field is optional; set what is known. */
export interface ErrorContext {
  operator?: string;
  batchId?: number;
  path?: string;
  offset?: number | string;
  option?: string;
  position?: number;
  /** The 0-based index of the offending row in data handed over by code (`createDataFrame`). */
  row?: number;
  /** The offending column (`a.b`, `a[2]` inside nested values). */
  column?: string;
  /** The data-quality rule a row failed. */
  expectation?: string;
}

export interface SluiceErrorOptions extends ErrorContext {
  cause?: unknown;
  retryable?: boolean;
}

/** Base class of every error sluice raises. */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const { cause: _cause, retryable, ...context } = options;
    this.code = code;
    this.retryable = retryable ?? false;
    this.context = context;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** An option is unknown or invalid. The message names the option and the bad value. */
export class ConfigError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.CONFIG, message, options);
  }
}

/** The query cannot run as written (Spark's AnalysisException). */
export class AnalysisError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.ANALYSIS, message, options);
  }
}

/** A SQL/DDL string could not be parsed; `context.position` is the 0-based character offset. */
export class ParseError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.PARSE, message, options);
  }
}

export class SourceError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.SOURCE, message, options);
  }
}

export class SinkError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.SINK, message, options);
  }
}

export class StorageError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}, code: ErrorCode = ErrorCodes.STORAGE) {
    super(code, message, options);
  }
}

/** The object a storage call named does not exist. */
export class NotFoundError extends StorageError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(message, options, ErrorCodes.NOT_FOUND);
  }
}

/** A put-if-absent found the object already present. */
export class AlreadyExistsError extends StorageError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(message, options, ErrorCodes.ALREADY_EXISTS);
  }
}

/** Another writer committed first; the caller may re-read and retry. */
export class CommitConflictError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.COMMIT_CONFLICT, message, { retryable: true, ...options });
  }
}

export class CorruptCheckpointError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.CORRUPT_CHECKPOINT, message, options);
  }
}

export class ExecutionError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.EXECUTION, message, options);
  }
}

/** A row failed an expectation whose action is `fail`: the query stops (DLT's ON VIOLATION FAIL UPDATE). */
export class ExpectationError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.EXPECTATION_FAILED, message, options);
  }
}

export class StoppedError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.STOPPED, message, options);
  }
}

/** An invariant inside sluice did not hold: always a bug. */
export class InternalError extends SluiceError {
  constructor(message: string, options: SluiceErrorOptions = {}) {
    super(ErrorCodes.INTERNAL, message, options);
  }
}

/** Levenshtein-based suggestion: the closest candidate within a small edit distance, if any. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** An error as it crosses a thread boundary (structured-cloneable). */
export interface SerializedError {
  /** The class name (`SourceError` …), or `Error` for non-sluice errors. */
  readonly name: string;
  readonly message: string;
  readonly context: ErrorContext | null;
  readonly retryable: boolean;
}

/** A SluiceError subclass constructor. */
type ErrorClass = new (message: string, options?: SluiceErrorOptions) => SluiceError;

/** The error classes that cross threads as themselves, by a stable name (a bundler may rename classes). */
const ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = {
  ConfigError,
  AnalysisError,
  ParseError,
  SourceError,
  SinkError,
  StorageError,
  NotFoundError,
  AlreadyExistsError,
  CommitConflictError,
  CorruptCheckpointError,
  ExecutionError,
  StoppedError,
  InternalError,
};

/** `e` as it is sent to another thread: a sluice error keeps its class, message, context and retry flag. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof SluiceError) {
    // The class is found by identity, not by `constructor.name`, which a bundler may rename.
    const name = Object.keys(ERROR_CLASSES).find((k) => ERROR_CLASSES[k] === e.constructor) ?? "InternalError";
    return { name, message: e.message, context: { ...e.context }, retryable: e.retryable };
  }
  return { name: "Error", message: e instanceof Error ? e.message : String(e), context: null, retryable: false };
}

/**
 * The error a thread rethrows for one another thread serialized: the same class when it is a
 * sluice error, else `fallback(message)` (which says where it came from).
 */
export function deserializeError(e: SerializedError, fallback: (message: string) => SluiceError): SluiceError {
  const cls = Object.hasOwn(ERROR_CLASSES, e.name) ? ERROR_CLASSES[e.name] : undefined;
  if (cls === undefined) return fallback(e.message);
  return new cls(e.message, { ...(e.context ?? {}), retryable: e.retryable });
}

/** Formats the did-you-mean tail of a message: `; did you mean 'x'?` or the empty string. */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const s = didYouMean(name, candidates);
  return s === undefined ? "" : `; did you mean '${s}'?`;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(up + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}
