/**
 * MERGE INTO a Delta table (Delta Lake's `DeltaTable.merge` semantics) without the DataFrame API:
 * a source of batches is joined to the table's live rows on a condition, then matched target rows
 * are updated or deleted, unmatched source rows inserted and (optionally) target rows no source row
 * matched updated or deleted, all in one commit.
 *
 * How it runs: the source is held in memory and hashed on the condition's equality conjuncts between
 * a target-only and a source-only expression (`t.id = s.id`, `<=>` for null-safe keys); every live
 * file is read and probed, the remaining conjuncts are evaluated per candidate pair. Only files in
 * which at least one row is updated or deleted are rewritten (`remove` with dataChange=true, plus
 * new files with stats); other files keep their paths. Inserts go to new files.
 *
 * Names in conditions and expressions resolve against both sides: `<targetAlias>.col`,
 * `<sourceAlias>.col` (qualified columns, as Spark's aliased relations), or a bare `col` when only
 * one side has it (ambiguous otherwise, as in Spark).
 */
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { nullVector } from "../../columnar/build.js";
import { concatBatches, takeBatch } from "../../columnar/ops.js";
import type { Vector } from "../../columnar/vector.js";
import { AnalysisError, CommitConflictError, ExecutionError, suggestion } from "../../errors.js";
import { compileExpr } from "../../exec/eval/compile.js";
import type { Evaluator } from "../../exec/eval/compile.js";
import { BytesHashTable } from "../../columnar/bytes-hash-table.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { hashKey } from "../../columnar/murmur3.js";
import type { Expr } from "../../sql/expression.js";
import { bindExpr, bindPredicate, castTo, exprSql } from "../../plan/expressions/bind.js";
import type { BindOptions } from "../../plan/expressions/bind.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import { boundChildren } from "../../plan/expressions/bound.js";
import { canCast, typeString } from "../../plan/expressions/coercion.js";
import type { Storage } from "../../storage/storage.js";
import { BooleanType, StructField, StructType } from "../../types/data-types.js";
import type { DataType, StructType as StructTypeT } from "../../types/data-types.js";
import type { AddFile, DeltaAction } from "./actions.js";
import { appendToTable } from "./append.js";
import { writeDataFiles } from "./data-writer.js";
import { checkpointAfterCommit, deleteUncommittedFiles, removeFor } from "./post-commit.js";
import type { PostCommitOptions } from "./post-commit.js";
import { checkWritable } from "./writer-protocol.js";
import { loadSnapshot } from "./snapshot.js";
import type { DeltaSnapshot } from "./snapshot.js";
import { readDeltaFile } from "./table-reader.js";
import { hasDeltaLog, notADeltaTable } from "./table-check.js";
import { commitActions } from "./transaction.js";
import { toDisplayUrl } from "../../storage/url.js";

/** One WHEN clause of a merge, in the order the user gave them (the first applicable one wins). */
export interface MergeClause {
  /** `matched`: target row matched by a source row; `notMatched`: source row matching no target
   * row; `notMatchedBySource`: target row matched by no source row. */
  readonly when: "matched" | "notMatched" | "notMatchedBySource";
  /** `update`/`delete` for matched and notMatchedBySource clauses, `insert` for notMatched ones. */
  readonly action: "update" | "delete" | "insert";
  /** Extra condition the row (pair) must satisfy; always true when absent. */
  readonly condition?: Expr;
  /**
   * `update`: target column → new value (other columns keep theirs); `insert`: target column →
   * value (other columns null); `"*"`: every target column from the source column of the same name
   * (`updateAll`/`insertAll`). Values are cast to the column's type.
   */
  readonly assignments?: readonly (readonly [string, Expr])[] | "*";
}

/** Options of {@link mergeIntoTable}. */
export interface MergeOptions {
  /**
   * The source rows (all held in memory while merging) and their schema. `qualifiers`, when
   * given, is per source column the alias qualifying it (a DataFrame's `alias("s")`), or null for
   * a column qualified by `sourceAlias`.
   */
  readonly source: {
    readonly schema: StructTypeT;
    readonly batches: Iterable<Batch> | AsyncIterable<Batch>;
    readonly qualifiers?: readonly (string | null)[];
  };
  /** The merge condition over target and source columns. */
  readonly condition: Expr;
  readonly clauses: readonly MergeClause[];
  /** Name qualifying target columns (`t` in `t.id`); `target` when absent. */
  readonly targetAlias?: string;
  /** Name qualifying source columns (`s` in `s.id`); `source` when absent. */
  readonly sourceAlias?: string;
  /** Skip the merge when the table's txn for `appId` is at or past `version`; else record it. */
  readonly txn?: { readonly appId: string; readonly version: number };
  /** `commitInfo.operation`; `MERGE` by default. */
  readonly operation?: string;
  /** `commitInfo.operationParameters`; Delta's MERGE parameters by default. */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  /** Column-name matching; case-insensitive by default, as Spark. */
  readonly caseSensitive?: boolean;
  /**
   * Time zone of zone-less timestamp partition values in the target (Spark's session time zone);
   * UTC when absent. Rewritten files store such values as ISO 8601 UTC.
   */
  readonly timeZone?: string;
  /** How the checkpoint after the commit cleans up the log (see `checkpointAfterCommit`). */
  readonly postCommit?: PostCommitOptions;
}

