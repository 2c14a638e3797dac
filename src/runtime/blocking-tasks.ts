/**
 * The one explicit list of async functions that {@link blockingCall} may run in its worker thread.
 * Each entry loads its module lazily (so the worker pays only for what it calls) and returns the
 * function. Adding a task means adding a line here; arguments and results must be
 * structured-cloneable (plain JSON-like values, typed arrays).
 */
export const blockingTasks = {
  /** Loads a Delta table's schema (at a version or timestamp), for the delta source's `describe`. */
  deltaDescribe: async () => (await import("../tables/delta/delta-describe.js")).describeDeltaTableTask,
} as const;

/** The name of a task in {@link blockingTasks}. */
export type BlockingTaskName = keyof typeof blockingTasks;

/** The function a task runs. */
export type BlockingTaskFn<K extends BlockingTaskName> = Awaited<ReturnType<(typeof blockingTasks)[K]>>;
