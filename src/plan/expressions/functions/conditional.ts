/** Conditional functions: coalesce, nvl, nvl2, if, nullif, greatest, least. */
import type { FunctionDef } from "./define.js";
import { expectArg, widened } from "./define.js";

export const CONDITIONAL_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "coalesce",
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
  {
    name: "nvl",
    aliases: ["ifnull"],
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
  {
    // nvl2(a, b, c) is Spark's `If(IsNotNull(a), b, c)`.
    name: "nvl2",
    minArgs: 3,
    maxArgs: 3,
    resolve(ctx) {
      const w = widened(ctx, ctx.args.slice(1), true);
      return { args: [ctx.args[0], ...w.args], dataType: w.type, nullable: w.args.some((a) => a.nullable) };
    },
  },
  {
    name: "if",
    minArgs: 3,
    maxArgs: 3,
    resolve(ctx) {
      const cond = expectArg(ctx, 0, "boolean");
      const w = widened(ctx, ctx.args.slice(1), true);
      return { args: [cond, ...w.args], dataType: w.type, nullable: w.args.some((a) => a.nullable) };
    },
  },
  {
    name: "nullif",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: w.type, nullable: true };
    },
  },
  {
    name: "greatest",
    minArgs: 2,
    maxArgs: Infinity,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, false);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
  {
    name: "least",
    minArgs: 2,
    maxArgs: Infinity,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, false);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
];
