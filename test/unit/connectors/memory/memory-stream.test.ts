/**
 * `MemoryStream`: a streaming source fed from code. Offsets count `addData` blocks; a range reads
 * back exactly the same blocks; availableNow fixes the end at start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream, ConfigError, ExecutionError, SourceError, StructType, StructField, StringType, LongType } from "../../../../src/index.js";
import { memorySourceConnector } from "../../../../src/connectors/memory/memory-stream.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import type { Batch } from "../../../../src/columnar/batch.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { uniqueName } from "../../api/support.js";

SparkSession.builder.appName("memory-stream-test").getOrCreate();

async function rows(it: AsyncIterable<Batch>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of it) out.push(...batchToRows(b));
  return out;
}

test("a MemoryStream takes a DDL string or a StructType; names are generated unless given", () => {
  const a = new MemoryStream("id STRING, n BIGINT");
  const b = new MemoryStream(StructType([StructField("id", StringType()), StructField("n", LongType())]));
  assert.deepEqual(a.schema, b.schema);
  assert.notEqual(a.name, b.name);
  const named = new MemoryStream("x INT", uniqueName("named"));
  assert.equal(MemoryStream.get(named.name), named);
  assert.throws(() => MemoryStream.get("missing_stream"), (e: unknown) => e instanceof ConfigError && /no MemoryStream named 'missing_stream'/.test(e.message));
});

test("offsets count blocks; read(start, end) returns exactly those blocks, repeatably", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const src = memorySourceConnector.create({ name: ms.name }, { streaming: true, schema: ms.schema });
  await src.open({ storage: MemoryStorage.fresh("ms-test"), metadataPrefix: "sources/0/" });
  assert.equal(await src.latestOffset(null, { kind: "default" }), null);
  assert.equal(ms.addData([{ id: "a" }, { id: "b" }]), 1);
  assert.equal(ms.addData([{ id: "c" }]), 2);
  const end = await src.latestOffset(null, { kind: "default" });
  assert.equal(end, "2");
  assert.deepEqual(await rows(src.read(null, "2")), [{ id: "a" }, { id: "b" }, { id: "c" }]);
  assert.deepEqual(await rows(src.read("1", "2")), [{ id: "c" }]);
  assert.deepEqual(await rows(src.read("1", "2")), [{ id: "c" }]);
  assert.throws(() => ms.slice(0, 5), SourceError);
  await assert.rejects(rows(src.read(null, "x")), SourceError);
});

test("availableNow fixes the end offset when prepared", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const src = memorySourceConnector.create({ name: ms.name }, { streaming: true, schema: ms.schema });
  ms.addData([{ id: "a" }]);
  await src.prepareForTriggerAvailableNow?.();
  ms.addData([{ id: "b" }]);
  assert.equal(await src.latestOffset(null, { kind: "availableNow" }), "1");
  assert.equal(await src.latestOffset(null, { kind: "default" }), "2");
});

test("the memory source needs a name and rejects unknown options", () => {
  assert.throws(() => memorySourceConnector.staticSchema({}, null, { streaming: true }), /option 'name'.*is required/);
  assert.throws(() => memorySourceConnector.staticSchema({ nam: "x" }, null, { streaming: true }), /did you mean 'name'/);
});

test("addData checks values as createDataFrame does: an out-of-range integer is refused, nothing is added", () => {
  const ms = new MemoryStream("id STRING, n INT", uniqueName("checked"));
  ms.addData([{ id: "a", n: 1 }]);
  assert.throws(
    () => ms.addData([{ id: "b", n: 2 }, { id: "c", n: 2 ** 31 }]),
    (e: unknown) => e instanceof ExecutionError && e.message === `memory stream '${ms.name}': row 1, column 'n' (int): value 2147483648 is out of range [-2147483648, 2147483647]`,
  );
  assert.equal(ms.latest, 1);
});
