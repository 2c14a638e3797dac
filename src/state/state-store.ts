/**
 * A versioned key-value state store for one stateful operator and one partition, persisted in
 * Spark's folder layout: `<prefix><partition>/<version>.delta` and `<version>.snapshot`.
 *
 * Versions follow Spark's convention: version `v` is the state after batch `v - 1` committed, so
 * batch N starts from version N and its commit writes version N + 1; version 0 is the empty state
 * and has no file. Loading version v reads the newest snapshot ≤ v, then every delta after it up to
 * v. Each commit writes `<v>.delta` with a plain put: a re-run batch (crash between the sink commit
 * and the state commit, or before) overwrites it with identical bytes. Every
 * `minDeltasForSnapshot` versions a commit also writes `<v>.snapshot`, and then deletes the files
 * no longer needed to load any of the last `minBatchesToRetain` versions. File format:
 * `state-file.ts`.
 *
 * Keys are byte strings (`columnar/key-codec.ts`) held in a {@link BytesHashTable} that the owning
 * operator probes directly on its hot path; ids in it index the operator's own per-key arrays.
 * Values stay in the operator (accumulators, or nothing for deduplication): the store asks the
 * operator's {@link StateValueCodec} to serialize a key's value when it writes a file and to
 * restore it when it loads one. A key inserted since the last commit is written by the next
 * commit; an existing key whose value changed must be reported with {@link StateStore.markUpdated}.
 */
import { BytesHashTable } from "../columnar/bytes-hash-table.js";
import { hashKey } from "../columnar/murmur3.js";
import type { Storage } from "../storage/storage.js";
import { AlreadyExistsError, AnalysisError, CorruptCheckpointError, InternalError, NotFoundError } from "../errors.js";
import { ByteReader, ByteWriter } from "./byte-io.js";
import { beginStateFile, endStateFile, OP_PUT, OP_REMOVE, readStateFile, stateFileRecordCountHint } from "./state-file.js";

/** Where a stateful operator keeps its state: `<checkpoint>/state/<operatorId>/<partition>/…`. */
export interface StateLocation {
  readonly storage: Storage;
  /** Key prefix of this operator's state folder, ending in `/`, e.g. `ckpt/state/0/`. */
  readonly prefix: string;
  /**
   * A version at which the state is empty without any file: a checkpoint imported from Spark
   * (`sluice checkpoint import-spark`) resumes after Spark's batches with empty operator state,
   * since Spark's state store is not imported. Versions before it are never read.
   */
  readonly emptyAtVersion?: number;
}
import type { StateFileKind } from "./state-file.js";
import { toDisplayUrl } from "../storage/url.js";

/** Serializes the operator-held value of each key. */
export interface StateValueCodec {
  /** Appends the value of key `id` to `out` (may append nothing). */
  writeValue(id: number, out: ByteWriter): void;
  /** Restores the value of key `id` from `value` (reading all of it); `id` may be new or existing. */
  readValue(id: number, value: ByteReader): void;
  /** The store is about to (re)load: forget every key's value. */
  reset(): void;
}

export interface StateStoreOptions {
  /** Partition number (the folder under the prefix). Default 0. */
  readonly partition?: number;
  /** Write a snapshot once this many deltas follow the last one. Default 10 (Spark's default). */
  readonly minDeltasForSnapshot?: number;
  /** Keep the files needed to load each of the last this many versions. Default 100 (Spark's). */
  readonly minBatchesToRetain?: number;
  /** Operator name for errors and metrics. */
  readonly operator?: string;
  /**
   * What the state holds, checked against what the checkpoint recorded the first time this
   * operator's state was written (`<prefix>_metadata/schema.json`): a restarted query whose plan
   * would misread the state fails instead (see {@link StateSchema}).
   */
  readonly schema?: StateSchema;
}

/**
 * The shape of an operator's state, as Spark's StateSchemaCompatibilityChecker records it: the
 * operator kind, the key's column types (names may change) and the value's layout.
 */
