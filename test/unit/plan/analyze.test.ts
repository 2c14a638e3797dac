/**
 * Analysis: each node resolves against its children (schemas, nullability, streaming flag) and
 * `checkStreamingQuery` applies Spark's UnsupportedOperationChecker rules.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeNode, checkStreamingQuery, hasAggregate } from "../../../src/plan/analyze.js";
import type { ResolvedPlan } from "../../../src/plan/analyze.js";
import { AnalysisError } from "../../../src/errors.js";
import { node } from "../../../src/sql/expression.js";
import type { Expr } from "../../../src/sql/expression.js";
import { toSchema } from "../../../src/sql/ddl.js";
import { registerBuiltinConnectors } from "../../../src/connectors/builtin.js";
import { MemoryStream } from "../../../src/connectors/memory/memory-stream.js";
import { simpleString } from "../../../src/types/print-schema.js";

registerBuiltinConnectors();
const ms = new MemoryStream("k STRING, v BIGINT", "analyze_test_stream");

const colRef = (name: string): Expr => node({ kind: "column", parts: [name] });
const call = (name: string, ...args: Expr[]): Expr => node({ kind: "call", name, args, distinct: false });
const lit = (value: number): Expr => node({ kind: "literal", value, dataType: { typeName: "integer" } });

const stream = analyzeNode({ kind: "source", format: "memory", options: { name: ms.name }, userSchema: null, schema: ms.schema, isStreaming: true, path: null }, []);
const local = analyzeNode({ kind: "localRelation", schema: toSchema("k STRING, v BIGINT"), batches: [], isStreaming: false }, []);

function agg(child: ResolvedPlan): ResolvedPlan {
  return analyzeNode({ kind: "aggregate", child: { kind: "localRelation", schema: child.schema, batches: [], isStreaming: false }, groupBy: [colRef("k")], aggregates: [call("sum", colRef("v"))] }, [child]);
}
function unary(kind: "sort" | "limit" | "deduplicate", child: ResolvedPlan): ResolvedPlan {
  const c = { kind: "localRelation" as const, schema: child.schema, batches: [], isStreaming: false as const };
  if (kind === "sort") return analyzeNode({ kind, child: c, orders: [colRef(child.schema.fields[0].name)] }, [child]);
  if (kind === "limit") return analyzeNode({ kind, child: c, n: 5 }, [child]);
  return analyzeNode({ kind, child: c, keys: null }, [child]);
}
const types = (p: ResolvedPlan) => p.schema.fields.map((f) => `${f.name}:${simpleString(f.dataType)}:${f.nullable}`);

test("sources and local relations carry their schema and streaming flag", () => {
  assert.equal(stream.isStreaming, true);
  assert.deepEqual(types(stream), ["k:string:true", "v:bigint:true"]);
  assert.equal(local.isStreaming, false);
});

test("aggregate output: grouping columns, then aggregates named as Spark names them; streaming propagates", () => {
  const a = agg(stream);
  assert.equal(a.kind, "aggregate");
  assert.deepEqual(types(a), ["k:string:true", "sum(v):bigint:true"]);
  assert.equal(a.isStreaming, true);
  assert.equal(hasAggregate(a), true);
  assert.equal(hasAggregate(agg(local)), false, "a batch aggregation is not a streaming aggregation");
  // An expression over aggregates gets a post-projection.
  const ratio = analyzeNode(
    { kind: "aggregate", child: { kind: "localRelation", schema: local.schema, batches: [], isStreaming: false }, groupBy: [], aggregates: [node({ kind: "alias", name: "r", child: node({ kind: "binary", op: "/", left: call("sum", colRef("v")), right: call("count", colRef("v")) }) })] },
    [local],
  );
  assert.ok(ratio.kind === "aggregate" && ratio.post !== null);
  assert.deepEqual(types(ratio), ["r:double:true"]);
});

test("union: same column count and compatible types; names from the first input; nullable if any input is", () => {
  const a = analyzeNode({ kind: "localRelation", schema: toSchema("x INT NOT NULL"), batches: [], isStreaming: false }, []);
  const b = analyzeNode({ kind: "localRelation", schema: toSchema("y INT"), batches: [], isStreaming: false }, []);
  const u = analyzeNode({ kind: "union", children: [] }, [a, b]);
  assert.deepEqual(types(u), ["x:int:true"]);
  assert.throws(() => analyzeNode({ kind: "union", children: [] }, [a, local]), /same number of columns/);
  const s = analyzeNode({ kind: "localRelation", schema: toSchema("z STRING"), batches: [], isStreaming: false }, []);
  assert.throws(() => analyzeNode({ kind: "union", children: [] }, [a, s]), /column 1 \('x'\) is \w+ in the first input but string in input 2/);
  assert.equal(analyzeNode({ kind: "union", children: [] }, [local, stream]).isStreaming, true);
});

test("dropDuplicates keys resolve case-insensitively; unknown keys suggest a name", () => {
  const d = analyzeNode({ kind: "deduplicate", child: { kind: "localRelation", schema: local.schema, batches: [], isStreaming: false }, keys: ["K"] }, [local]);
  assert.ok(d.kind === "deduplicate");
  assert.deepEqual(d.keyOrdinals, [0]);
  assert.throws(
    () => analyzeNode({ kind: "deduplicate", child: { kind: "localRelation", schema: local.schema, batches: [], isStreaming: false }, keys: ["vv"] }, [local]),
    /dropDuplicates: cannot resolve column 'vv' among \[k, v\]; did you mean 'v'/,
  );
});

test("limit must be a non-negative integer", () => {
  assert.throws(() => analyzeNode({ kind: "limit", child: { kind: "localRelation", schema: local.schema, batches: [], isStreaming: false }, n: 1.5 }, [local]), /non-negative integer, got 1.5/);
});

test("checkStreamingQuery: Spark's rules for output modes, sorting, limit and aggregations", () => {
  const fails = (p: ResolvedPlan, mode: "append" | "update" | "complete", re: RegExp) =>
    assert.throws(() => checkStreamingQuery(p, mode), (e: unknown) => e instanceof AnalysisError && re.test(e.message));
  fails(local, "append", /only be called on a streaming DataFrame/);
  checkStreamingQuery(stream, "append");
  checkStreamingQuery(stream, "update");
  fails(stream, "complete", /complete output mode not supported when there are no streaming aggregations/);
  const a = agg(stream);
  fails(a, "append", /append output mode not supported when there are streaming aggregations/);
  checkStreamingQuery(a, "update");
  checkStreamingQuery(a, "complete");
  const twice = analyzeNode({ kind: "aggregate", child: { kind: "localRelation", schema: a.schema, batches: [], isStreaming: false }, groupBy: [colRef("k")], aggregates: [call("count", colRef("k"))] }, [a]);
  fails(twice, "complete", /multiple streaming aggregations are not supported/);
  fails(unary("sort", stream), "append", /sorting is not supported on streaming DataFrames/);
  fails(unary("sort", a), "update", /sorting is not supported/);
  checkStreamingQuery(unary("sort", a), "complete");
  checkStreamingQuery(unary("limit", stream), "append");
  fails(unary("limit", a), "update", /limits are not supported on streaming DataFrames\/Datasets in update output mode/);
  checkStreamingQuery(unary("limit", a), "complete");
  fails(unary("deduplicate", a), "update", /dropDuplicates after a streaming aggregation is not supported/);
  checkStreamingQuery(unary("deduplicate", stream), "append");
  // A batch aggregation joined into a stream by union does not count as a streaming aggregation.
  const mixed = analyzeNode({ kind: "union", children: [] }, [stream, analyzeNode({ kind: "project", child: { kind: "localRelation", schema: local.schema, batches: [], isStreaming: false }, exprs: [colRef("k"), node({ kind: "alias", name: "v", child: node({ kind: "cast", to: { typeName: "long" }, child: lit(1) }) })] }, [local])]);
  checkStreamingQuery(mixed, "append");
});
