import { test } from "node:test";
import assert from "node:assert/strict";
import { parseExpression, parseNamedExpression, parseSortExpression, parseAttributeName } from "../../../src/sql/parser.js";
import type { Expr } from "../../../src/sql/expression.js";
import { simpleString } from "../../../src/types/print-schema.js";
import { ParseError } from "../../../src/errors.js";
import { ArrayType, DecimalType, IntegerType, StringType, StructField, StructType, sameType } from "../../../src/types/data-types.js";

/** A compact S-expression rendering of the IR so precedence is visible at a glance. */
function sx(e: Expr): string {
  switch (e.kind) {
    case "column":
      return e.parts.map((p) => (/^[A-Za-z_][\w]*$/.test(p) ? p : `\`${p}\``)).join(".");
    case "star":
      return e.qualifier.length === 0 ? "*" : `${e.qualifier.join(".")}.*`;
    case "literal": {
      const v = e.value;
      const t = simpleString(e.dataType);
      if (v === null) return `null:${t}`;
      if (typeof v === "string") return `'${v}'`;
      if (v instanceof Uint8Array) return `X'${Buffer.from(v).toString("hex")}'`;
      if (typeof v === "bigint") return `${v}n:${t}`;
      return `${String(v)}:${t}`;
    }
    case "typeArg":
      return `type(${simpleString(e.dataType)})`;
    case "alias":
      return `(as ${sx(e.child)} ${e.name})`;
    case "cast":
      return `(cast ${sx(e.child)} ${simpleString(e.to)})`;
    case "unary":
      return `(${e.op} ${sx(e.child)})`;
    case "binary":
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case "isNull":
      return `(${e.negated ? "isNotNull" : "isNull"} ${sx(e.child)})`;
    case "in":
      return `(${e.negated ? "notIn" : "in"} ${sx(e.child)} [${e.list.map(sx).join(" ")}])`;
    case "between":
      return `(${e.negated ? "notBetween" : "between"} ${sx(e.child)} ${sx(e.low)} ${sx(e.high)})`;
    case "like":
      return `(${e.negated ? "not" : ""}${e.regex ? "rlike" : "like"} ${sx(e.child)} ${sx(e.pattern)}${e.escape === "\\" ? "" : ` esc=${e.escape}`})`;
    case "case":
      return `(case${e.operand === null ? "" : ` ${sx(e.operand)}`} ${e.branches.map((b) => `[${sx(b.when)} ${sx(b.then)}]`).join(" ")}${e.otherwise === null ? "" : ` else ${sx(e.otherwise)}`})`;
    case "call":
      return `${e.name}(${e.distinct ? "distinct " : ""}${e.args.map(sx).join(", ")})${e.filter === undefined ? "" : ` filter ${sx(e.filter)}`}`;
    case "sortOrder":
      return `(${e.ascending ? "asc" : "desc"} ${sx(e.child)} nulls${e.nullsFirst ? "First" : "Last"})`;
    case "ordinal":
      return `#${e.ordinal}`;
    case "subquery":
      return `(subquery ${e.type})`;
    case "lambda":
      return `(lambda [${e.params.join(" ")}] ${sx(e.body)})`;
    case "lambdaVar":
      return `$${e.parts.join(".")}`;
    case "window":
      return `(over ${sx(e.fn)} [${e.spec.partitionBy.map(sx).join(" ")}] [${e.spec.orderBy.map(sx).join(" ")}]${e.spec.frame === null ? "" : ` ${e.spec.frame.type}`})`;
  }
}

const p = (text: string): string => sx(parseExpression(text));

function assertParseError(fn: () => unknown, position: number, ...fragments: string[]): ParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    assert.equal(e.context.position, position, e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return e;
  }
  assert.fail("expected a ParseError");
}

