/**
 * Analysis of joins. A join's condition is bound over the pair of its inputs' rows (left columns,
 * then right columns, with both sides' qualifiers), then split as Spark's `ExtractEquiJoinKeys`
 * does: each conjunct `l = r` (or `l <=> r`) whose sides read only one input each becomes a hash
 * key; what is left is the residual condition evaluated on candidate pairs.
 *
 * Output columns, as Spark: left then right for inner/outer/cross joins, left only for semi and
 * anti joins. A USING (or NATURAL) join outputs each key column once, first: the left side's for
 * inner, left, semi and anti joins, the right side's for right joins, and `coalesce(left, right)`
 * for full joins; then the other columns of each side. The side an outer join may fill with nulls
 * has every column nullable.
 */
import { AnalysisError, suggestion } from "../errors.js";
import { StructField, StructType, type DataType } from "../types/data-types.js";
import { node, type Expr } from "../sql/expression.js";
import type { JoinNode, JoinType } from "./logical.js";
import type { BoundExpr } from "./expressions/bound.js";
import { boundChildren, conjunction, containsAggregate, mapBoundChildren, splitConjuncts } from "./expressions/bound.js";
import { bindExpr, bindPredicate } from "./expressions/bind.js";
import type { ResolvedPlan } from "./analyze.js";

export interface ResolvedJoinParts {
  readonly joinType: JoinType;
  /** Hash keys over the left input's columns, pairwise comparable with `rightKeys`. */
  readonly leftKeys: readonly BoundExpr[];
  /** Hash keys over the right input's columns. */
  readonly rightKeys: readonly BoundExpr[];
  /** Per key: true for `<=>` (null matches null), false for `=` (a null key matches nothing). */
  readonly nullSafe: readonly boolean[];
  /** The rest of the condition, over the pair schema (left columns then right ones); null if none. */
  readonly residual: BoundExpr | null;
  /** Schema of the pairs the join operator emits (semi/anti: left only), outer sides nullable. */
  readonly pairSchema: StructType;
  /** Output expressions over the pair schema, when the output is not the pair itself. */
  readonly post: readonly BoundExpr[] | null;
  readonly schema: StructType;
  readonly qualifiers: readonly (string | null)[];
  /** Output columns only a qualified name reaches (a SQL USING join's other-side keys); absent: none. */
  readonly hidden?: readonly boolean[];
}