/** Delta's MERGE metrics (`commitInfo.operationMetrics`). */
export interface MergeMetrics {
  readonly numSourceRows: number;
  readonly numTargetRowsInserted: number;
  readonly numTargetRowsUpdated: number;
  readonly numTargetRowsMatchedUpdated: number;
  readonly numTargetRowsNotMatchedBySourceUpdated: number;
  readonly numTargetRowsDeleted: number;
  readonly numTargetRowsMatchedDeleted: number;
  readonly numTargetRowsNotMatchedBySourceDeleted: number;
  /** Unchanged rows rewritten because their file had a changed row. */
  readonly numTargetRowsCopied: number;
  readonly numOutputRows: number;
  readonly numTargetFilesAdded: number;
  readonly numTargetFilesRemoved: number;
  readonly numTargetBytesAdded: number;
  readonly numTargetBytesRemoved: number;
  readonly executionTimeMs: number;
}

/** What {@link mergeIntoTable} did. */
export interface MergeResult {
  /** The committed version, or null when skipped because the txn was already recorded. */
  readonly version: number | null;
  readonly skipped: boolean;
  readonly metrics: MergeMetrics;
}

/**
 * Merges `options.source` into the Delta table rooted at `tableKey` in one commit
 * (`operation` MERGE, not a blind append: a concurrent commit removing a file this merge read
 * conflicts). Does not create the table (see {@link upsertByKey}).
 * @throws AnalysisError when the table does not exist, a name does not resolve, a clause is
 *   malformed or a value cannot be cast to its column; ExecutionError ("multiple source rows
 *   matched") when a target row is matched by more than one source row and a matched clause could
 *   modify it (an only, unconditional matched delete is allowed, as in Delta); CommitConflictError.
 */
export async function mergeIntoTable(storage: Storage, tableKey: string, options: MergeOptions): Promise<MergeResult> {
  const started = Date.now();
  const tablePath = toDisplayUrl(storage, tableKey);
  if (!(await hasDeltaLog(storage, tableKey))) throw notADeltaTable(tablePath);
  const snapshot = await loadSnapshot(storage, tableKey);
  checkWritable(snapshot.protocol, snapshot.metadata, tablePath, { dataChange: true, removesData: true, rewritesRows: true });
  if (isTxnDone(snapshot, options.txn)) return { version: null, skipped: true, metrics: emptyMetrics(0) };
  const plan = planMerge(snapshot.metadata.schema, options);
  const sourceBatches: Batch[] = [];
  for await (const b of options.source.batches) sourceBatches.push(b);
  const source = concatBatches(options.source.schema, sourceBatches);
  const run = new MergeRun(plan, source);

  const removes: DeltaAction[] = [];
  const readPaths = new Set<string>();
  const deletionTimestamp = Date.now();
  async function* output(): AsyncGenerator<Batch> {
    for (const file of snapshot.files) {
      readPaths.add(file.rawPath);
      const target = concatBatches(snapshot.metadata.schema, await readDeltaFile(storage, tableKey, snapshot, file, options.timeZone === undefined ? {} : { timeZone: options.timeZone }));
      const rewritten = run.processFile(target);
      if (rewritten === null) continue;
      removes.push({ kind: "remove", remove: removeFor(file, deletionTimestamp, true) });
      run.bytesRemoved += file.size;
      for (const b of rewritten) yield b;
    }
    for (const b of run.inserts()) yield b;
  }
  const adds = await writeDataFiles(storage, tableKey, snapshot.metadata.schema, snapshot.metadata.partitionColumns, output());
  const actions: DeltaAction[] = [];
  if (options.txn !== undefined) actions.push({ kind: "txn", txn: { appId: options.txn.appId, version: options.txn.version, lastUpdated: Date.now() } });
  actions.push(...removes);
  for (const add of adds) actions.push({ kind: "add", add });
  const metrics = run.metrics(adds, removes.length, Date.now() - started);
  let version: number;
  try {
    version = await commitActions(storage, tableKey, snapshot.version, actions, {
      operation: options.operation ?? "MERGE",
      operationParameters: options.operationParameters ?? mergeParameters(options),
      operationMetrics: { ...metrics },
      isBlindAppend: false,
      readPaths,
      // The merge read the whole table to find its matches: a concurrent commit that added rows
      // (other than a blind append, which WriteSerializable orders after us) conflicts.
      readWholeTable: true,
      isolationLevel: "WriteSerializable",
    });
  } catch (e) {
    // Only a conflict proves the commit was not written; after any other error it may have landed.
    if (e instanceof CommitConflictError) await deleteUncommittedFiles(storage, tableKey, adds);
    if (e instanceof CommitConflictError && options.txn !== undefined && isTxnDone(await loadSnapshot(storage, tableKey), options.txn)) {
      return { version: null, skipped: true, metrics: emptyMetrics(0) };
    }
    throw e;
  }
  await checkpointAfterCommit(storage, tableKey, version, snapshot.metadata.configuration, snapshot, options.postCommit);
  return { version, skipped: false, metrics };
}