test("boolean precedence: OR < AND < NOT < comparison", () => {
  assert.equal(p("a OR b AND NOT c = 1"), "(or a (and b (not (= c 1:int))))");
  assert.equal(p("a AND b OR c AND d"), "(or (and a b) (and c d))");
  assert.equal(p("NOT a AND b"), "(and (not a) b)");
  assert.equal(p("NOT NOT a"), "(not (not a))");
  assert.equal(p("!a"), "(not a)");
  assert.equal(p("a or b or c"), "(or (or a b) c)");
  assert.equal(p("(a OR b) AND c"), "(and (or a b) c)");
});

test("NOT binds looser than predicates", () => {
  assert.equal(p("NOT a IN (1,2)"), "(not (in a [1:int 2:int]))");
  assert.equal(p("a NOT IN (1, 2)"), "(notIn a [1:int 2:int])");
  assert.equal(p("NOT a IS NULL"), "(not (isNull a))");
  assert.equal(p("NOT a LIKE 'x%'"), "(not (like a 'x%'))");
});

test("arithmetic, bitwise and comparison precedence follow Spark", () => {
  assert.equal(p("a + b * c"), "(+ a (* b c))");
  assert.equal(p("a * b + c"), "(+ (* a b) c)");
  assert.equal(p("a - b - c"), "(- (- a b) c)");
  assert.equal(p("a / b % c DIV d"), "(div (% (/ a b) c) d)");
  assert.equal(p("a || b + c"), "(+ (|| a b) c)");
  assert.equal(p("a + b & c"), "(& (+ a b) c)");
  assert.equal(p("a & b ^ c | d"), "(| (^ (& a b) c) d)");
  assert.equal(p("a | b = c"), "(= (| a b) c)");
  assert.equal(p("a + 1 > b * 2"), "(> (+ a 1:int) (* b 2:int))");
  assert.equal(p("a = b = c"), "(= (= a b) c)");
  assert.equal(p("-a * b"), "(* (- a) b)");
  assert.equal(p("~a & b"), "(& (~ a) b)");
  assert.equal(p("+a"), "(+ a)");
  assert.equal(p("- -a"), "(- (- a))");
});

test("all comparison operators map to the IR", () => {
  assert.equal(p("a = 1"), "(= a 1:int)");
  assert.equal(p("a == 1"), "(= a 1:int)");
  assert.equal(p("a <=> 1"), "(<=> a 1:int)");
  assert.equal(p("a <> 1"), "(!= a 1:int)");
  assert.equal(p("a != 1"), "(!= a 1:int)");
  assert.equal(p("a < 1"), "(< a 1:int)");
  assert.equal(p("a <= 1"), "(<= a 1:int)");
  assert.equal(p("a > 1"), "(> a 1:int)");
  assert.equal(p("a >= 1"), "(>= a 1:int)");
});

test("predicates: IS, IN, BETWEEN, LIKE, RLIKE", () => {
  assert.equal(p("a IS NULL"), "(isNull a)");
  assert.equal(p("a is not null"), "(isNotNull a)");
  assert.equal(p("a + 1 IS NULL"), "(isNull (+ a 1:int))");
  assert.equal(p("a = 1 IS NULL"), "(isNull (= a 1:int))");
  assert.equal(p("a IN ('x', b + 1)"), "(in a ['x' (+ b 1:int)])");
  assert.equal(p("a BETWEEN 1 AND 2 AND b"), "(and (between a 1:int 2:int) b)");
  assert.equal(p("a NOT BETWEEN b - 1 AND b + 1"), "(notBetween a (- b 1:int) (+ b 1:int))");
  assert.equal(p("a LIKE 'x\\_%'"), "(like a 'x\\_%')");
  assert.equal(p("a NOT LIKE 'x!%' ESCAPE '!'"), "(notlike a 'x!%' esc=!)");
  assert.equal(p("a RLIKE '^x.*'"), "(rlike a '^x.*')");
  assert.equal(p("a NOT REGEXP b"), "(notrlike a b)");
  assert.equal(p("a ILIKE 'X%'"), "(like lower(a) lower('X%'))");
  assert.equal(p("a LIKE ANY ('x%', 'y%')"), "(or (like a 'x%') (like a 'y%'))");
  assert.equal(p("a NOT LIKE ALL ('x%', 'y%', 'z')"), "(and (and (notlike a 'x%') (notlike a 'y%')) (notlike a 'z'))");
  assert.equal(p("a IS DISTINCT FROM b"), "(not (<=> a b))");
  assert.equal(p("a IS NOT DISTINCT FROM b"), "(<=> a b)");
  assert.equal(p("a IS TRUE"), "(<=> a true:boolean)");
  assert.equal(p("a IS NOT FALSE"), "(not (<=> a false:boolean))");
  assert.equal(p("a IS UNKNOWN"), "(isNull a)");
});