/** Resolves a join node over its resolved inputs. @throws AnalysisError for bad keys or conditions. */
export function analyzeJoin(plan: JoinNode, left: ResolvedPlan, right: ResolvedPlan): ResolvedJoinParts {
  const joinType = plan.joinType;
  if (joinType === "cross" && (plan.using !== null || plan.natural)) {
    throw new AnalysisError("analysis: a cross join cannot have USING columns or be NATURAL");
  }
  const nl = left.schema.fields.length;
  const leftNullable = joinType === "right" || joinType === "full";
  const rightNullable = joinType === "left" || joinType === "full";
  const pairFields = [
    ...left.schema.fields.map((f) => (leftNullable ? StructField(f.name, f.dataType, true) : f)),
    ...right.schema.fields.map((f) => (rightNullable ? StructField(f.name, f.dataType, true) : f)),
  ];
  const pairQualifiers = [...left.qualifiers, ...right.qualifiers];
  const pairHidden = [...(left.hidden ?? left.schema.fields.map(() => false)), ...(right.hidden ?? right.schema.fields.map(() => false))];
  const fullPair = StructType(pairFields);
  let hidden: boolean[] | null = null;

  let condition: BoundExpr | null = null;
  let post: BoundExpr[] | null = null;
  let schema: StructType;
  let qualifiers: (string | null)[];
  const usingNames = plan.natural ? commonNames(left, right) : plan.using;
  if (usingNames !== null) {
    const { conjuncts, leftOrdinals, rightOrdinals } = bindUsing(usingNames, left, right);
    condition = conjunction(conjuncts);
    const keyExprs = leftOrdinals.map((li, k) => usingKey(joinType, fullPair, li, nl + rightOrdinals[k]));
    const leftRest = range(nl).filter((i) => !leftOrdinals.includes(i));
    const rightRest = range(right.schema.fields.length).filter((i) => !rightOrdinals.includes(i)).map((i) => nl + i);
    const semi = joinType === "left_semi" || joinType === "left_anti";
    let rest = semi ? leftRest : [...leftRest, ...rightRest];
    if (plan.hiddenKeys === true && !semi) {
      // SQL keeps each side's own key reachable as `side.k` (and in `side.*`, in the side's column
      // order): the keys the visible one is not are hidden columns among their side's columns.
      const leftOwn = joinType === "right" || joinType === "full";
      const rightOwn = joinType !== "right";
      rest = [...range(nl).filter((i) => !leftOrdinals.includes(i) || leftOwn), ...range(right.schema.fields.length).filter((i) => !rightOrdinals.includes(i) || rightOwn).map((i) => nl + i)];
    }
    // Hidden: the sides' own keys kept for `side.k`, and whatever a side already hid (a key of
    // an earlier join in a chain).
    const ownKey = (i: number) => plan.hiddenKeys === true && !semi && (i < nl ? leftOrdinals.includes(i) : rightOrdinals.includes(i - nl));
    const restHidden = rest.map((i) => pairHidden[i] || ownKey(i));
    if (restHidden.some((h) => h)) hidden = [...keyExprs.map(() => false), ...restHidden];
    post = [...keyExprs, ...rest.map((i) => refTo(fullPair, i))];
    schema = StructType(post.map((e, i) => StructField(i < keyExprs.length ? left.schema.fields[leftOrdinals[i]].name : fullPair.fields[rest[i - keyExprs.length]].name, e.dataType, e.nullable)));
    qualifiers = [
      ...leftOrdinals.map((li, k) => (joinType === "right" ? right.qualifiers[rightOrdinals[k]] : joinType === "full" ? null : left.qualifiers[li])),
      ...rest.map((i) => pairQualifiers[i]),
    ];
  } else {
    if (plan.condition !== null) {
      condition = bindPredicate(plan.condition, fullPair, { qualifiers: pairQualifiers, hidden: pairHidden });
      if (containsAggregate(condition)) throw new AnalysisError("analysis: aggregate functions are not allowed in a join condition");
    }
    if (joinType === "left_semi" || joinType === "left_anti") {
      schema = left.schema;
      qualifiers = [...left.qualifiers];
      if (left.hidden !== undefined) hidden = [...left.hidden];
    } else {
      schema = fullPair;
      qualifiers = pairQualifiers;
      if (pairHidden.some((h) => h)) hidden = pairHidden;
    }
  }
  const { leftKeys, rightKeys, nullSafe, residual } = splitCondition(condition, nl);
  const pairSchema = joinType === "left_semi" || joinType === "left_anti" ? left.schema : fullPair;
  return { joinType, leftKeys, rightKeys, nullSafe, residual, pairSchema, post, schema, qualifiers, ...(hidden === null ? {} : { hidden }) };
}

/**
 * Column names present on both sides, in the left side's order (NATURAL JOIN): visible columns
 * only, so a chain `a NATURAL JOIN b NATURAL JOIN c` is not confused by the key a join before
 * kept hidden (Spark's `NATURAL JOIN` reads the output of the previous one).
 */
function commonNames(left: ResolvedPlan, right: ResolvedPlan): string[] {
  const rightNames = new Set(visibleNames(right).map((n) => n.toLowerCase()));
  return visibleNames(left).filter((n) => rightNames.has(n.toLowerCase()));
}

function visibleNames(p: ResolvedPlan): string[] {
  return p.schema.fields.flatMap((f, i) => (p.hidden?.[i] === true ? [] : [f.name]));
}

function bindUsing(
  names: readonly string[],
  left: ResolvedPlan,
  right: ResolvedPlan,
): { conjuncts: BoundExpr[]; leftOrdinals: number[]; rightOrdinals: number[] } {
  const nl = left.schema.fields.length;
  const leftOrdinals: number[] = [];
  const rightOrdinals: number[] = [];
  const conjuncts: BoundExpr[] = [];
  for (const name of names) {
    const li = uniqueOrdinal(left, name, "left");
    const ri = uniqueOrdinal(right, name, "right");
    leftOrdinals.push(li);
    rightOrdinals.push(ri);
    // Bind `l = r` over a two-column schema (so Spark's comparison coercion applies), then point
    // its references at the pair's columns.
    const lf = left.schema.fields[li];
    const rf = right.schema.fields[ri];
    const eq: Expr = node({ kind: "binary", op: "=", left: node({ kind: "column", parts: ["l"] }), right: node({ kind: "column", parts: ["r"] }) });
    const bound = bindPredicate(eq, StructType([StructField("l", lf.dataType, lf.nullable), StructField("r", rf.dataType, rf.nullable)]));
    conjuncts.push(remapRefs(bound, (o) => (o === 0 ? { ordinal: li, name: lf.name } : { ordinal: nl + ri, name: rf.name })));
  }
  return { conjuncts, leftOrdinals, rightOrdinals };
}