/** Options of {@link upsertByKey}. */
export interface UpsertOptions {
  /** Columns identifying a row; compared null-safely (`<=>`): a null key matches a null key. */
  readonly keyColumns: readonly string[];
  /** The schema of every batch; the table's schema when the table is created. */
  readonly schema: StructTypeT;
  /** Partition columns when the table is created. */
  readonly partitionBy?: readonly string[];
  /** As in `appendToTable`: skip when the table's txn for `appId` is at or past `version`. */
  readonly txn?: { readonly appId: string; readonly version: number };
  readonly operation?: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  /** The properties of the table when the upsert creates it (see `newTableProperties`). */
  readonly tableProperties?: Readonly<Record<string, string>>;
  /** How the checkpoint after the commit cleans up the log (see `checkpointAfterCommit`). */
  readonly postCommit?: PostCommitOptions;
}

/**
 * Upserts `data` into the Delta table at `tableKey` by key: rows whose key exists replace the
 * existing row (every column), others are inserted — Delta's `whenMatchedUpdateAll()
 * .whenNotMatchedInsertAll()` on `t.k <=> s.k` for every key column. Keys compare null-safely
 * (unlike Spark's `=`), so a row whose key is null updates the row with the null key in place:
 * this is what the streaming sink's update mode needs for a null group key. Creates the table
 * (through `appendToTable`, operation as given) when it has no log. `data` must not hold two rows
 * with the same key (the "multiple source rows matched" error otherwise, when the key exists).
 */
export async function upsertByKey(
  storage: Storage,
  tableKey: string,
  data: Iterable<Batch> | AsyncIterable<Batch>,
  options: UpsertOptions,
): Promise<MergeResult> {
  const started = Date.now();
  if (!(await hasDeltaLog(storage, tableKey))) {
    const r = await appendToTable(storage, tableKey, data, {
      schema: options.schema,
      partitionBy: options.partitionBy,
      txn: options.txn,
      operation: options.operation ?? "MERGE",
      operationParameters: options.operationParameters,
      tableProperties: options.tableProperties,
    });
    const added = r.files.reduce((s, f) => s + f.size, 0);
    return {
      version: r.version,
      skipped: r.skipped,
      metrics: {
        ...emptyMetrics(Date.now() - started),
        numSourceRows: r.numRows,
        numTargetRowsInserted: r.numRows,
        numOutputRows: r.numRows,
        numTargetFilesAdded: r.files.length,
        numTargetBytesAdded: added,
      },
    };
  }
  const col = (alias: string, name: string): Expr => ({ kind: "column", parts: [alias, name] });
  let condition: Expr | null = null;
  for (const k of options.keyColumns) {
    const eq: Expr = { kind: "binary", op: "<=>", left: col("t", k), right: col("s", k) };
    condition = condition === null ? eq : { kind: "binary", op: "and", left: condition, right: eq };
  }
  if (condition === null) throw new AnalysisError(`delta upsert: keyColumns must not be empty for ${toDisplayUrl(storage, tableKey)}`);
  return mergeIntoTable(storage, tableKey, {
    source: { schema: options.schema, batches: data },
    condition,
    targetAlias: "t",
    sourceAlias: "s",
    clauses: [
      { when: "matched", action: "update", assignments: "*" },
      { when: "notMatched", action: "insert", assignments: "*" },
    ],
    txn: options.txn,
    operation: options.operation,
    operationParameters: options.operationParameters,
    postCommit: options.postCommit,
  });
}

// ---------------------------------------------------------------------------------------------
// Planning: the combined scope, the bound condition split into hash keys and a residual, clauses.

