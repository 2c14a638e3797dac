/** CSV function kernels. */
import type { KernelFactory } from "./kernel.js";

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const CSV_KERNELS: Readonly<Record<string, KernelFactory>> = {};