export interface StateSchema {
  readonly operator: string;
  readonly key: string;
  readonly value: string;
}

interface VersionFiles {
  delta: boolean;
  snapshot: boolean;
}

const FILE_NAME = /^(\d+)\.(delta|snapshot)$/;

export class StateStore {
  private table = new BytesHashTable();
  private loadedVersion = -1;
  /** Ids below this existed at the last load/commit; ids at or above it are new. */
  private baseIds = 0;
  private updatedFlags = new Uint8Array(1024);
  private updated: number[] = [];
  private removed: number[] = [];
  private files = new Map<number, VersionFiles>();
  private lastSnapshotVersion = 0;
  private readonly partition: number;
  private readonly minDeltasForSnapshot: number;
  private readonly minBatchesToRetain: number;
  private readonly operator: string;
  private lastCommitMs = 0;
  private lastUpdated = 0;
  private lastRemoved = 0;
  private readonly schema: StateSchema | null;
  private schemaChecked = false;

  /**
   * `location` null keeps the state in memory only (batch queries): `commit` persists nothing and
   * `load` can only start from version 0.
   */
  constructor(
    private readonly location: StateLocation | null,
    private readonly codec: StateValueCodec,
    options: StateStoreOptions = {},
  ) {
    this.partition = options.partition ?? 0;
    this.minDeltasForSnapshot = Math.max(1, options.minDeltasForSnapshot ?? 10);
    this.minBatchesToRetain = Math.max(1, options.minBatchesToRetain ?? 100);
    this.operator = options.operator ?? "state store";
    this.schema = options.schema ?? null;
    if (location === null) this.loadedVersion = 0;
  }

  /** The key table. Replaced by `load`: do not keep a reference across batches. */
  get keys(): BytesHashTable {
    return this.table;
  }

  /** Version the in-memory state started from (-1 before the first load). */
  get version(): number {
    return this.loadedVersion;
  }

  /** True when keys were inserted, updated or removed since the last load or commit. */
  get hasUncommittedChanges(): boolean {
    return this.table.idCount !== this.baseIds || this.updated.length > 0 || this.removed.length > 0;
  }

  /** The folder of this partition's files, e.g. `ckpt/state/0/0/`. */
  get folder(): string {
    if (this.location === null) return "";
    return `${this.location.prefix}${this.partition}/`;
  }

  /** Records that existing key `id`'s value changed (new keys need no call). */
  markUpdated(id: number): void {
    if (id >= this.baseIds) return;
    if (id >= this.updatedFlags.length) {
      const f = new Uint8Array(Math.max(this.updatedFlags.length * 2, id + 1));
      f.set(this.updatedFlags);
      this.updatedFlags = f;
    }
    if (this.updatedFlags[id] === 0) {
      this.updatedFlags[id] = 1;
      this.updated.push(id);
    }
  }

  /** Removes key `id` from the state. */
  remove(id: number): void {
    if (!this.table.isLive(id)) return;
    this.table.remove(id);
    if (id < this.baseIds) this.removed.push(id);
  }

  /** Live ids inserted or updated since the last load or commit, ascending. */
  updatedIds(): Int32Array {
    const olds = this.updated.filter((id) => this.table.isLive(id)).sort((a, b) => a - b);
    const out = new Int32Array(olds.length + this.table.idCount - this.baseIds);
    out.set(olds);
    let n = olds.length;
    for (let id = this.baseIds; id < this.table.idCount; id++) if (this.table.isLive(id)) out[n++] = id;
    return out.subarray(0, n);
  }

  /** Every live id, ascending. */
  liveIds(): Int32Array {
    const out = new Int32Array(this.table.size);
    let n = 0;
    for (let id = 0; id < this.table.idCount; id++) if (this.table.isLive(id)) out[n++] = id;
    return out;
  }