/** Which side a column of the combined scope comes from. */
const TARGET = 1;
const SOURCE = 2;

/**
 * What conditions and expressions bind against: the target's columns qualified by the target
 * alias, then the source's, each qualified by its own alias (from the source DataFrame) or else
 * the source alias (Spark's qualified attributes, see `BindOptions.qualifiers`). `t.id` / `s.id`
 * pick a side; a bare `id` resolves when only one side has it and is ambiguous otherwise, as in
 * Spark and Delta; a struct column named like an alias is still reached (`s.f`) when the alias has
 * no column of that name. Every column is nullable here: a side is all null in the rows it is
 * absent from.
 */
class MergeScope {
  readonly schema: StructTypeT;
  /** Binding options: the user's case sensitivity and the per-column qualifiers. */
  readonly bindOptions: BindOptions;

  constructor(
    readonly target: StructTypeT,
    readonly source: StructTypeT,
    targetAlias: string,
    sourceQualifiers: readonly string[],
    caseSensitive: boolean | undefined,
  ) {
    const nullable = (t: StructTypeT): StructField[] => t.fields.map((f) => StructField(f.name, f.dataType, true, f.metadata));
    this.schema = StructType([...nullable(target), ...nullable(source)]);
    const qualifiers = [...target.fields.map(() => targetAlias), ...sourceQualifiers];
    this.bindOptions = { caseSensitive, qualifiers };
  }

  /** A scope batch of `n` rows from target rows and source rows (a side's columns all null when absent). */
  build(target: Batch | null, source: Batch | null, n: number): Batch {
    const side = (b: Batch | null, type: StructTypeT): readonly Vector[] => (b === null ? type.fields.map((f) => nullVector(f.dataType, n)) : b.columns);
    return makeBatch(this.schema, [...side(target, this.target), ...side(source, this.source)], n);
  }

  /** A reference to column `i` of the target (`side` 0) or the source (`side` 1). */
  column(side: 0 | 1, i: number): BoundExpr {
    const ordinal = side === 0 ? i : this.target.fields.length + i;
    const f = this.schema.fields[ordinal];
    return { kind: "ref", ordinal, name: f.name, dataType: f.dataType, nullable: true };
  }

  /** Bitmask of the sides `b` reads (0 for constants). */
  sidesOf(b: BoundExpr): number {
    if (b.kind === "ref") return b.ordinal < this.target.fields.length ? TARGET : SOURCE;
    let m = 0;
    for (const c of boundChildren(b)) m |= this.sidesOf(c);
    return m;
  }
}

/** A hash key: a target-only and a source-only expression compared with `=` or `<=>`. */
interface JoinKey {
  readonly target: Evaluator;
  readonly source: Evaluator;
  readonly type: DataType;
  readonly nullSafe: boolean;
}

/** A clause ready to run: its compiled condition and, for update/insert, one evaluator per target column. */
interface CompiledClause {
  readonly clause: MergeClause;
  readonly condition: Evaluator | null;
  readonly values: readonly Evaluator[] | null;
}

interface MergePlan {
  readonly scope: MergeScope;
  readonly keys: readonly JoinKey[];
  readonly residual: Evaluator | null;
  readonly matched: readonly CompiledClause[];
  readonly notMatched: readonly CompiledClause[];
  readonly notMatchedBySource: readonly CompiledClause[];
  /** Whether a target row matched by several source rows is an error. */
  readonly checkDuplicates: boolean;
  readonly targetSchema: StructTypeT;
}

function planMerge(targetSchema: StructTypeT, o: MergeOptions): MergePlan {
  const targetAlias = o.targetAlias ?? "target";
  const sourceAlias = o.sourceAlias ?? "source";
  const sourceQualifiers = o.source.schema.fields.map((_, i) => o.source.qualifiers?.[i] ?? sourceAlias);
  for (const q of new Set(sourceQualifiers)) {
    if (targetAlias.toLowerCase() === q.toLowerCase()) {
      throw new AnalysisError(`delta merge: the target and the source have the same alias '${targetAlias}'; give the source another alias`);
    }
  }
  const scope = new MergeScope(targetSchema, o.source.schema, targetAlias, sourceQualifiers, o.caseSensitive);
  const bound = bindPredicate(o.condition, scope.schema, scope.bindOptions);
  const keys: JoinKey[] = [];
  let residual: BoundExpr | null = null;
  for (const c of conjuncts(bound)) {
    const key = asJoinKey(c, scope);
    if (key !== null) keys.push(key);
    else residual = residual === null ? c : and(residual, c);
  }
  const compile = (clause: MergeClause): CompiledClause => compileClause(clause, scope);
  for (const c of o.clauses) checkClause(c);
  const matched = o.clauses.filter((c) => c.when === "matched").map(compile);
  const notMatched = o.clauses.filter((c) => c.when === "notMatched").map(compile);
  const notMatchedBySource = o.clauses.filter((c) => c.when === "notMatchedBySource").map(compile);
  const onlyUnconditionalDelete = matched.length === 1 && matched[0].clause.action === "delete" && matched[0].condition === null;
  return {
    scope,
    keys,
    residual: residual === null ? null : compileExpr(residual),
    matched,
    notMatched,
    notMatchedBySource,
    checkDuplicates: matched.length > 0 && !onlyUnconditionalDelete,
    targetSchema,
  };
}

