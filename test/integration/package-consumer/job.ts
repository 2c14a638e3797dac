// A TypeScript job as users write them, run with `sluice run job.ts` from the consumer project:
// it imports sluice and sluice/glue, one local module the NodeNext way (`./double.js`, which is double.ts) and one
// by its real name (`./label.ts`), and uses type-only syntax that must be stripped.
import { SparkSession, col } from "sluice";
import { DynamicFrame } from "sluice/glue";
import type { Row } from "sluice";
import { double } from "./double.js";
import { label } from "./label.ts";

interface Input {
  readonly n: number;
}

const input: readonly Input[] = [{ n: 1 }, { n: 2 }, { n: 3 }];
const spark = SparkSession.builder.appName("package-job").getOrCreate();
const df = spark.createDataFrame(input.map((r) => ({ n: double(r.n) })), "n INT").filter(col("n").between(3, 10));
const rows: Row[] = await DynamicFrame.fromDF(df).toDF().collect();
console.log(label(JSON.stringify(rows)));
