/**
 * Limit: passes the first `n` rows and drops the rest. In a batch query (and per micro-batch in
 * complete mode, where every batch re-emits the whole result) the count starts again at each
 * `open`. On an append-mode stream it is Spark's StreamingGlobalLimit: the rows emitted so far are
 * state, committed with each batch, so the query emits `n` rows in all and then nothing.
 */
import type { Batch } from "../columnar/batch.js";
import { sliceBatch } from "../columnar/ops.js";
import { hashKey } from "../columnar/murmur3.js";
import type { StructType } from "../types/data-types.js";
import type { BatchContext, Operator, StateOperatorMetrics } from "./operator.js";
import { stateOperatorMetrics } from "./operator.js";
import { StateStore, type StateLocation, type StateStoreOptions } from "../state/state-store.js";

export interface LimitOptions {
  /** Where the emitted count persists (an append-mode stream); null otherwise. */
  readonly state?: StateLocation | null;
  readonly operatorId?: number;
  readonly stateOptions?: Omit<StateStoreOptions, "operator">;
}

const EMPTY = new Uint8Array(0);

export class LimitOperator implements Operator {
  readonly schema: StructType;
  private remaining: number;
  private emitted = 0;
  private readonly store: StateStore | null;
  /** Present on an append-mode stream (the progress report's state operator entry). */
  readonly stateMetrics?: () => StateOperatorMetrics;

  constructor(
    schema: StructType,
    private readonly n: number,
    options: LimitOptions = {},
  ) {
    this.schema = schema;
    this.remaining = n;
    const state = options.state ?? null;
    this.store =
      state === null
        ? null
        : new StateStore(
            state,
            {
              writeValue: (_id, out) => out.i64(BigInt(this.emitted)),
              readValue: (_id, input) => {
                this.emitted = Number(input.i64());
              },
              reset: () => {
                this.emitted = 0;
              },
            },
            { ...options.stateOptions, operator: `globalLimit (operator ${options.operatorId ?? 0})`, schema: { operator: "globalLimit", key: "", value: "emitted bigint" } },
          );
    const store = this.store;
    if (store !== null) this.stateMetrics = () => this.metrics(store);
  }

  async open(ctx: BatchContext): Promise<void> {
    if (this.store === null) {
      this.remaining = this.n;
      return;
    }
    if (this.store.version !== ctx.batchId || this.store.hasUncommittedChanges) await this.store.load(ctx.batchId);
    this.remaining = this.n - this.emitted;
  }

  process(batch: Batch): Batch | null {
    if (this.remaining <= 0) return null;
    const take = Math.min(this.remaining, batch.numRows);
    this.remaining -= take;
    if (this.store !== null && take > 0) {
      this.emitted += take;
      this.store.markUpdated(this.store.keys.findOrInsert(EMPTY, 0, 0, hashKey(EMPTY, 0, 0)));
    }
    return take === batch.numRows ? batch : sliceBatch(batch, 0, take);
  }

  async commit(): Promise<void> {
    await this.store?.commit();
  }

  private metrics(store: StateStore): StateOperatorMetrics {
    return stateOperatorMetrics("globalLimit", store.metrics());
  }
}

/** Offset: drops the first `n` rows of a batch query (SQL's OFFSET, `df.offset(n)`). */
export class OffsetOperator implements Operator {
  readonly schema: StructType;
  private skip: number;

  constructor(
    schema: StructType,
    private readonly n: number,
  ) {
    this.schema = schema;
    this.skip = n;
  }

  async open(): Promise<void> {
    this.skip = this.n;
  }

  process(batch: Batch): Batch | null {
    if (this.skip >= batch.numRows) {
      this.skip -= batch.numRows;
      return null;
    }
    const from = this.skip;
    this.skip = 0;
    return from === 0 ? batch : sliceBatch(batch, from, batch.numRows);
  }
}
