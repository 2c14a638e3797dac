/**
 * Event-time kernels: `#time_window` (the window column of `window(…)`, see `plan/time-window.ts`)
 * and `window_time(window)`. Timestamps are µs; both use doubles while values stay below 2^53 µs
 * in magnitude (±285 years around 1970) and BigInt arithmetic beyond.
 */
import type { I64Vector, Vector } from "../../../columnar/vector.js";
import { int64At, int64Words, setInt64At } from "../../../columnar/int64-words.js";
import { ExecutionError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { TimestampType } from "../../../types/data-types.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { parseIntervalText } from "../../../types/interval-text.js";
import type { Kernel } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

function timestamps(v: Vector, what: string): I64Vector {
  if (v.kind !== "i64") throw new ExecutionError(`${what}: expected a timestamp vector, got ${v.type.typeName}`);
  return v;
}

/** The window `[start, end)` of index `options.index` for every row's time (null where the time is null). */
export function timeWindowKernel(call: BoundCall): Kernel {
  const window = Number(call.fn.options.window);
  const slide = Number(call.fn.options.slide);
  const start = Number(call.fn.options.start);
  const index = Number(call.fn.options.index);
  const big = { window: BigInt(window), slide: BigInt(slide), start: BigInt(start), index: BigInt(index) };
  const type = call.dataType;
  if (type.typeName !== "struct") throw new ExecutionError("window: the result type must be a struct");
  return (args, n) => {
    const ts = timestamps(args[0], "window");
    const starts = new BigInt64Array(n);
    const ends = new BigInt64Array(n);
    const tw = int64Words(ts.values);
    const sw = int64Words(starts);
    const ew = int64Words(ends);
    for (let i = 0; i < n; i++) {
      if (ts.valid !== null && ts.valid[i] === 0) continue;
      const t = int64At(tw, i);
      const r = (t - start) % slide;
      const s = t - (r < 0 ? r + slide : r) - index * slide;
      const e = s + window;
      if (t === t && Math.abs(t - start) < 2 ** 53 && Math.abs(s) < 2 ** 53 && Math.abs(e) < 2 ** 53) {
        setInt64At(sw, i, s);
        setInt64At(ew, i, e);
      } else {
        const bt = ts.values[i];
        const br = (bt - big.start) % big.slide;
        const bs = bt - (br < 0n ? br + big.slide : br) - big.index * big.slide;
        starts[i] = bs;
        ends[i] = bs + big.window;
      }
    }
    const valid = ts.valid === null ? null : ts.valid.slice(0, n);
    const children: Vector[] = [
      { kind: "i64", type: TimestampType(), length: n, valid, values: starts },
      { kind: "i64", type: TimestampType(), length: n, valid: valid === null ? null : valid.slice(), values: ends },
    ];
    return { kind: "struct", type, length: n, valid: null, children };
  };
}

/** `window_time(window)`: the window's `end` minus 1 µs (null where the window or its end is null). */
export const windowTimeKernel: Kernel = (args, n) => {
  const w = args[0];
  if (w.kind !== "struct") throw new ExecutionError(`window_time: expected a window struct, got ${w.type.typeName}`);
  const end = timestamps(w.children[1], "window_time");
  const out = new BigInt64Array(n);
  const ew = int64Words(end.values);
  const ow = int64Words(out);
  const valid = new Uint8Array(n);
  let allValid = true;
  for (let i = 0; i < n; i++) {
    if ((w.valid !== null && w.valid[i] === 0) || (end.valid !== null && end.valid[i] === 0)) {
      allValid = false;
      continue;
    }
    const e = int64At(ew, i);
    if (e === e && e > -(2 ** 53) + 1) setInt64At(ow, i, e - 1);
    else out[i] = end.values[i] - 1n;
    valid[i] = 1;
  }
  return { kind: "i64", type: TimestampType(), length: n, valid: allValid ? null : valid, values: out };
};

/**
 * `#session_window(ts[, gap])`: a row's own session `[ts, ts + gap)`. The gap is the constant
 * `options.gap` (µs) or a string interval per row; a null time, or a gap that is null, not an
 * interval or not positive, gives null bounds (the plan drops such rows, as Spark does).
 */
export function sessionWindowKernel(call: BoundCall): Kernel {
  const type = call.dataType;
  if (type.typeName !== "struct") throw new ExecutionError("session_window: the result type must be a struct");
  const constant = call.fn.options.gap === undefined ? null : Number(call.fn.options.gap);
  const parsed = new Map<string, number | null>();
  const gapOf = (text: string): number | null => {
    let g = parsed.get(text);
    if (g === undefined) {
      try {
        const v = parseIntervalText(text, "session_window gap");
        g = v.months === 0 ? v.micros : null;
      } catch {
        g = null;
      }
      parsed.set(text, g);
    }
    return g;
  };
  return (args, n) => {
    const ts = timestamps(args[0], "session_window");
    const gaps = args[1];
    const starts = new BigInt64Array(n);
    const ends = new BigInt64Array(n);
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (ts.valid !== null && ts.valid[i] === 0) continue;
      let gap = constant;
      if (gap === null) {
        if (gaps === undefined || gaps.kind !== "bytes" || (gaps.valid !== null && gaps.valid[i] === 0)) continue;
        gap = gapOf(decodeUtf8(gaps.data, gaps.offsets[i], gaps.offsets[i + 1]));
      }
      if (gap === null || gap <= 0) continue;
      starts[i] = ts.values[i];
      ends[i] = ts.values[i] + BigInt(gap);
      valid[i] = 1;
    }
    const children: Vector[] = [
      { kind: "i64", type: TimestampType(), length: n, valid, values: starts },
      { kind: "i64", type: TimestampType(), length: n, valid: valid.slice(), values: ends },
    ];
    return { kind: "struct", type, length: n, valid: null, children };
  };
}

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const EVENT_TIME_KERNELS: Readonly<Record<string, KernelFactory>> = {
  "#time_window": timeWindowKernel,
  "#session_window": sessionWindowKernel,
  window_time: fixed(windowTimeKernel),
};