test("the IR nodes are frozen and exactly shaped", () => {
  const e = parseExpression("x NOT IN (1)");
  assert.deepEqual(e, {
    kind: "in",
    child: { kind: "column", parts: ["x"] },
    list: [{ kind: "literal", value: 1, dataType: IntegerType() }],
    negated: true,
  });
  assert.ok(Object.isFrozen(e));
  const like = parseExpression("s LIKE 'a%'");
  assert.deepEqual(like, {
    kind: "like",
    child: { kind: "column", parts: ["s"] },
    pattern: { kind: "literal", value: "a%", dataType: StringType() },
    negated: false,
    regex: false,
    escape: "\\",
  });
});

test("identifiers, qualified names, back-quotes and keywords usable as names", () => {
  assert.deepEqual(parseExpression("a.b.c"), { kind: "column", parts: ["a", "b", "c"] });
  assert.deepEqual(parseExpression("`a.b`.c"), { kind: "column", parts: ["a.b", "c"] });
  assert.deepEqual(parseExpression("`we``ird`"), { kind: "column", parts: ["we`ird"] });
  assert.equal(p("timestamp > 0"), "(> timestamp 0:int)");
  assert.equal(p("CAST(timestamp AS LONG)"), "(cast timestamp bigint)");
  assert.equal(p("key IS NOT NULL AND value <> ''"), "(and (isNotNull key) (!= value ''))");
  assert.equal(p("date + 1"), "(+ date 1:int)");
  assert.equal(p("first + last"), "(+ first last)");
  assert.equal(p("Data.Event_ID"), "Data.Event_ID", "case of names is kept");
  assert.equal(p("1st_col + _x"), "(+ `1st_col` _x)");
  assert.equal(p("café"), "`café`");
});

test("postfix: struct fields, subscripts and :: casts", () => {
  assert.equal(p("a[0]"), "get_item(a, 0:int)");
  assert.equal(p("m['k']"), "get_item(m, 'k')");
  assert.equal(p("a.b[1 + 1].c"), "get_field(get_item(a.b, (+ 1:int 1:int)), 'c')");
  assert.equal(p("from_json(v, 's STRING').s"), "get_field(from_json(v, 's STRING'), 's')");
  assert.equal(p("a[0][1]"), "get_item(get_item(a, 0:int), 1:int)");
  assert.equal(p("-a[0]"), "(- get_item(a, 0:int))");
  assert.equal(p("a::int + 1"), "(+ (cast a int) 1:int)");
  assert.equal(p("a::array<string>"), "(cast a array<string>)");
  assert.equal(p("-1::string"), "(cast -1:int string)");
});

