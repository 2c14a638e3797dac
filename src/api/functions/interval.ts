/**
 * Column builders: interval constructors (Spark's Python names and signatures). A `string` where
 * Spark takes a column is a column name; a number is a literal. Missing trailing arguments are 0.
 */
import type { Column } from "../column.js";
import { literalExpr } from "../column.js";
import type { Expr } from "../../sql/expression.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr } from "./builders.js";

type Part = ColumnName | number;

function parts(xs: readonly (Part | undefined)[]): Expr[] {
  const out: Expr[] = [];
  for (const x of xs) {
    if (x === undefined) break;
    out.push(typeof x === "number" ? literalExpr(x) : colExpr(x));
  }
  return out;
}

/**
 * A calendar interval (`INTERVAL`) of years, months, weeks, days, hours, minutes and seconds
 * (fractional seconds keep microseconds); null when a part overflows.
 * @example make_interval(1, 2, 0, 3) // 1 years 2 months 3 days
 */
export function make_interval(years?: Part, months?: Part, weeks?: Part, days?: Part, hours?: Part, mins?: Part, secs?: Part): Column {
  return call("make_interval", parts([years, months, weeks, days, hours, mins, secs]));
}

/**
 * A day-time interval (`INTERVAL DAY TO SECOND`) of days, hours, minutes and seconds.
 * @example make_dt_interval(1, 12, 30, 0.5) // INTERVAL '1 12:30:00.5' DAY TO SECOND
 */
export function make_dt_interval(days?: Part, hours?: Part, mins?: Part, secs?: Part): Column {
  return call("make_dt_interval", parts([days, hours, mins, secs]));
}

/**
 * A year-month interval (`INTERVAL YEAR TO MONTH`) of years and months.
 * @example make_ym_interval("years", 6) // INTERVAL 'y-6' YEAR TO MONTH per row
 */
export function make_ym_interval(years?: Part, months?: Part): Column {
  return call("make_ym_interval", parts([years, months]));
}