function checkClause(c: MergeClause): void {
  const ok = c.when === "notMatched" ? c.action === "insert" : c.action === "update" || c.action === "delete";
  if (!ok) throw new AnalysisError(`delta merge: a WHEN ${clauseName(c.when)} clause cannot ${c.action}`);
  if (c.action !== "delete" && c.assignments === undefined) {
    throw new AnalysisError(`delta merge: the ${c.action} of a WHEN ${clauseName(c.when)} clause has no assignments`);
  }
}

function clauseName(when: MergeClause["when"]): string {
  return when === "matched" ? "MATCHED" : when === "notMatched" ? "NOT MATCHED" : "NOT MATCHED BY SOURCE";
}

function compileClause(clause: MergeClause, scope: MergeScope): CompiledClause {
  const bindOpts = scope.bindOptions;
  const where = `WHEN ${clauseName(clause.when)}`;
  const condition = clause.condition === undefined ? null : bindPredicate(clause.condition, scope.schema, bindOpts);
  if (condition !== null) checkSides(condition, clause.when, scope, `${where} condition`);
  if (clause.action === "delete") return { clause, condition: condition === null ? null : compileExpr(condition), values: null };
  const target = scope.target;
  const matches = (a: string, b: string): boolean => (bindOpts.caseSensitive === true ? a === b : a.toLowerCase() === b.toLowerCase());
  const values: (BoundExpr | null)[] = target.fields.map(() => null);
  if (clause.assignments === "*") {
    target.fields.forEach((f, i) => {
      const j = scope.source.fields.findIndex((g) => matches(g.name, f.name));
      if (j < 0) {
        const names = scope.source.fields.map((g) => g.name);
        throw new AnalysisError(
          `delta merge: ${where} ${clause.action.toUpperCase()} *: target column '${f.name}' has no source column of that name among [${names.join(", ")}]${suggestion(f.name, names)}`,
        );
      }
      values[i] = scope.column(1, j);
    });
  } else {
    for (const [name, expr] of clause.assignments ?? []) {
      const i = target.fields.findIndex((f) => matches(f.name, name));
      if (i < 0) {
        const names = target.fields.map((f) => f.name);
        throw new AnalysisError(`delta merge: ${where} ${clause.action}: '${name}' is not a column of the target [${names.join(", ")}]${suggestion(name, names)}`);
      }
      if (values[i] !== null) throw new AnalysisError(`delta merge: ${where} ${clause.action}: column '${name}' is assigned twice`);
      const b = bindExpr(expr, scope.schema, bindOpts);
      checkSides(b, clause.when, scope, `${where} ${clause.action} of '${name}'`);
      values[i] = b;
    }
  }
  const evaluators = target.fields.map((f, i) => {
    // Unassigned: an update keeps the target's value, an insert writes null.
    const v = values[i] ?? (clause.action === "update" ? scope.column(0, i) : ({ kind: "literal", value: null, dataType: f.dataType, nullable: true } as const));
    if (!canCast(v.dataType, f.dataType)) {
      throw new AnalysisError(`delta merge: ${where} ${clause.action}: cannot write ${typeString(v.dataType)} to column '${f.name}' of type ${typeString(f.dataType)}`);
    }
    return compileExpr(castTo(v, f.dataType));
  });
  return { clause, condition: condition === null ? null : compileExpr(condition), values: evaluators };
}

/** NOT MATCHED clauses see only the source, NOT MATCHED BY SOURCE clauses only the target (as Delta). */
function checkSides(b: BoundExpr, when: MergeClause["when"], scope: MergeScope, what: string): void {
  const sides = scope.sidesOf(b);
  if (when === "notMatched" && (sides & TARGET) !== 0) {
    throw new AnalysisError(`delta merge: the ${what} references target columns; a NOT MATCHED clause can only reference the source`);
  }
  if (when === "notMatchedBySource" && (sides & SOURCE) !== 0) {
    throw new AnalysisError(`delta merge: the ${what} references source columns; a NOT MATCHED BY SOURCE clause can only reference the target`);
  }
}

