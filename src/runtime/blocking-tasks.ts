/**
 * The one explicit list of async functions that {@link blockingCall} may run in its worker thread.
 * Each entry loads its module lazily (so the worker pays only for what it calls) and returns the
 * function. Adding a task means adding a line here; arguments and results must be
 * structured-cloneable (plain JSON-like values, typed arrays).
 */
export const blockingTasks = {
  /** Reads what a source's schema depends on, for `load()` (see `source-schema.ts`). */
  resolveSourceSchema: async () => (await import("./source-schema.js")).resolveSourceSchemaTask,
  /** Describes a catalog table and its connection, for `spark.table` and GlueContext's `from_catalog`. */
  describeCatalogTable: async () => (await import("./catalog-table.js")).describeCatalogTableTask,
  /** Reads or writes the warehouse catalog (`spark.sql`'s tables; see `catalog/warehouse/`). */
  warehouse: async () => (await import("../catalog/warehouse/warehouse-catalog.js")).warehouseTask,
} as const;

/** The name of a task in {@link blockingTasks}. */
export type BlockingTaskName = keyof typeof blockingTasks;

/** The function a task runs. */
export type BlockingTaskFn<K extends BlockingTaskName> = Awaited<ReturnType<(typeof blockingTasks)[K]>>;
