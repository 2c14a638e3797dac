/** Higher-order function kernels: lambdas over arrays and maps. */
import type { KernelFactory } from "./kernel.js";

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const HIGHER_ORDER_KERNELS: Readonly<Record<string, KernelFactory>> = {};
