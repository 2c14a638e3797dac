/** Kernels of the date functions that need no time zone (date arithmetic, calendar fields). */
import type { KernelFactory } from "./kernel.js";

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const DATE_KERNELS: Readonly<Record<string, KernelFactory>> = {};
