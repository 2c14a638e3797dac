/**
 * `sluice checkpoint import-spark SRC DST`: moving a streaming job from Spark or AWS Glue to
 * sluice without reprocessing or skipping. It reads the latest committed batch of a Spark
 * checkpoint and writes a new sluice checkpoint at DST whose last committed batch is that one,
 * with the same offsets and query id: the sluice query then resumes with the next batch, from
 * the Kafka offsets where the Spark query stopped.
 *
 * Only Kafka offsets are imported (every source of the query must be Kafka). Spark's state store
 * (RocksDB or HDFS-backed, under `state/`) is not read: stateful operators (dropDuplicates,
 * aggregations) start empty at the next batch (the `metadata` file says so, see
 * `STATE_EMPTY_AT`), which the command reports when SRC has state.
 */
import { Checkpoint, STATE_EMPTY_AT } from "../checkpoint/checkpoint.js";
import { parsePartitionOffsets } from "../connectors/kafka/kafka-offsets.js";
import { AlreadyExistsError, ConfigError, CorruptCheckpointError } from "../errors.js";
import { folderPrefix, resolveLocation } from "../storage/resolve.js";
import { toDisplayUrl } from "../storage/url.js";
import { encodeUtf8 } from "../columnar/utf8.js";
import { StateStore } from "../state/state-store.js";
import type { StateSchema, StateValueCodec } from "../state/state-store.js";
import type { ObjectInfo, Storage } from "../storage/storage.js";
import { parseArgs, UsageError } from "./cli-args.js";
import type { CliIO } from "./cli-args.js";

/** Help text of `sluice checkpoint`. */
export const CHECKPOINT_HELP = `Usage: sluice checkpoint show DIR [--json]
       sluice checkpoint import-spark SRC DST

show: what a streaming query's checkpoint DIR (sluice's or Spark's layout) says: the query id,
the last committed batch, its watermark and end offsets per source, a batch planned but not
committed (run again on restart), the batch a restart runs next, and per stateful operator and
partition: what it keeps, the state version a restart loads with its row count, the versions
and snapshot on disk, and their files and bytes.

import-spark:

Makes a new sluice checkpoint at DST that resumes a Spark or AWS Glue streaming query from the
Kafka offsets of the latest batch committed in its checkpoint SRC (Spark's layout: metadata,
offsets/N, commits/N). Point the sluice job's checkpointLocation at DST: its first batch is the
Spark query's next one, so nothing is read twice or skipped. The query id is kept, so a Delta
sink recognises the batches the Spark query already committed.

Every source of the query must be Kafka. Spark's state store is not imported: dropDuplicates and
aggregations start empty. DST must not exist or must be empty.

Options:
  --verbose    print stack traces and causes on errors

Exit codes: 0 ok, 1 the checkpoint could not be imported, 2 usage error.
`;

/** Runs `sluice checkpoint` with the arguments after `checkpoint`; resolves to the exit code. */
export async function checkpointCommand(args: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "show") return show(rest, io);
  if (sub !== "import-spark") {
    throw new UsageError(sub === undefined ? "checkpoint: missing subcommand; expected show or import-spark" : `checkpoint: unknown subcommand '${sub}'; expected show or import-spark`, CHECKPOINT_HELP);
  }
  const parsed = parseArgs(rest, {}, "checkpoint import-spark", CHECKPOINT_HELP);
  if (parsed.positionals.length !== 2) throw new UsageError(`checkpoint import-spark: expected SRC and DST, got ${parsed.positionals.length} argument(s)`, CHECKPOINT_HELP);
  const [src, dst] = parsed.positionals;
  const r = await importSparkCheckpoint(src, dst);
  io.out(
    `imported batch ${r.batchId} of ${r.source} into ${r.destination} (query id ${r.queryId})\n` +
      r.offsets.map((o, i) => `  source ${i}: ${o}\n`).join("") +
      `the sluice query resumes with batch ${r.batchId + 1}\n` +
      (r.hasState ? "note: the Spark checkpoint has operator state (state/), which is not imported: stateful operators start empty\n" : ""),
  );
  return 0;
}