/** The one visible column `name` of a join side (a column a join before kept hidden does not count). */
function uniqueOrdinal(side0: ResolvedPlan, name: string, side: string): number {
  const names = side0.schema.fields.map((f) => f.name);
  const hits = names.flatMap((n, i) => (n.toLowerCase() === name.toLowerCase() && side0.hidden?.[i] !== true ? [i] : []));
  if (hits.length === 0) {
    throw new AnalysisError(`analysis: USING column '${name}' cannot be resolved on the ${side} side of the join [${names.join(", ")}]${suggestion(name, names)}`);
  }
  if (hits.length > 1) throw new AnalysisError(`analysis: USING column '${name}' is ambiguous on the ${side} side of the join`);
  return hits[0];
}

/** The output value of a USING key column for the join type (see the module comment). */
function usingKey(joinType: JoinType, pair: StructType, li: number, ri: number): BoundExpr {
  if (joinType === "right") return refTo(pair, ri);
  if (joinType !== "full") return refTo(pair, li);
  // coalesce(l, r), bound over a two-column schema for its argument coercion, then re-pointed.
  const lf = pair.fields[li];
  const rf = pair.fields[ri];
  const call: Expr = node({ kind: "call", name: "coalesce", distinct: false, args: [node({ kind: "column", parts: ["l"] }), node({ kind: "column", parts: ["r"] })] });
  const bound = bindExpr(call, StructType([StructField("l", lf.dataType, true), StructField("r", rf.dataType, true)]));
  return remapRefs(bound, (o) => (o === 0 ? { ordinal: li, name: lf.name } : { ordinal: ri, name: rf.name }));
}

function refTo(schema: StructType, ordinal: number): BoundExpr {
  const f = schema.fields[ordinal];
  return { kind: "ref", ordinal, name: f.name, dataType: f.dataType, nullable: f.nullable };
}

function remapRefs(e: BoundExpr, to: (ordinal: number) => { ordinal: number; name: string }): BoundExpr {
  const walk = (x: BoundExpr): BoundExpr => (x.kind === "ref" ? { ...x, ...to(x.ordinal) } : mapBoundChildren(x, walk));
  return walk(e);
}

/**
 * Splits a condition over the pair into hash keys and a residual: `a = b` / `a <=> b` conjuncts
 * where one side reads only left columns and the other only right columns become keys (right keys
 * rebased onto the right input's ordinals). Keys of types that cannot be hashed (maps) and
 * conjuncts that read nothing or both sides stay in the residual.
 */
export function splitCondition(
  condition: BoundExpr | null,
  nl: number,
): { leftKeys: BoundExpr[]; rightKeys: BoundExpr[]; nullSafe: boolean[]; residual: BoundExpr | null } {
  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const nullSafe: boolean[] = [];
  const rest: BoundExpr[] = [];
  for (const c of condition === null ? [] : splitConjuncts(condition)) {
    if (c.kind === "binary" && (c.op === "=" || c.op === "<=>") && hashable(c.left.dataType)) {
      const ls = sidesOf(c.left, nl);
      const rs = sidesOf(c.right, nl);
      const rebase = (e: BoundExpr) => remapRefs(e, (o) => ({ ordinal: o - nl, name: refName(e, o) }));
      if (ls === "left" && rs === "right") {
        leftKeys.push(c.left);
        rightKeys.push(rebase(c.right));
        nullSafe.push(c.op === "<=>");
        continue;
      }
      if (ls === "right" && rs === "left") {
        leftKeys.push(c.right);
        rightKeys.push(rebase(c.left));
        nullSafe.push(c.op === "<=>");
        continue;
      }
    }
    rest.push(c);
  }
  return { leftKeys, rightKeys, nullSafe, residual: conjunction(rest) };
}

function refName(e: BoundExpr, ordinal: number): string {
  let name = "";
  const walk = (x: BoundExpr): void => {
    if (x.kind === "ref" && x.ordinal === ordinal) name = x.name;
    for (const c of boundChildren(x)) walk(c);
  };
  walk(e);
  return name;
}

function hashable(t: DataType): boolean {
  if (t.typeName === "map") return false;
  if (t.typeName === "struct") return t.fields.every((f) => hashable(f.dataType));
  if (t.typeName === "array") return hashable(t.elementType);
  return true;
}

/** Which input an expression over the pair reads: one side, both, or none (a constant). */
function sidesOf(e: BoundExpr, nl: number): "left" | "right" | "both" | "none" {
  if (e.kind === "call" && (e.fn.name === "rand" || e.fn.name === "randn" || e.fn.name === "uuid")) return "both";
  let left = false;
  let right = false;
  const walk = (x: BoundExpr): void => {
    if (x.kind === "ref") {
      if (x.ordinal < nl) left = true;
      else right = true;
    }
    for (const c of boundChildren(x)) walk(c);
  };
  walk(e);
  return left && right ? "both" : left ? "left" : right ? "right" : "none";
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
