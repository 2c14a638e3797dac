/**
 * Synchronous access to the warehouse catalog (`catalog/warehouse/`) for `spark.sql`, whose
 * DataFrames are built synchronously as in Spark: each call runs in the blocking-call worker.
 */
import type { WarehouseDatabase, WarehouseTable } from "../catalog/warehouse/warehouse-catalog.js";
import type { StructType } from "../types/data-types.js";
import { blockingCall } from "./blocking-call.js";

/** The warehouse catalog at `warehouse` (a path or URL), called synchronously. */
export class WarehouseClient {
  constructor(readonly warehouse: string) {}

  table(database: string, name: string): WarehouseTable | null {
    return this.call("table", database, name) as WarehouseTable | null;
  }

  database(name: string): WarehouseDatabase | null {
    return this.call("database", name) as WarehouseDatabase | null;
  }

  listTables(database: string): string[] {
    return this.call("listTables", database) as string[];
  }

  listDatabases(): string[] {
    return this.call("listDatabases") as string[];
  }

  createDatabase(name: string, ifNotExists: boolean, comment: string | null, location: string | null): void {
    this.call("createDatabase", name, ifNotExists, comment, location);
  }

  dropDatabase(name: string, ifExists: boolean, cascade: boolean): void {
    this.call("dropDatabase", name, ifExists, cascade);
  }

  createTable(t: WarehouseTable): void {
    this.call("createTable", t);
  }

  replaceTable(t: WarehouseTable): void {
    this.call("replaceTable", t);
  }

  dropTable(database: string, name: string): WarehouseTable | null {
    return this.call("dropTable", database, name) as WarehouseTable | null;
  }

  /** Commits an empty Delta table at `location` (unless one is there). */
  createDeltaLog(location: string, schema: StructType, partitionBy: readonly string[], properties: Readonly<Record<string, string>>, sessionConf: Readonly<Record<string, string>>): void {
    this.call("createDeltaLog", location, schema, [...partitionBy], { ...properties }, { ...sessionConf });
  }

  /** Commits an empty Iceberg table at `location` (unless one is there). */
  createIcebergMetadata(location: string, schema: StructType, partitionBy: readonly string[], properties: Readonly<Record<string, string>>): void {
    this.call("createIcebergMetadata", location, schema, [...partitionBy], { ...properties });
  }

  private call(op: string, ...args: unknown[]): unknown {
    return blockingCall("warehouse", this.warehouse, op, args);
  }
}
