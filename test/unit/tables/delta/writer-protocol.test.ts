/**
 * Writers refuse tables whose protocol or metadata asks for something they do not do (PROTOCOL.md
 * "Writer Requirements", "Table Features"): writing anyway would make other engines read the
 * table wrongly (column mapping, deletion vectors) or break its rules (appendOnly, constraints).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { AnalysisError } from "../../../../src/errors.js";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import type { Storage } from "../../../../src/storage/storage.js";
import { LongType, StructField, StructType } from "../../../../src/types/data-types.js";
import type { DeltaProtocol } from "../../../../src/tables/delta/actions.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { optimizeTable } from "../../../../src/tables/delta/optimize.js";
import { overwriteTable } from "../../../../src/tables/delta/overwrite.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { commitActions } from "../../../../src/tables/delta/transaction.js";
import { vacuumTable } from "../../../../src/tables/delta/vacuum.js";
import { checkWritable } from "../../../../src/tables/delta/writer-protocol.js";

const SCHEMA = StructType([StructField("id", LongType())]);
const batch = () => batchFromRows(SCHEMA, [{ id: 1n }]);

function schemaString(fieldMetadata: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: "struct", fields: [{ name: "id", type: "long", nullable: true, metadata: fieldMetadata }] });
}

/** A table created by another engine with the given protocol, configuration and column metadata, holding one file. */
async function foreignTable(protocol: DeltaProtocol, configuration: Record<string, string> = {}, fieldMetadata: Record<string, unknown> = {}): Promise<Storage> {
  const storage = MemoryStorage.fresh("delta-writer-protocol");
  await commitActions(
    storage,
    "t",
    -1,
    [
      { kind: "protocol", protocol },
      { kind: "metaData", metadata: { id: "id-1", schemaString: schemaString(fieldMetadata), partitionColumns: [], configuration, createdTime: 1 } },
      { kind: "add", add: { path: "part-0.parquet", partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } },
    ],
    { operation: "CREATE TABLE", isBlindAppend: true },
  );
  return storage;
}

const refused = (what: RegExp) => (e: unknown) => e instanceof AnalysisError && what.test(e.message);

test("appends refuse tables whose data sluice would write wrongly; the log stays untouched", async () => {
  const cases: [string, DeltaProtocol, Record<string, string>, Record<string, unknown>, RegExp][] = [
    ["column mapping", { minReaderVersion: 2, minWriterVersion: 5 }, { "delta.columnMapping.mode": "name" }, { "delta.columnMapping.id": 1, "delta.columnMapping.physicalName": "col-1" }, /column ?mapping/i],
    ["a CHECK constraint", { minReaderVersion: 1, minWriterVersion: 3 }, { "delta.constraints.positive": "id > 0" }, {}, /CHECK constraint 'positive'/],
    ["an invariant", { minReaderVersion: 1, minWriterVersion: 2 }, {}, { "delta.invariants": '{"expression":{"expression":"id > 0"}}' }, /invariant/],
    ["a generated column", { minReaderVersion: 1, minWriterVersion: 4 }, {}, { "delta.generationExpression": "1" }, /generated column 'id'/],
    ["an identity column", { minReaderVersion: 1, minWriterVersion: 6 }, {}, { "delta.identity.start": 1, "delta.identity.step": 1, "delta.identity.allowExplicitInsert": true }, /identity column 'id'/],
    ["deletion vectors", { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] }, {}, {}, /deletionVectors/],
    ["row tracking", { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["rowTracking", "domainMetadata"] }, {}, {}, /rowTracking/],
    ["a future writer version", { minReaderVersion: 1, minWriterVersion: 8 }, {}, {}, /writer version 8/],
  ];
  for (const [name, protocol, configuration, fieldMetadata, why] of cases) {
    const storage = await foreignTable(protocol, configuration, fieldMetadata);
    await assert.rejects(appendToTable(storage, "t", [batch()], { schema: SCHEMA }), refused(why), name);
    assert.equal((await loadSnapshot(storage, "t")).version, 0, `${name}: nothing committed`);
    assert.deepEqual(
      (await storage.list("t/")).map((o) => o.path).filter((p) => p.endsWith(".parquet")),
      [],
      `${name}: no data file written`,
    );
  }
});

test("delta.appendOnly: appends go in, an overwrite is refused", async () => {
  const storage = await foreignTable({ minReaderVersion: 1, minWriterVersion: 2 }, { "delta.appendOnly": "true" });
  assert.equal((await appendToTable(storage, "t", [batch()], { schema: SCHEMA })).version, 1);
  await assert.rejects(overwriteTable(storage, "t", [batch()], { schema: SCHEMA }), refused(/delta\.appendOnly/));
  // Writer features the table lists but does not use are fine.
  const unused = await foreignTable({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly", "invariants", "checkConstraints", "generatedColumns", "columnMapping", "changeDataFeed"] });
  assert.equal((await overwriteTable(unused, "t", [batch()], { schema: SCHEMA })).version, 1);
});

test("VACUUM and OPTIMIZE refuse a table with deletion vectors (VACUUM would delete the live deletion vector files)", async () => {
  const protocol = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] };
  const storage = await foreignTable(protocol);
  await assert.rejects(vacuumTable(storage, "t", { dryRun: true }), refused(/deletionVectors/));
  await assert.rejects(optimizeTable(storage, "t"), (e: unknown) => e instanceof AnalysisError && /deletionVectors/.test(e.message));
});

test("checkWritable: data-preserving rewrites (OPTIMIZE) ignore the rules about the data's content", () => {
  const meta = { id: "x", schemaString: schemaString({ "delta.generationExpression": "1" }), partitionColumns: [], configuration: { "delta.appendOnly": "true", "delta.constraints.c": "id > 0" } };
  assert.doesNotThrow(() => checkWritable({ minReaderVersion: 1, minWriterVersion: 4 }, meta, "memory://t", { dataChange: false }));
  assert.throws(() => checkWritable({ minReaderVersion: 1, minWriterVersion: 4 }, meta, "memory://t", { dataChange: true }), AnalysisError);
});
