/**
 * `Window` and `WindowSpec`, as in Spark: a window specification for `column.over(spec)`.
 *
 * @example
 * const w = Window.partitionBy("user_id").orderBy(col("ts").desc());
 * df.withColumn("rn", row_number().over(w)).filter("rn = 1")
 * @example
 * Window.partitionBy("k").orderBy("ts").rowsBetween(Window.unboundedPreceding, Window.currentRow)
 */
import { AnalysisError } from "../errors.js";
import { node, type Expr, type FrameBound, type SortOrderExpr, type WindowFrame, type WindowSpec as SpecAst } from "../sql/expression.js";
import { toExpr, type ColumnLike } from "./dataframe.js";

/** A window specification; every method returns a new one. */
export class WindowSpec {
  /** @internal The unresolved specification. */
  readonly spec: SpecAst;

  /** @internal Use `Window.partitionBy(…)` / `Window.orderBy(…)`. */
  constructor(spec: SpecAst = { partitionBy: [], orderBy: [], frame: null, name: null }) {
    this.spec = spec;
  }

  /** Rows with equal values of these columns form one partition. */
  partitionBy(...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec {
    return new WindowSpec({ ...this.spec, partitionBy: cols.flat().map(toExpr) });
  }

  /** Orders each partition (a Column's `.desc()` / `.asc_nulls_last()` … give the direction). */
  orderBy(...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec {
    const orderBy = cols.flat().map((c): SortOrderExpr => {
      const e = toExpr(c);
      return e.kind === "sortOrder" ? e : node({ kind: "sortOrder", child: e, ascending: true, nullsFirst: true });
    });
    return new WindowSpec({ ...this.spec, orderBy });
  }

  /**
   * A row-based frame from `start` to `end`, relative to the current row (0): negative numbers
   * are rows before it. `Window.unboundedPreceding` / `unboundedFollowing` are the partition's ends.
   */
  rowsBetween(start: number | bigint, end: number | bigint): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: frame("rows", start, end) });
  }

  /** A value-based frame over the single ORDER BY column: values within `[v + start, v + end]`. */
  rangeBetween(start: number | bigint, end: number | bigint): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: frame("range", start, end) });
  }
}

/** Spark's boundaries: ±2^63 mark the unbounded ends (PySpark's sys.maxsize); any bigger magnitude too. */
const UNBOUNDED = 2 ** 62;

function bound(v: number | bigint, side: "start" | "end"): FrameBound {
  const x = Number(v);
  if (Number.isNaN(x)) throw new AnalysisError(`analysis: window frame ${side} must be a number, got ${String(v)}`);
  if (x <= -UNBOUNDED) return { kind: "unboundedPreceding" };
  if (x >= UNBOUNDED) return { kind: "unboundedFollowing" };
  if (x === 0) return { kind: "currentRow" };
  return { kind: "offset", value: node({ kind: "literal", value: x, dataType: Number.isInteger(x) ? { typeName: "integer" } : { typeName: "double" } }) as Expr };
}

function frame(type: "rows" | "range", start: number | bigint, end: number | bigint): WindowFrame {
  return { type, lower: bound(start, "start"), upper: bound(end, "end") };
}

/** Factory of window specifications (Spark's `Window` object). */
export const Window = {
  /** The first row of the partition, for `rowsBetween` / `rangeBetween`. */
  unboundedPreceding: -(2 ** 63),
  /** The last row of the partition. */
  unboundedFollowing: 2 ** 63,
  /** The current row. */
  currentRow: 0,
  partitionBy(...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec {
    return new WindowSpec().partitionBy(...cols);
  },
  orderBy(...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec {
    return new WindowSpec().orderBy(...cols);
  },
  rowsBetween(start: number | bigint, end: number | bigint): WindowSpec {
    return new WindowSpec().rowsBetween(start, end);
  },
  rangeBetween(start: number | bigint, end: number | bigint): WindowSpec {
    return new WindowSpec().rangeBetween(start, end);
  },
};