/** `sluice checkpoint show DIR [--json]`. Reads only: a folder without `metadata` is refused, never created. */
async function show(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { json: "boolean" }, "checkpoint show", CHECKPOINT_HELP);
  if (parsed.positionals.length !== 1) throw new UsageError(`checkpoint show: expected one checkpoint folder, got ${parsed.positionals.length}`, CHECKPOINT_HELP);
  const at = resolveLocation(parsed.positionals[0]);
  const prefix = folderPrefix(at.key);
  const url = toDisplayUrl(at.storage, prefix);
  if (!(await at.storage.exists(prefix + "metadata"))) throw new CorruptCheckpointError(`checkpoint show: ${url} is not a streaming checkpoint (it has no metadata file)`, { path: url });
  const cp = await Checkpoint.open({ storage: at.storage, prefix });
  const plan = await cp.recover();
  const stateFiles = await at.storage.list(prefix + "state/");
  const operators = [...new Set(stateFiles.map((o) => o.path.slice(prefix.length + "state/".length).split("/")[0]))].filter((x) => /^\d+$/.test(x)).sort((a, b) => Number(a) - Number(b));
  // The state version the last committed batch left: batch N commits version N + 1.
  const committedVersion = plan.lastCommitted === null ? 0 : plan.lastCommitted.batchId + 1;
  const state = [];
  for (const op of operators) state.push(await describeOperatorState(at.storage, `${prefix}state/${op}/`, Number(op), stateFiles, committedVersion, cp.stateEmptyAtVersion));
  const report = {
    checkpoint: url,
    queryId: cp.id,
    lastCommitted: plan.lastCommitted === null ? null : { batchId: plan.lastCommitted.batchId, nextBatchWatermarkMs: plan.lastCommitted.commit.nextBatchWatermarkMs, offsets: plan.lastCommitted.offsets?.offsets ?? null },
    inFlight: plan.rerun === null ? null : { batchId: plan.rerun.batchId, offsets: plan.rerun.offsets.offsets },
    nextBatchId: plan.nextBatchId,
    stateOperators: state,
    stateEmptyAtVersion: cp.stateEmptyAtVersion ?? null,
  };
  if (parsed.flags.has("json")) {
    io.out(JSON.stringify(report, null, 2) + "\n");
    return 0;
  }
  const lines = [`checkpoint ${url}`, `  query id        ${cp.id}`];
  const c = report.lastCommitted;
  const watermark = (ms: number) => (ms === 0 ? "none" : `${new Date(ms).toISOString()}, ${ms} ms`);
  lines.push(c === null ? "  last committed  none (the query has not committed a batch)" : `  last committed  batch ${c.batchId} (next watermark ${watermark(c.nextBatchWatermarkMs)})`);
  for (const [i, o] of (c?.offsets ?? []).entries()) lines.push(`    source ${i} end offset: ${o ?? "-"}`);
  if (report.inFlight !== null) {
    lines.push(`  in flight       batch ${report.inFlight.batchId} planned but not committed: a restart runs it again with the same offsets`);
    for (const [i, o] of report.inFlight.offsets.entries()) lines.push(`    source ${i} end offset: ${o ?? "-"}`);
  }
  lines.push(`  next batch      ${report.nextBatchId}`);
  lines.push(`  state           ${operators.length === 0 ? "none" : `operators ${operators.join(", ")} (state/<operator>/)`}${report.stateEmptyAtVersion === null ? "" : `; empty before version ${report.stateEmptyAtVersion} (imported from Spark)`}`);
  for (const s of state) {
    lines.push(`    operator ${s.operatorId}${s.schema === null ? "" : `: ${s.schema.operator}, key [${s.schema.key}], value [${s.schema.value}]`}`);
    for (const p of s.partitions) {
      const rows = p.rows === null ? "rows unknown" : `${p.rows} rows`;
      lines.push(`      partition ${p.partition}${p.store === null ? "" : ` (${p.store})`}: version ${p.version} (${rows}), versions ${p.oldestVersion}–${p.newestVersion} on disk, last snapshot ${p.snapshotVersion ?? "none"}, ${p.files} files, ${p.bytes} bytes`);
    }
  }
  io.out(lines.join("\n") + "\n");
  return 0;
}

