/**
 * Interval functions: `make_interval`, `make_dt_interval`, `make_ym_interval`, and the internal
 * kernels the binder's date/timestamp/interval arithmetic rewrites call (`$time_add` …, see
 * `interval-arithmetic.ts`), which SQL cannot name.
 */
import { CalendarIntervalType, DayTimeIntervalType, DecimalType, IntegerType, YearMonthIntervalType } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { FunctionDef } from "./define.js";
import { simple } from "./define.js";
import { INTERNAL_INTERVAL_NAMES } from "../interval-arithmetic.js";

const I = IntegerType();
/** Spark's seconds argument type: `Decimal(MAX_LONG_DIGITS = 18, 6)`. */
const SECONDS = DecimalType(18, 6);

export const INTERVAL_FUNCTIONS: readonly FunctionDef[] = [
  // Missing arguments are zero; non-ANSI make_interval is null on overflow.
  simple("make_interval", [I, I, I, I, I, I, SECONDS], CalendarIntervalType(), { minArgs: 0, alwaysNullable: true }),
  simple("make_dt_interval", [I, I, I, SECONDS], DayTimeIntervalType(), { minArgs: 0 }),
  simple("make_ym_interval", [I, I], YearMonthIntervalType(), { minArgs: 0 }),
  ...INTERNAL_INTERVAL_NAMES.map(
    (name): FunctionDef => ({
      name,
      minArgs: 0,
      maxArgs: Number.MAX_SAFE_INTEGER,
      resolve() {
        throw new AnalysisError(`analysis: '${name}' is internal to interval arithmetic and cannot be called`);
      },
    }),
  ),
];