test("functions: lower-cased names, DISTINCT, count(*), nested calls", () => {
  assert.equal(p("COUNT(*)"), "count(*)");
  assert.equal(p("count(DISTINCT a, b)"), "count(distinct a, b)");
  assert.equal(p("count(ALL a)"), "count(a)");
  assert.equal(p("Upper(TRIM(name))"), "upper(trim(name))");
  assert.equal(p("now()"), "now()");
  assert.equal(p("IF(a > 0, 'pos', 'neg')"), "if((> a 0:int), 'pos', 'neg')");
  assert.equal(p("coalesce(a, b, 0) + 1"), "(+ coalesce(a, b, 0:int) 1:int)");
  assert.equal(p("`my fn`(a)"), "my fn(a)");
  assert.equal(p("struct(a, b AS c, d e)"), "struct(a, (as b c), (as d e))");
  assert.equal(p("struct(*)"), "struct(*)");
  assert.equal(p("hash(data.*)"), "hash(data.*)");
  assert.equal(p("left(s, 2)"), "left(s, 2:int)");
  assert.equal(p("current_date"), "current_date()");
  assert.equal(p("CURRENT_TIMESTAMP()"), "current_timestamp()");
  assert.deepEqual(parseExpression("f(a)"), { kind: "call", name: "f", args: [{ kind: "column", parts: ["a"] }], distinct: false });
});

test("Spark's keyword-argument function forms", () => {
  assert.equal(p("EXTRACT(YEAR FROM ts)"), "extract('YEAR', ts)");
  assert.equal(p("extract(a, b)"), "extract(a, b)");
  assert.equal(p("SUBSTRING(s FROM 2 FOR 3)"), "substring(s, 2:int, 3:int)");
  assert.equal(p("substr(s FROM 2)"), "substring(s, 2:int)");
  assert.equal(p("substring(s, 2, 3)"), "substring(s, 2:int, 3:int)");
  assert.equal(p("POSITION('a' IN s)"), "locate('a', s)");
  assert.equal(p("position(a IN (1, 2))"), "position((in a [1:int 2:int]))");
  assert.equal(p("TRIM(BOTH 'x' FROM s)"), "trim(s, 'x')");
  assert.equal(p("trim(LEADING FROM s)"), "ltrim(s)");
  assert.equal(p("trim(TRAILING 'x' FROM s)"), "rtrim(s, 'x')");
  assert.equal(p("trim('x' FROM s)"), "trim(s, 'x')");
  assert.equal(p("trim(s)"), "trim(s)");
  assert.equal(p("first(a IGNORE NULLS)"), "first(a, true:boolean)");
  assert.equal(p("last(a) IGNORE NULLS"), "last(a, true:boolean)");
  assert.equal(p("first(a RESPECT NULLS)"), "first(a)");
  assert.equal(p("first(a, true)"), "first(a, true:boolean)");
  assert.equal(p("(a, b + 1)"), "struct(a, (+ b 1:int))");
});

test("CASE and CAST", () => {
  assert.equal(p("CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN NULL ELSE 'small' END"), "(case [(> a 1:int) 'big'] [(isNull a) null:void] else 'small')");
  assert.equal(p("case x when 1 then 'one' end"), "(case x [1:int 'one'])");
  assert.equal(p("CAST(value AS STRING)"), "(cast value string)");
  assert.equal(p("cast(a + 1 as decimal(10, 2))"), "(cast (+ a 1:int) decimal(10,2))");
  const c = parseExpression("CAST(x AS struct<a: int, b: array<string>>)");
  assert.ok(c.kind === "cast");
  assert.ok(sameType(c.to, StructType([StructField("a", IntegerType()), StructField("b", ArrayType(StringType()))])));
  assert.ok(sameType((parseExpression("CAST(x AS NUMERIC)") as { to: ReturnType<typeof DecimalType> }).to, DecimalType(10, 0)));
});

test("parseNamedExpression: aliases and stars", () => {
  const n = (t: string): string => sx(parseNamedExpression(t));
  assert.equal(n("a + 1 total"), "(as (+ a 1:int) total)");
  assert.equal(n("a + 1 AS total"), "(as (+ a 1:int) total)");
  assert.equal(n("CAST(value AS STRING) as `json value`"), "(as (cast value string) json value)");
  assert.equal(n("count(*) n"), "(as count(*) n)");
  assert.equal(n("a"), "a");
  assert.equal(n("*"), "*");
  assert.equal(n("data.*"), "data.*");
  assert.deepEqual(parseNamedExpression("`a.b`.*"), { kind: "star", qualifier: ["a.b"] });
  assert.deepEqual(parseNamedExpression("data.*"), { kind: "star", qualifier: ["data"] });
  assert.deepEqual(parseNamedExpression("x AS y"), { kind: "alias", child: { kind: "column", parts: ["x"] }, name: "y" });
  assertParseError(() => parseNamedExpression("* AS x"), 0, "'*' cannot have an alias");
  assertParseError(() => parseNamedExpression("a AS"), 4, "expected an alias name after AS, found end of input");
  assertParseError(() => parseNamedExpression("a b c"), 4, "unexpected 'c'");
  assertParseError(() => parseNamedExpression("a AS (b, c)"), 5, "multi-name aliases");
  assertParseError(() => parseExpression("a b"), 2, "unexpected 'b'");
});