/** One stateful operator's state, as `checkpoint show` reports it. */
interface OperatorState {
  readonly operatorId: number;
  /** What the operator recorded of its state (`_metadata/schema.json`), or null (Spark's, or older sluice). */
  readonly schema: StateSchema | null;
  readonly partitions: readonly {
    /** The store within the operator (a stream–stream join's `left` or `right`), or null for its only one. */
    readonly store: string | null;
    readonly partition: number;
    /** The version the last committed batch left, which a restart loads. */
    readonly version: number;
    /** Keys in that version, or null when it cannot be loaded (another layout, or files missing). */
    readonly rows: number | null;
    readonly oldestVersion: number;
    readonly newestVersion: number;
    readonly snapshotVersion: number | null;
    readonly files: number;
    readonly bytes: number;
  }[];
}

async function describeOperatorState(
  storage: Storage,
  opPrefix: string,
  operatorId: number,
  files: readonly ObjectInfo[],
  version: number,
  emptyAtVersion: number | undefined,
): Promise<OperatorState> {
  const readSchema = async (prefix: string): Promise<StateSchema | null> => {
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(await storage.get(`${prefix}_metadata/schema.json`)));
      if (typeof parsed === "object" && parsed !== null && "operator" in parsed && "key" in parsed && "value" in parsed) {
        return { operator: String(parsed.operator), key: String(parsed.key), value: String(parsed.value) };
      }
    } catch {
      // No schema recorded: Spark's state, or sluice's before schemas were recorded.
    }
    return null;
  };
  // `<partition>/<v>.delta`, or `<store>/<partition>/<v>.delta` for an operator with several
  // stores (a stream–stream join keeps `left/` and `right/`).
  const byStore = new Map<string, { store: string | null; partition: number; files: ObjectInfo[] }>();
  for (const f of files) {
    const m = /^(?:([a-z]+)\/)?(\d+)\/(\d+)\.(delta|snapshot)$/.exec(f.path.slice(opPrefix.length));
    if (!f.path.startsWith(opPrefix) || m === null) continue;
    const id = `${m[1] ?? ""}/${m[2]}`;
    const entry = byStore.get(id) ?? { store: m[1] ?? null, partition: Number(m[2]), files: [] };
    entry.files.push(f);
    byStore.set(id, entry);
  }
  let schema = await readSchema(opPrefix);
  const partitions = [];
  for (const { store: sub, partition, files: list } of [...byStore.values()].sort((a, b) => (a.store ?? "").localeCompare(b.store ?? "") || a.partition - b.partition)) {
    const prefix = sub === null ? opPrefix : `${opPrefix}${sub}/`;
    schema ??= await readSchema(prefix);
    const versions = list.map((f) => Number(/(\d+)\.(?:delta|snapshot)$/.exec(f.path)?.[1] ?? 0));
    const snapshots = list.filter((f) => f.path.endsWith(".snapshot")).map((f) => Number(/(\d+)\.snapshot$/.exec(f.path)?.[1] ?? 0));
    // Count the keys by loading the version with a codec that skips every value.
    const skip: StateValueCodec = { writeValue() {}, readValue: (_id, v) => void v.skip(v.remaining), reset() {} };
    const store = new StateStore({ storage, prefix, ...(emptyAtVersion === undefined ? {} : { emptyAtVersion }) }, skip, { partition, operator: `state operator ${operatorId}` });
    let rows: number | null;
    try {
      await store.load(version);
      rows = store.keys.size;
    } catch {
      rows = null;
    }
    partitions.push({
      store: sub,
      partition,
      version,
      rows,
      oldestVersion: Math.min(...versions),
      newestVersion: Math.max(...versions),
      snapshotVersion: snapshots.length === 0 ? null : Math.max(...snapshots),
      files: list.length,
      bytes: list.reduce((n, f) => n + f.size, 0),
    });
  }
  return { operatorId, schema, partitions };
}