  /**
   * Replaces the in-memory state with version `version` read from storage (`codec.reset()` first,
   * then `codec.readValue` per key). Throws `CorruptCheckpointError` when a needed file is missing
   * or malformed.
   */
  async load(version: number): Promise<void> {
    if (!Number.isInteger(version) || version < 0) throw new InternalError(`${this.operator}: cannot load state version ${version}`);
    this.resetMemory();
    if (this.location === null) {
      if (version !== 0) throw new InternalError(`${this.operator}: in-memory state cannot load version ${version}`);
      this.loadedVersion = 0;
      return;
    }
    if (!this.schemaChecked) await this.checkSchema();
    await this.listFiles();
    let snapshot = 0;
    for (const [v, f] of this.files) if (f.snapshot && v <= version && v > snapshot) snapshot = v;
    const empty = this.location.emptyAtVersion ?? 0;
    if (empty > snapshot && empty <= version) snapshot = empty;
    else if (snapshot > 0) await this.readFile(snapshot, "snapshot");
    for (let v = snapshot + 1; v <= version; v++) {
      if (this.files.get(v)?.delta !== true) {
        const path = this.pathOf(v, "delta");
        throw new CorruptCheckpointError(
          `${this.operator}: state version ${version} cannot be loaded: ${this.describe(path)} is missing`,
          { path: this.describe(path), operator: this.operator },
        );
      }
      await this.readFile(v, "delta");
    }
    this.lastSnapshotVersion = snapshot;
    this.loadedVersion = version;
    this.baseIds = this.table.idCount;
  }

  /**
   * Persists the in-memory state as version `version + 1` (see the class doc) and makes it the
   * current version. With a null location only the bookkeeping happens.
   */
  async commit(): Promise<void> {
    if (this.loadedVersion < 0) throw new InternalError(`${this.operator}: commit before load`);
    const started = Date.now();
    const next = this.loadedVersion + 1;
    const updatedIds = this.updatedIds();
    this.lastUpdated = updatedIds.length;
    this.lastRemoved = this.removed.length;
    if (this.location !== null) {
      const storage = this.location.storage;
      await storage.put(this.pathOf(next, "delta"), this.encodeDelta(next, updatedIds));
      this.noteFile(next, "delta");
      if (next - this.lastSnapshotVersion >= this.minDeltasForSnapshot) {
        await storage.put(this.pathOf(next, "snapshot"), this.encodeSnapshot(next));
        this.noteFile(next, "snapshot");
        this.lastSnapshotVersion = next;
        await this.cleanup(next);
      }
    }
    for (const id of this.updated) this.updatedFlags[id] = 0;
    this.updated = [];
    this.removed = [];
    this.baseIds = this.table.idCount;
    this.loadedVersion = next;
    this.compactIfSparse();
    this.lastCommitMs = Date.now() - started;
  }

  /**
   * Ids are never reused, so an operator that evicts keys (by watermark) would grow its key arena
   * and per-id arrays without bound. Once removed ids outnumber live ones (and at least 1,024),
   * the table is rebuilt with the live keys only, in id order, and every value moves through the
   * codec (written, reset, read back under its new id). Runs right after a commit, when nothing
   * is pending, so the next delta is unaffected.
   */
  private compactIfSparse(): void {
    const old = this.table;
    const dead = old.idCount - old.size;
    if (dead < 1024 || dead <= old.size) return;
    const ids = this.liveIds();
    const values = new ByteWriter(1024 + ids.length * 16);
    const ends = new Int32Array(ids.length);
    let keyBytes = 0;
    for (let k = 0; k < ids.length; k++) {
      this.codec.writeValue(ids[k], values);
      ends[k] = values.length;
      keyBytes += old.keyEnd(ids[k]) - old.keyStart(ids[k]);
    }
    const data = values.bytes();
    this.codec.reset();
    const table = new BytesHashTable();
    table.reserve(ids.length, keyBytes);
    for (let k = 0; k < ids.length; k++) {
      const ks = old.keyStart(ids[k]);
      const ke = old.keyEnd(ids[k]);
      const id = table.findOrInsert(old.arena, ks, ke, hashKey(old.arena, ks, ke));
      const vs = k === 0 ? 0 : ends[k - 1];
      const value = new ByteReader(data, this.operator, vs, ends[k]);
      this.codec.readValue(id, value);
      if (value.remaining !== 0) throw new InternalError(`${this.operator}: a state value did not read back whole while compacting`);
    }
    this.table = table;
    this.baseIds = table.idCount;
    this.updatedFlags = new Uint8Array(Math.max(1024, table.idCount));
  }