test("parseSortExpression: direction and Spark's null ordering defaults", () => {
  const s = (t: string): string => sx(parseSortExpression(t));
  assert.equal(s("a"), "(asc a nullsFirst)");
  assert.equal(s("a ASC"), "(asc a nullsFirst)");
  assert.equal(s("a desc"), "(desc a nullsLast)");
  assert.equal(s("a + 1 DESC NULLS FIRST"), "(desc (+ a 1:int) nullsFirst)");
  assert.equal(s("a NULLS LAST"), "(asc a nullsLast)");
  assertParseError(() => parseSortExpression("a NULLS"), 7, "expected FIRST or LAST after NULLS");
  assertParseError(() => parseSortExpression("a DESC ASC"), 7, "unexpected 'ASC'");
});

test("syntax errors give position, message and caret", () => {
  const e = assertParseError(() => parseExpression("a + * b"), 4, `sql: syntax error at position 4 in "a + * b": unexpected '*'`);
  assert.deepEqual(e.message.split("\n").slice(1), ["  a + * b", "      ^"]);
  assert.equal(e.code, "SLUICE_PARSE");
  assertParseError(() => parseExpression("a +"), 3, "expected an expression, found end of input");
  assertParseError(() => parseExpression(""), 0, "expected an expression, found end of input");
  assertParseError(() => parseExpression("a = = b"), 4, "unexpected '='");
  assertParseError(() => parseExpression("f(a, b"), 6, "expected ')' to close '(' at position 1 in the call to f, found end of input");
  assertParseError(() => parseExpression("(a + b"), 6, "expected ')' to close '(' at position 0");
  assertParseError(() => parseExpression("(a + b))"), 7, "unexpected ')' without a matching '('");
  assertParseError(() => parseExpression("a[0"), 3, "expected ']' to close '[' at position 1");
  assertParseError(() => parseExpression("'abc"), 0, "unterminated string literal");
  assertParseError(() => parseExpression("x = 'it''s"), 8, "unterminated string literal");
  assertParseError(() => parseExpression("CASE WHEN a THEN b"), 18, "expected WHEN, ELSE or END to close CASE at position 0");
  assertParseError(() => parseExpression("CASE a END"), 7, "expected WHEN");
  assertParseError(() => parseExpression("CAST(a STRING)"), 7, "expected AS in CAST(expr AS type)");
  assertParseError(() => parseExpression("CAST(a AS STRNG)"), 10, "unknown type 'STRNG'; did you mean 'STRING'?");
  assertParseError(() => parseExpression("a IN ()"), 6, "expected at least one value");
  assertParseError(() => parseExpression("a IS 1"), 5, "expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
  assertParseError(() => parseExpression("a BETWEEN 1"), 11, "expected AND");
  assertParseError(() => parseExpression("a LIKE 'x' ESCAPE 'ab'"), 18, "must be one character");
  assertParseError(() => parseExpression("a # b"), 2, "unexpected character '#'");
  assertParseError(() => parseExpression("a.* + 1"), 2, "unexpected '*'");
  assertParseError(() => parseExpression("1 + *"), 4, "unexpected '*'");
  assert.equal(p("*"), "*");
  assert.equal(p("a.*"), "a.*");
});

test("aggregate FILTER (WHERE …) attaches to the call", () => {
  assert.equal(p("sum(a) FILTER (WHERE b > 1)"), "sum(a) filter (> b 1:int)");
  assertParseError(() => parseExpression("sum(a) FILTER (b)"), 15, "expected WHERE");
});

test("window expressions: OVER with a spec, a frame, or a window name", () => {
  assert.equal(p("row_number() OVER (PARTITION BY a ORDER BY b DESC)"), "(over row_number() [a] [(desc b nullsLast)])");
  assert.equal(p("sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"), "(over sum(x) [] [(asc t nullsFirst)] rows)");
  assert.equal(p("lag(x) OVER w"), "(over lag(x) [] [])");
  assertParseError(() => parseExpression("sum(x) OVER (ROWS BETWEEN 1 AND 2)"), 28, "expected PRECEDING or FOLLOWING");
});

test("lambdas: x -> body and (x, y) -> body; parameters in the body are lambda variables", () => {
  assert.equal(p("transform(xs, x -> x + 1)"), "transform(xs, (lambda [x] (+ $x 1:int)))");
  assert.equal(p("aggregate(xs, 0, (acc, x) -> acc + x + y)"), "aggregate(xs, 0:int, (lambda [acc x] (+ (+ $acc $x) y)))");
  assert.equal(p("transform(zs, z -> filter(z, zz -> zz > z.a))"), "transform(zs, (lambda [z] filter($z, (lambda [zz] (> $zz $z.a)))))");
  // The body is a whole expression, up to the next argument.
  assert.equal(p("filter(xs, x -> x > 1 AND x < 5)"), "filter(xs, (lambda [x] (and (> $x 1:int) (< $x 5:int))))");
  // A lambda parameter shadows the same name of an outer lambda.
  assert.equal(p("transform(a, x -> transform(b, x -> x))"), "transform(a, (lambda [x] transform(b, (lambda [x] $x))))");
  // exists(…) is the higher-order function unless a query follows.
  assert.equal(p("exists(xs, x -> x IS NULL)"), "exists(xs, (lambda [x] (isNull $x)))");
  assertParseError(() => parseExpression("transform(xs, (x + 1, y) -> x)"), 25, "parameters must be names");
});

test("constructs sluice does not support are named in the error", () => {
  assertParseError(() => parseExpression("a IN (SELECT 1)"), 6, "IN subqueries are only supported in spark.sql");
  assertParseError(() => parseExpression("EXISTS (SELECT 1)"), 0, "EXISTS subqueries are only supported");
  assertParseError(() => parseExpression("(SELECT 1)"), 1, "scalar subqueries are only supported");
  assertParseError(() => parseExpression("INTERVAL 1 YEAR 2 DAYS"), 0, "Cannot mix year-month and day-time fields");
  assertParseError(() => parseExpression("db.fn(a)"), 3, "qualified function names are not supported ('db.fn')");
  assertParseError(() => parseExpression("foo 'x'"), 0, "literals of type 'foo' are not supported");
  assertParseError(() => parseExpression("(a + 1).*"), 7, "'.*' can only follow a column");
});

test("TRY_CAST is a cast that keeps its name; LIKE, ILIKE, RLIKE and REGEXP are also functions", () => {
  const e = parseExpression("TRY_CAST(a AS INT)");
  assert.ok(e.kind === "cast" && e.isTry === true);
  for (const name of ["like", "ilike", "rlike", "regexp"]) {
    const c = parseExpression(`${name}(a, 'b%')`);
    assert.ok(c.kind === "call" && c.name === name && c.args.length === 2, name);
  }
  const i = parseExpression("a ILIKE 'B%'");
  assert.ok(i.kind === "like" && i.caseInsensitive === true);
});

test("parseAttributeName splits like Spark's col()", () => {
  assert.deepEqual(parseAttributeName("a"), ["a"]);
  assert.deepEqual(parseAttributeName("a.b.c"), ["a", "b", "c"]);
  assert.deepEqual(parseAttributeName("`a.b`.c"), ["a.b", "c"]);
  assert.deepEqual(parseAttributeName("a.`b``c`"), ["a", "b`c"]);
  assert.deepEqual(parseAttributeName("a b"), ["a b"]);
  assert.deepEqual(parseAttributeName("``"), [""]);
  assertParseError(() => parseAttributeName("a..b"), 2, "empty name part");
  assertParseError(() => parseAttributeName("a."), 1, "ends with '.'");
  assertParseError(() => parseAttributeName("`a"), 0, "unterminated back-quote");
  assertParseError(() => parseAttributeName("`a`b"), 3, "expected '.' after a back-quoted name part");
  assertParseError(() => parseAttributeName("a`b`"), 1, "a back-quote may only start a name part");
});

test("OVERLAY(input PLACING replace FROM pos [FOR len]) is overlay(input, replace, pos[, len])", () => {
  const e = parseExpression("OVERLAY(a PLACING 'x' FROM 2 FOR 3)");
  assert.ok(e.kind === "call" && e.name === "overlay" && e.args.length === 4);
  const f = parseExpression("overlay(a PLACING b FROM 2)");
  assert.ok(f.kind === "call" && f.name === "overlay" && f.args.length === 3);
});

test("three-argument dateadd/date_add and datediff/date_diff are timestampadd and timestampdiff", () => {
  for (const [written, meant] of [["dateadd", "timestampadd"], ["date_add", "timestampadd"], ["datediff", "timestampdiff"], ["date_diff", "timestampdiff"]]) {
    const e = parseExpression(`${written}(MONTH, a, b)`);
    assert.ok(e.kind === "call" && e.name === meant, written);
    const two = parseExpression(`${written}(a, b)`);
    assert.ok(two.kind === "call" && two.name === written, `${written} with two arguments`);
  }
});

test("keywords as names where no clause can start: lambda parameters, call arguments, aliases after AS", () => {
  const e = parseExpression("array_sort(a, (left, right) -> case when left < right then -1 else 1 end)");
  assert.ok(e.kind === "call" && e.args[1].kind === "lambda");
  const w = parseExpression("window_time(window)");
  assert.ok(w.kind === "call" && w.args[0].kind === "column");
  const a = parseNamedExpression("x AS end");
  assert.ok(a.kind === "alias" && a.name === "end");
});

test("named arguments of mask and explode land in their positions, with Spark's errors", () => {
  const e = parseExpression("mask('AbCD123', lowerChar => 'q', upperChar => 'Q', otherChar => 'o', digitChar => 'd')");
  assert.ok(e.kind === "call" && e.name === "mask");
  assert.deepEqual(e.args.map((a) => (a.kind === "literal" ? a.value : a.kind)), ["AbCD123", "Q", "q", "d", "o"]);
  const gaps = parseExpression("mask(lowerChar => 'q', str => 's')");
  assert.ok(gaps.kind === "call");
  assert.deepEqual(gaps.args.map((a) => (a.kind === "literal" ? a.value : a.kind)), ["s", "X", "q"]);
  assert.throws(() => parseExpression("mask(lowerChar => 'q', 's')"), /UNEXPECTED_POSITIONAL_ARGUMENT/);
  assert.throws(() => parseExpression("mask('s', str => 't')"), /BOTH_POSITIONAL_AND_NAMED_PARAMETERS_SET/);
  assert.throws(() => parseExpression("mask('s', digitChar => 'd', digitChar => 'e')"), /DOUBLE_NAMED_ARGUMENT_REFERENCE/);
  assert.throws(() => parseExpression("mask('s', cellular => 'automata')"), /UNRECOGNIZED_PARAMETER_NAME/);
  assert.throws(() => parseExpression("mask(lowerChar => 'q')"), /REQUIRED_PARAMETER_NOT_FOUND/);
  assert.throws(() => parseExpression("encode(str => 'a', charset => 'utf-8')"), /NAMED_PARAMETERS_NOT_SUPPORTED/);
});