/** What {@link importSparkCheckpoint} did. */
export interface ImportResult {
  readonly source: string;
  readonly destination: string;
  readonly queryId: string;
  /** The batch imported: the latest committed in the Spark checkpoint. */
  readonly batchId: number;
  /** Its Kafka offsets, per source, as Spark's JSON. */
  readonly offsets: readonly string[];
  /** Whether the Spark checkpoint has a `state/` folder (not imported). */
  readonly hasState: boolean;
}

/**
 * Imports the latest committed batch of the Spark checkpoint at `src` into a new checkpoint at
 * `dst` (see the module comment).
 * @throws ConfigError when `dst` is not empty; CorruptCheckpointError when `src` has no committed
 *   batch, lacks its offsets, or holds offsets that are not Kafka's.
 */
export async function importSparkCheckpoint(src: string, dst: string): Promise<ImportResult> {
  const from = resolveLocation(src);
  const fromPrefix = folderPrefix(from.key);
  const fromUrl = toDisplayUrl(from.storage, fromPrefix);
  if (!(await from.storage.exists(fromPrefix + "metadata"))) {
    throw new CorruptCheckpointError(`checkpoint import-spark: ${fromUrl} is not a streaming checkpoint (it has no metadata file)`, { path: fromUrl });
  }
  const spark = await Checkpoint.open({ storage: from.storage, prefix: fromPrefix });
  const commit = await spark.latestCommit();
  if (commit === null) throw new CorruptCheckpointError(`checkpoint import-spark: ${fromUrl} has no committed batch (commits/ is empty): nothing to resume from`, { path: fromUrl });
  const seq = await spark.readOffsets(commit.batchId);
  if (seq === null) {
    throw new CorruptCheckpointError(`checkpoint import-spark: ${fromUrl} has commits/${commit.batchId} but no offsets/${commit.batchId}`, { path: fromUrl, batchId: commit.batchId });
  }
  const offsets = seq.offsets.map((o, i) => {
    const where = `${fromUrl}offsets/${commit.batchId}`;
    if (o === null) throw new CorruptCheckpointError(`checkpoint import-spark: source ${i} has no offset in ${where}`, { path: where });
    try {
      parsePartitionOffsets(o, { file: where }, 0);
    } catch {
      throw new CorruptCheckpointError(`checkpoint import-spark: source ${i} in ${where} is not a Kafka source (its offset is ${o}); only Kafka offsets can be imported`, { path: where });
    }
    return o;
  });
  const hasState = (await from.storage.list(fromPrefix + "state/")).length > 0;

  const to = resolveLocation(dst);
  const toPrefix = folderPrefix(to.key);
  const toUrl = toDisplayUrl(to.storage, toPrefix);
  if ((await to.storage.list(toPrefix)).length > 0) throw new ConfigError(`checkpoint import-spark: ${toUrl} is not empty; import into a new folder`, { path: toUrl });
  try {
    // Batch N+1 loads state version N+1: stateful operators start empty there.
    await to.storage.put(toPrefix + "metadata", encodeUtf8(JSON.stringify({ id: spark.id, [STATE_EMPTY_AT]: commit.batchId + 1 })), { ifNotExists: true });
  } catch (e) {
    if (e instanceof AlreadyExistsError) throw new ConfigError(`checkpoint import-spark: ${toUrl} was created meanwhile; import into a new folder`, { path: toUrl });
    throw e;
  }
  const sluice = await Checkpoint.open({ storage: to.storage, prefix: toPrefix });
  const metadata = seq.metadata ?? { batchWatermarkMs: 0, batchTimestampMs: Date.now(), conf: {} };
  await sluice.writeOffsets(commit.batchId, metadata, offsets);
  await sluice.writeCommit(commit.batchId, commit.commit.nextBatchWatermarkMs);
  return { source: fromUrl, destination: toUrl, queryId: spark.id, batchId: commit.batchId, offsets, hasState };
}