  /** Numbers for the progress report of the last commit. */
  metrics(): { numRowsTotal: number; numRowsUpdated: number; numRowsRemoved: number; memoryUsedBytes: number; commitTimeMs: number } {
    return {
      numRowsTotal: this.table.size,
      numRowsUpdated: this.lastUpdated,
      numRowsRemoved: this.lastRemoved,
      memoryUsedBytes: this.table.memoryBytes,
      commitTimeMs: this.lastCommitMs,
    };
  }

  /**
   * Records the state's schema on first use, or checks it against the recorded one.
   * @throws AnalysisError naming the operator and what changed when they differ.
   */
  private async checkSchema(): Promise<void> {
    if (this.location === null || this.schema === null) {
      this.schemaChecked = true;
      return;
    }
    const { storage, prefix } = this.location;
    const key = `${prefix}_metadata/schema.json`;
    const mine = this.schema;
    const text = JSON.stringify({ version: 1, operator: mine.operator, key: mine.key, value: mine.value });
    let recorded: string;
    try {
      recorded = decodeUtf8Text(await storage.get(key));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      try {
        await storage.put(key, new TextEncoder().encode(`${text}\n`), { ifNotExists: true });
        this.schemaChecked = true;
        return;
      } catch (again) {
        if (!(again instanceof AlreadyExistsError)) throw again;
        recorded = decodeUtf8Text(await storage.get(key));
      }
    }
    const where = this.describe(key);
    let theirs: Partial<StateSchema>;
    try {
      theirs = JSON.parse(recorded) as Partial<StateSchema>;
    } catch {
      throw new CorruptCheckpointError(`${this.operator}: ${where} is not a state schema`, { path: where });
    }
    const changed: string[] = [];
    if (theirs.operator !== mine.operator) changed.push(`the operator was ${String(theirs.operator)} and is now ${mine.operator}`);
    else {
      if (theirs.key !== mine.key) changed.push(`the state key was [${String(theirs.key)}] and is now [${mine.key}]`);
      if (theirs.value !== mine.value) changed.push(`the state value was [${String(theirs.value)}] and is now [${mine.value}]`);
    }
    if (changed.length === 0) this.schemaChecked = true;
    if (changed.length > 0) {
      throw new AnalysisError(
        `${this.operator}: the query's state is not compatible with the checkpoint's (${where}): ${changed.join("; ")}. A restarted query cannot change its stateful operators (grouping keys, aggregates, deduplication keys); use a new checkpoint location`,
        { path: where, operator: this.operator },
      );
    }
  }

  private resetMemory(): void {
    this.table = new BytesHashTable();
    this.updatedFlags = new Uint8Array(1024);
    this.updated = [];
    this.removed = [];
    this.baseIds = 0;
    this.codec.reset();
  }

  private pathOf(version: number, kind: StateFileKind): string {
    return `${this.folder}${version}.${kind}`;
  }

  private describe(path: string): string {
    return this.location === null ? path : toDisplayUrl(this.location.storage, path);
  }

  private noteFile(version: number, kind: StateFileKind): void {
    const f = this.files.get(version) ?? { delta: false, snapshot: false };
    f[kind] = true;
    this.files.set(version, f);
  }

  private async listFiles(): Promise<void> {
    this.files = new Map();
    if (this.location === null) return;
    const folder = this.folder;
    for (const o of await this.location.storage.list(folder)) {
      const m = FILE_NAME.exec(o.path.slice(folder.length));
      if (m !== null) this.noteFile(Number(m[1]), m[2] as StateFileKind);
    }
  }

