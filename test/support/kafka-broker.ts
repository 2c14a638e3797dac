/**
 * The mock Kafka cluster (bench/lib/mock-kafka.ts) for test files: one cluster per file, and why
 * Kafka tests cannot run here when they cannot ({@link kafkaSkip}: no `kcat` on the PATH, or a
 * Node.js older than the Kafka client needs).
 */
import { spawnSync } from "node:child_process";
import { startMockKafka } from "../../bench/lib/mock-kafka.js";
import type { MockKafka } from "../../bench/lib/mock-kafka.js";
import { nodeSupportsKafkaClient } from "../../src/connectors/kafka/platformatic-client.js";
import { perFile } from "./per-file.js";

export type { MockKafka } from "../../bench/lib/mock-kafka.js";

/** Why Kafka tests cannot run here, or false when they can. */
export const kafkaSkip: false | string = (() => {
  if (!nodeSupportsKafkaClient()) {
    return `the Kafka connector needs Node.js 22.22+ or 24.6+ (this is ${process.versions.node}); CI runs these tests on Node 24`;
  }
  if (spawnSync("kcat", ["-V"], { stdio: "ignore" }).error !== undefined) return "kcat is not installed (apt-get install -y kcat): it provides the mock Kafka cluster";
  return false;
})();


/** One mock cluster for the tests of the calling file (unless {@link kafkaSkip}); `cleanup` runs after them. */
export function mockKafkaForFile(cleanup: () => void = () => undefined): () => MockKafka {
  return perFile(kafkaSkip, () => startMockKafka(), cleanup);
}