function conjuncts(b: BoundExpr): BoundExpr[] {
  if (b.kind === "binary" && b.op === "and") return [...conjuncts(b.left), ...conjuncts(b.right)];
  return [b];
}

function and(l: BoundExpr, r: BoundExpr): BoundExpr {
  return { kind: "binary", op: "and", left: l, right: r, dataType: BooleanType(), nullable: l.nullable || r.nullable };
}

function asJoinKey(c: BoundExpr, scope: MergeScope): JoinKey | null {
  if (c.kind !== "binary" || (c.op !== "=" && c.op !== "<=>") || !hashable(c.left.dataType)) return null;
  const l = scope.sidesOf(c.left);
  const r = scope.sidesOf(c.right);
  let t: BoundExpr;
  let s: BoundExpr;
  if (l === TARGET && r === SOURCE) [t, s] = [c.left, c.right];
  else if (l === SOURCE && r === TARGET) [t, s] = [c.right, c.left];
  else return null;
  return { target: compileExpr(t), source: compileExpr(s), type: t.dataType, nullSafe: c.op === "<=>" };
}

function hashable(t: DataType): boolean {
  if (t.typeName === "map") return false;
  if (t.typeName === "struct") return t.fields.every((f) => hashable(f.dataType));
  if (t.typeName === "array") return hashable(t.elementType);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Execution.

/** One merge's state across files: the hashed source and the counters. */
class MergeRun {
  private readonly codec: KeyCodec;
  private readonly table = new BytesHashTable(1024);
  /** Per key id: the first source row with that key (-1 none); `next` chains the others. */
  private head = new Int32Array(1024).fill(-1);
  private readonly next: Int32Array;
  /** Per source row: 1 when some target row matched it. */
  private readonly sourceMatched: Uint8Array;
  private readonly sourceOnly: Batch;
  bytesRemoved = 0;
  private matchedUpdated = 0;
  private matchedDeleted = 0;
  private nbsUpdated = 0;
  private nbsDeleted = 0;
  private copied = 0;
  private inserted = 0;

  constructor(
    private readonly plan: MergePlan,
    private readonly source: Batch,
  ) {
    const n = source.numRows;
    this.codec = new KeyCodec(
      plan.keys.map((k) => k.type),
      "delta merge",
    );
    this.next = new Int32Array(n).fill(-1);
    this.sourceMatched = new Uint8Array(n);
    this.sourceOnly = plan.scope.build(null, source, n);
    const keyVectors = plan.keys.map((k) => k.source(this.sourceOnly));
    this.codec.bind(keyVectors);
    this.table.reserve(n);
    // Insert in reverse so each chain lists source rows in ascending order.
    for (let row = n - 1; row >= 0; row--) {
      if (hasNullKey(keyVectors, plan.keys, row)) continue;
      const len = this.codec.encode(row);
      const id = this.table.findOrInsert(this.codec.scratch, 0, len, hashKey(this.codec.scratch, 0, len));
      if (id >= this.head.length) {
        const grown = new Int32Array(Math.max(this.head.length * 2, id + 1)).fill(-1);
        grown.set(this.head);
        this.head = grown;
      }
      this.next[row] = this.head[id];
      this.head[id] = row;
    }
  }

  /**
   * Joins one file's rows with the source and applies the matched and not-matched-by-source
   * clauses. Returns the file's new content (unchanged rows then changed ones), or null when no
   * row of the file changes (the file stays).
   */
  processFile(target: Batch): Batch[] | null {
    const plan = this.plan;
    const n = target.numRows;
    const targetOnly = plan.scope.build(target, null, n);
    const keyVectors = plan.keys.map((k) => k.target(targetOnly));
    this.codec.bind(keyVectors);
    // Candidate pairs from the hash join.
    let pt = new Int32Array(Math.max(16, n));
    let ps = new Int32Array(pt.length);
    let np = 0;
    for (let row = 0; row < n; row++) {
      if (hasNullKey(keyVectors, plan.keys, row)) continue;
      const len = this.codec.encode(row);
      const id = this.table.find(this.codec.scratch, 0, len, hashKey(this.codec.scratch, 0, len));
      if (id < 0) continue;
      for (let s = this.head[id]; s >= 0; s = this.next[s]) {
        if (np === pt.length) {
          const t2 = new Int32Array(np * 2);
          t2.set(pt);
          pt = t2;
          const s2 = new Int32Array(np * 2);
          s2.set(ps);
          ps = s2;
        }
        pt[np] = row;
        ps[np] = s;
        np++;
      }
    }
    let pairT = pt.subarray(0, np);
    let pairS = ps.subarray(0, np);
    if (plan.residual !== null && np > 0) {
      const keep = trueRows(plan.residual(plan.scope.build(takeBatch(target, pairT), takeBatch(this.source, pairS), np)));
      pairT = Int32Array.from(keep, (i) => pairT[i]);
      pairS = Int32Array.from(keep, (i) => pairS[i]);
    }
    // The source row matching each target row (-1: none).
    const matchOf = new Int32Array(n).fill(-1);
    for (let i = 0; i < pairT.length; i++) {
      const t = pairT[i];
      if (matchOf[t] >= 0 && plan.checkDuplicates) throw multipleMatches();
      matchOf[t] = pairS[i];
      this.sourceMatched[pairS[i]] = 1;
    }
    // Per target row: the clause applied, as an index into `clauses` (-1: row unchanged).
    const clauses: CompiledClause[] = [...plan.matched, ...plan.notMatchedBySource];
    const choice = new Int32Array(n).fill(-1);
    const matchedRows: number[] = [];
    const unmatchedRows: number[] = [];
    for (let t = 0; t < n; t++) (matchOf[t] >= 0 ? matchedRows : unmatchedRows).push(t);
    let matchedBatch: Batch | null = null;
    let unmatchedBatch: Batch | null = null;
    if (plan.matched.length > 0 && matchedRows.length > 0) {
      const tIdx = Int32Array.from(matchedRows);
      const sIdx = Int32Array.from(matchedRows, (t) => matchOf[t]);
      matchedBatch = plan.scope.build(takeBatch(target, tIdx), takeBatch(this.source, sIdx), tIdx.length);
      chooseClauses(plan.matched, 0, matchedBatch, tIdx, choice);
    }
    if (plan.notMatchedBySource.length > 0 && unmatchedRows.length > 0) {
      const tIdx = Int32Array.from(unmatchedRows);
      unmatchedBatch = plan.scope.build(takeBatch(target, tIdx), null, tIdx.length);
      chooseClauses(plan.notMatchedBySource, plan.matched.length, unmatchedBatch, tIdx, choice);
    }
    let changed = false;
    for (let t = 0; t < n && !changed; t++) if (choice[t] >= 0) changed = true;
    if (!changed) return null;

    const out: Batch[] = [];
    const unchanged: number[] = [];
    for (let t = 0; t < n; t++) if (choice[t] < 0) unchanged.push(t);
    this.copied += unchanged.length;
    if (unchanged.length > 0) out.push(takeBatch(target, Int32Array.from(unchanged)));
    const emit = (rows: readonly number[], batch: Batch | null, first: number, count: number): void => {
      if (batch === null) return;
      for (let k = first; k < first + count; k++) {
        const c = clauses[k];
        const positions: number[] = [];
        for (let i = 0; i < rows.length; i++) if (choice[rows[i]] === k) positions.push(i);
        if (positions.length === 0) continue;
        const byMatched = c.clause.when === "matched";
        if (c.clause.action === "delete") {
          if (byMatched) this.matchedDeleted += positions.length;
          else this.nbsDeleted += positions.length;
          continue;
        }
        if (byMatched) this.matchedUpdated += positions.length;
        else this.nbsUpdated += positions.length;
        out.push(project(c, takeBatch(batch, Int32Array.from(positions)), plan.targetSchema));
      }
    };
    emit(matchedRows, matchedBatch, 0, plan.matched.length);
    emit(unmatchedRows, unmatchedBatch, plan.matched.length, plan.notMatchedBySource.length);
    return out;
  }

  /** The rows the NOT MATCHED clauses insert (source rows no target row matched). */
  inserts(): Batch[] {
    const plan = this.plan;
    if (plan.notMatched.length === 0) return [];
    const rows: number[] = [];
    for (let s = 0; s < this.source.numRows; s++) if (this.sourceMatched[s] === 0) rows.push(s);
    if (rows.length === 0) return [];
    const idx = Int32Array.from(rows);
    const batch = takeBatch(this.sourceOnly, idx);
    const choice = new Int32Array(rows.length).fill(-1);
    chooseClauses(plan.notMatched, 0, batch, Int32Array.from(rows, (_, i) => i), choice);
    const out: Batch[] = [];
    plan.notMatched.forEach((c, k) => {
      const positions: number[] = [];
      for (let i = 0; i < choice.length; i++) if (choice[i] === k) positions.push(i);
      if (positions.length === 0) return;
      this.inserted += positions.length;
      out.push(project(c, takeBatch(batch, Int32Array.from(positions)), plan.targetSchema));
    });
    return out;
  }

  metrics(adds: readonly AddFile[], filesRemoved: number, executionTimeMs: number): MergeMetrics {
    const updated = this.matchedUpdated + this.nbsUpdated;
    return {
      numSourceRows: this.source.numRows,
      numTargetRowsInserted: this.inserted,
      numTargetRowsUpdated: updated,
      numTargetRowsMatchedUpdated: this.matchedUpdated,
      numTargetRowsNotMatchedBySourceUpdated: this.nbsUpdated,
      numTargetRowsDeleted: this.matchedDeleted + this.nbsDeleted,
      numTargetRowsMatchedDeleted: this.matchedDeleted,
      numTargetRowsNotMatchedBySourceDeleted: this.nbsDeleted,
      numTargetRowsCopied: this.copied,
      numOutputRows: this.copied + updated + this.inserted,
      numTargetFilesAdded: adds.length,
      numTargetFilesRemoved: filesRemoved,
      numTargetBytesAdded: adds.reduce((s, a) => s + a.size, 0),
      numTargetBytesRemoved: this.bytesRemoved,
      executionTimeMs,
    };
  }
}

/**
 * For each row of `batch` (scope rows; `rows[i]` is where its choice goes) still undecided, the
 * first clause whose condition is true: `choice[rows[i]] = offset + clause index`.
 */
function chooseClauses(clauses: readonly CompiledClause[], offset: number, batch: Batch, rows: Int32Array, choice: Int32Array): void {
  clauses.forEach((c, k) => {
    if (c.condition === null) {
      for (let i = 0; i < rows.length; i++) if (choice[rows[i]] < 0) choice[rows[i]] = offset + k;
      return;
    }
    const v = c.condition(batch);
    if (v.kind !== "bool") return;
    for (let i = 0; i < rows.length; i++) {
      if (choice[rows[i]] < 0 && v.values[i] === 1 && (v.valid === null || v.valid[i] === 1)) choice[rows[i]] = offset + k;
    }
  });
}

function project(c: CompiledClause, scopeRows: Batch, schema: StructTypeT): Batch {
  const values = c.values ?? [];
  return makeBatch(
    schema,
    values.map((ev) => ev(scopeRows)),
    scopeRows.numRows,
  );
}

/** Indices of the rows where a boolean vector is true. */
function trueRows(v: Vector): number[] {
  const out: number[] = [];
  if (v.kind !== "bool") return out;
  for (let i = 0; i < v.length; i++) if (v.values[i] === 1 && (v.valid === null || v.valid[i] === 1)) out.push(i);
  return out;
}

function hasNullKey(vectors: readonly Vector[], keys: readonly JoinKey[], row: number): boolean {
  for (let k = 0; k < vectors.length; k++) {
    if (keys[k].nullSafe) continue;
    const v = vectors[k];
    if (v.kind === "null" || (v.valid !== null && v.valid[row] === 0)) return true;
  }
  return false;
}

function multipleMatches(): ExecutionError {
  return new ExecutionError(
    "delta merge: Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table in possibly conflicting ways. " +
      "By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used " +
      "to update or delete the matching target row. You can preprocess the source table to eliminate the possibility of multiple matches.",
  );
}

function isTxnDone(snapshot: DeltaSnapshot, txn: MergeOptions["txn"]): boolean {
  if (txn === undefined) return false;
  const t = snapshot.txns.get(txn.appId);
  return t !== undefined && t.version >= txn.version;
}

function emptyMetrics(executionTimeMs: number): MergeMetrics {
  return {
    numSourceRows: 0,
    numTargetRowsInserted: 0,
    numTargetRowsUpdated: 0,
    numTargetRowsMatchedUpdated: 0,
    numTargetRowsNotMatchedBySourceUpdated: 0,
    numTargetRowsDeleted: 0,
    numTargetRowsMatchedDeleted: 0,
    numTargetRowsNotMatchedBySourceDeleted: 0,
    numTargetRowsCopied: 0,
    numOutputRows: 0,
    numTargetFilesAdded: 0,
    numTargetFilesRemoved: 0,
    numTargetBytesAdded: 0,
    numTargetBytesRemoved: 0,
    executionTimeMs,
  };
}

/** Delta's MERGE operationParameters: the predicate and each clause's predicate and action. */
function mergeParameters(o: MergeOptions): Record<string, unknown> {
  const describe = (when: MergeClause["when"]): { predicate?: string; actionType: string }[] =>
    o.clauses
      .filter((c) => c.when === when)
      .map((c) => ({
        ...(c.condition === undefined ? {} : { predicate: exprSql(c.condition) }),
        actionType: c.action,
      }));
  return {
    predicate: JSON.stringify([exprSql(o.condition)]),
    matchedPredicates: describe("matched"),
    notMatchedPredicates: describe("notMatched"),
    notMatchedBySourcePredicates: describe("notMatchedBySource"),
  };
}

