/**
 * Reading classic Parquet checkpoints (single-file `N.checkpoint.parquet` or multi-part
 * `N.checkpoint.K.M.parquet`) into actions, and the `_last_checkpoint` hint.
 */
import type { Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/url.js";
import { parquetSourceFromStorage, readParquet, readParquetSchema } from "../../formats/parquet/parquet-reader.js";
import { batchToRows } from "../../columnar/values.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { parseAction, toPlain } from "./actions.js";
import type { DeltaAction } from "./actions.js";

/** The columns of a checkpoint that replay needs (others, e.g. `commitInfo` or `cdc`, are skipped). */
const CHECKPOINT_COLUMNS = ["protocol", "metaData", "txn", "add", "remove"];

/** The content of `_delta_log/_last_checkpoint`, a hint to the newest checkpoint. */
export interface LastCheckpointHint {
  readonly version: number;
  /** Number of parts of a multi-part checkpoint. */
  readonly parts?: number;
}

/**
 * Reads the actions of every part of a checkpoint, in part order. Only the columns replay needs are
 * decoded; a part lacking one of them (a writer may omit empty ones) is read without it.
 * @throws SourceError when a part cannot be read or holds a malformed action.
 */
export async function readCheckpoint(storage: Storage, partKeys: readonly string[]): Promise<DeltaAction[]> {
  const out: DeltaAction[] = [];
  for (const key of partKeys) {
    const where = toDisplayUrl(storage, key);
    const source = await parquetSourceFromStorage(storage, key);
    const present = new Set((await readParquetSchema(source, { path: where })).fields.map((f) => f.name));
    const columns = CHECKPOINT_COLUMNS.filter((c) => present.has(c));
    const { batches } = await readParquet(source, { columns, path: where });
    for (const batch of batches) {
      for (const row of batchToRows(batch)) {
        const action = parseAction(toPlain(row), where);
        if (action !== null) out.push(action);
      }
    }
  }
  return out;
}

/**
 * Reads `_last_checkpoint` under `logPrefix` (which ends in `/`). Returns `null` when it is absent,
 * unreadable or malformed (`version` not a non-negative integer, `parts` present but not a
 * positive integer): it is only a hint, which readers check against the listing, and listing the
 * log is the fallback.
 */
export async function readLastCheckpoint(storage: Storage, logPrefix: string): Promise<LastCheckpointHint | null> {
  let value: unknown;
  try {
    const bytes = await storage.get(`${logPrefix}_last_checkpoint`);
    value = JSON.parse(decodeUtf8(bytes, 0, bytes.length));
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object") return null;
  const { version, parts } = value as { version?: unknown; parts?: unknown };
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0) return null;
  if (parts === undefined || parts === null) return { version };
  if (typeof parts !== "number" || !Number.isSafeInteger(parts) || parts < 1) return null;
  return { version, parts };
}
