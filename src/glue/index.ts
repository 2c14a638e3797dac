/**
 * `sluice/glue`: AWS Glue's Python API (`awsglue`) over sluice, with Glue's names, so that a Glue
 * streaming script ports line by line: `GlueContext`, `SparkContext`, `DynamicFrame`, the
 * transforms (`ApplyMapping`, `SelectFields`, `DropFields`, `RenameField`), `getResolvedOptions`
 * and `Job`. See docs/glue.md.
 */
export { GlueContext, SparkContext } from "./glue-context.js";
export type { GlueReaders, GlueBatchFunction, GlueLogger, GlueOptions, GlueOptionValue, FromCatalogArgs, FromOptionsArgs, WriteFromOptionsArgs, ForEachBatchArgs } from "./glue-context.js";
export { DynamicFrame, ApplyMapping, SelectFields, DropFields, RenameField, glueType } from "./dynamic-frame.js";
export type { Mapping } from "./dynamic-frame.js";
export { getResolvedOptions, Job } from "./job.js";