  private async readFile(version: number, kind: StateFileKind): Promise<void> {
    if (this.location === null) return;
    const path = this.pathOf(version, kind);
    const where = this.describe(path);
    let data: Uint8Array;
    try {
      data = await this.location.storage.get(path);
    } catch (e) {
      if (e instanceof NotFoundError) {
        throw new CorruptCheckpointError(`${this.operator}: state file ${where} vanished while loading`, { path: where, cause: e });
      }
      throw e;
    }
    const table = this.table;
    const codec = this.codec;
    // The first file loaded (a snapshot, or the first delta) fills an empty table: size it once for
    // the file's keys instead of rehashing as they arrive. Later deltas mostly repeat known keys.
    if (table.idCount === 0) {
      const records = stateFileRecordCountHint(data);
      table.reserve(records, Math.max(0, data.length - 24 - records * 9));
    }
    readStateFile(data, where, kind, version, {
      put(d, ks, ke, value) {
        const id = table.findOrInsert(d, ks, ke, hashKey(d, ks, ke));
        codec.readValue(id, value);
      },
      remove(d, ks, ke) {
        const id = table.find(d, ks, ke, hashKey(d, ks, ke));
        if (id >= 0) table.remove(id);
      },
    });
  }

  private encodeDelta(version: number, updatedIds: Int32Array): Uint8Array {
    // Sized for the keys (exact when values are empty, as for deduplication); grows as needed.
    const t = this.table;
    const newKeyBytes = t.idCount > this.baseIds ? t.keyEnd(t.idCount - 1) - t.keyStart(this.baseIds) : 0;
    const w = new ByteWriter(1024 + updatedIds.length * 9 + newKeyBytes + (this.updated.length + this.removed.length) * 48);
    const countAt = beginStateFile(w, "delta", version);
    const removed = [...this.removed].sort((a, b) => a - b);
    for (const id of removed) {
      w.u8(OP_REMOVE);
      w.lenBytes(this.table.arena, this.table.keyStart(id), this.table.keyEnd(id));
    }
    for (let i = 0; i < updatedIds.length; i++) this.writePut(w, updatedIds[i]);
    return endStateFile(w, countAt, removed.length + updatedIds.length);
  }

  private encodeSnapshot(version: number): Uint8Array {
    const w = new ByteWriter(1024 + this.table.size * 48);
    const countAt = beginStateFile(w, "snapshot", version);
    const ids = this.liveIds();
    for (let i = 0; i < ids.length; i++) this.writePut(w, ids[i]);
    return endStateFile(w, countAt, ids.length);
  }

  private writePut(w: ByteWriter, id: number): void {
    w.u8(OP_PUT);
    w.lenBytes(this.table.arena, this.table.keyStart(id), this.table.keyEnd(id));
    const lenAt = w.length;
    w.u32(0);
    this.codec.writeValue(id, w);
    w.patchU32(lenAt, w.length - lenAt - 4);
  }

  /** Deletes files older than the snapshot needed to load version `latest - minBatchesToRetain`. */
  private async cleanup(latest: number): Promise<void> {
    if (this.location === null) return;
    const earliest = latest - this.minBatchesToRetain;
    if (earliest <= 0) return;
    let base = 0;
    for (const [v, f] of this.files) if (f.snapshot && v <= earliest && v > base) base = v;
    if (base === 0) return;
    const doomed = [...this.files.keys()].filter((v) => v < base).sort((a, b) => a - b);
    for (const v of doomed) {
      const f = this.files.get(v);
      if (f === undefined) continue;
      if (f.delta) await this.location.storage.delete(this.pathOf(v, "delta"));
      if (f.snapshot) await this.location.storage.delete(this.pathOf(v, "snapshot"));
      this.files.delete(v);
    }
  }
}

function decodeUtf8Text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
