/**
 * A real Kafka-protocol broker for tests: the librdkafka mock cluster inside Debian's `kcat`
 * (`apt-get install -y kcat`), started per test file, with `kcat` as the independent producer.
 *
 * The mock's limits: topics are created with 4 partitions on first use (no CreateTopics), and each
 * partition keeps about 5 MiB or 100k messages. Tests that cannot run say why through
 * {@link kafkaSkip}: no `kcat` on the PATH, or a Node.js older than the Kafka client needs.
 */
import { spawn, spawnSync } from "node:child_process";
import { after, before } from "node:test";
import type { ChildProcess } from "node:child_process";

/** Why Kafka tests cannot run here, or false when they can. */
export const kafkaSkip: false | string = (() => {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 22) || (major === 24 && minor < 6)) {
    return `the Kafka connector needs Node.js 22.22+ or 24.6+ (this is ${process.versions.node}); CI runs these tests on Node 24`;
  }
  if (spawnSync("kcat", ["-V"], { stdio: "ignore" }).error !== undefined) return "kcat is not installed (apt-get install -y kcat): it provides the mock Kafka cluster";
  return false;
})();

/** A running mock cluster. */
export interface MockKafka {
  /** `host:port,…` for `kafka.bootstrap.servers`. */
  readonly bootstrap: string;
  /** Produces `values` (one message each) to `topic`, with keys when given, and waits for the acks. */
  produce(topic: string, values: readonly string[], options?: { keys?: readonly string[]; partition?: number; compression?: "gzip" | "snappy" | "lz4" | "zstd" }): void;
  /** Every record of `topic` as kcat reads it: partition, key, value and headers (`k=v,…`), by partition then offset. */
  consume(topic: string): { partition: number; key: string; value: string; headers: string }[];
  stop(): void;
}

/** Starts a mock cluster of `brokers` brokers and resolves once it serves. */
export async function startMockKafka(brokers = 3): Promise<MockKafka> {
  // kcat in producer mode with the mock cluster: it serves as long as its stdin stays open.
  const child: ChildProcess = spawn("kcat", ["-P", "-b", "localhost:9092", "-t", "_boot", "-X", `test.mock.num.brokers=${brokers}`, "-d", "mock"], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`kcat mock cluster did not start: ${seen.slice(0, 500)}`)), 10_000);
    child.once("error", reject);
    child.stderr?.on("data", (d: Buffer) => {
      seen += d.toString("utf8");
      const m = /bootstrap\.servers=([0-9.:,]+)/.exec(seen);
      if (m !== null) {
        clearTimeout(timer);
        seen = "";
        resolve(m[1]);
      } else if (seen.length > 1 << 16) seen = seen.slice(-4096);
    });
  });
  // The debug log keeps flowing: keep draining it, but drop it.
  child.stderr?.removeAllListeners("data");
  child.stderr?.resume();
  return {
    bootstrap,
    produce(topic, values, options = {}) {
      const keys = options.keys;
      const args = ["-P", "-b", bootstrap, "-t", topic, "-X", "acks=all"];
      if (options.partition !== undefined) args.push("-p", String(options.partition));
      if (options.compression !== undefined) args.push("-z", options.compression);
      // One message per line; with keys, `key\tvalue` lines split at the first tab (-K).
      if (keys !== undefined) args.push("-K", "\t");
      const lines = values.map((v, i) => (keys === undefined ? v : `${keys[i] ?? ""}\t${v}`));
      const r = spawnSync("kcat", args, { input: lines.join("\n") + "\n", encoding: "utf8", timeout: 60_000 });
      if (r.status !== 0) throw new Error(`kcat could not produce to ${topic}: ${r.stderr || r.error?.message}`);
    },
    consume(topic) {
      // -e: exit at the end of every partition; fields separated by a unit separator.
      const r = spawnSync("kcat", ["-C", "-b", bootstrap, "-t", topic, "-e", "-q", "-f", "%p\x1f%k\x1f%s\x1f%h\x1e"], { encoding: "utf8", timeout: 60_000 });
      if (r.status !== 0) throw new Error(`kcat could not consume ${topic}: ${r.stderr || r.error?.message}`);
      return r.stdout
        .split("\x1e")
        .filter((x) => x !== "")
        .map((x) => {
          const [partition, key, value, headers] = x.split("\x1f");
          return { partition: Number(partition), key: key ?? "", value: value ?? "", headers: headers ?? "" };
        })
        .sort((a, b) => a.partition - b.partition);
    },
    stop() {
      child.stdin?.end();
      child.kill("SIGKILL");
    },
  };
}

/**
 * One mock cluster for the tests of the calling file: started before them (unless
 * {@link kafkaSkip}), stopped after; `cleanup` runs after too. Returns the cluster's accessor.
 */
export function mockKafkaForFile(cleanup: () => void = () => undefined): () => MockKafka {
  let kafka: MockKafka | null = null;
  before(async () => {
    if (kafkaSkip === false) kafka = await startMockKafka();
  });
  after(() => {
    kafka?.stop();
    cleanup();
  });
  return () => {
    if (kafka === null) throw new Error("the mock Kafka cluster is not running (the test should be skipped with kafkaSkip)");
    return kafka;
  };
}
