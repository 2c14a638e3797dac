/**
 * A Kafka cluster that tests can break: librdkafka's mock cluster driven through its mock API
 * (`test/support/kafka-mock/mock-cluster.c`, compiled here with gcc against Debian's
 * librdkafka-dev). Brokers can be taken down and up, and the next requests of an API made to fail
 * with a Kafka error code. kcat produces to it like to any broker.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kcatProduce } from "../../bench/lib/mock-kafka.js";
import type { ProduceOptions } from "../../bench/lib/mock-kafka.js";
import { kafkaSkip } from "./kafka-broker.js";
import { perFile } from "./per-file.js";

const SOURCE = fileURLToPath(new URL("./kafka-mock/mock-cluster.c", import.meta.url));

/** The compiled helper (cached by the source's hash), or why it cannot be built. */
const built: { binary: string } | { skip: string } = (() => {
  if (kafkaSkip !== false) return { skip: kafkaSkip };
  const hash = createHash("sha256").update(readFileSync(SOURCE)).digest("hex").slice(0, 16);
  const binary = join(tmpdir(), `sluice-mock-cluster-${hash}`);
  if (existsSync(binary)) return { binary };
  const r = spawnSync("gcc", ["-O1", "-o", binary, SOURCE, "-lrdkafka"], { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) {
    return { skip: `the mock cluster helper does not build (apt-get install -y gcc librdkafka-dev): ${r.error?.message ?? r.stderr.trim().split("\n")[0]}` };
  }
  return { binary };
})();

/** Why fault tests cannot run here, or false. */
export const faultSkip: false | string = "skip" in built ? built.skip : false;

/** A running cluster with fault controls. */
export interface FaultyKafka {
  readonly bootstrap: string;
  produce(topic: string, values: readonly string[], options?: ProduceOptions): void;
  /** Creates a topic with `partitions` partitions. */
  topic(name: string, partitions: number): Promise<void>;
  /** Disconnects broker `id` (1-based; -1: all) and refuses connections until {@link up}. */
  down(id: number): Promise<void>;
  up(id: number): Promise<void>;
  /** The next `n` requests of `apiKey` (1 Fetch, 2 ListOffsets, 3 Metadata) fail with Kafka error `code`. */
  failNext(apiKey: number, code: number, n: number): Promise<void>;
  /** Moves the leader of a partition to broker `id`. */
  leader(topic: string, partition: number, id: number): Promise<void>;
  stop(): void;
}

async function startFaultyKafka(brokers = 3): Promise<FaultyKafka> {
  if (!("binary" in built)) throw new Error(built.skip);
  const child: ChildProcessWithoutNullStreams = spawn(built.binary, [String(brokers)], { stdio: ["pipe", "pipe", "pipe"] });
  child.stderr.resume();
  let buffered = "";
  const waiting: ((line: string) => void)[] = [];
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => {
    buffered += d;
    for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      waiting.shift()?.(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => waiting.push(resolve));
  const first = await Promise.race([nextLine(), new Promise<string>((_, reject) => setTimeout(() => reject(new Error("the mock cluster did not start")), 10_000))]);
  const bootstrap = /^bootstrap\.servers=(.+)$/.exec(first)?.[1];
  if (bootstrap === undefined) throw new Error(`the mock cluster said ${first}`);
  const command = async (c: string) => {
    const answer = nextLine();
    child.stdin.write(`${c}\n`);
    const a = await answer;
    if (a !== "ok") throw new Error(`mock cluster: '${c}' answered '${a}'`);
  };
  return {
    bootstrap,
    produce: (topic, values, options) => kcatProduce(bootstrap, topic, values, options),
    topic: (name, partitions) => command(`topic ${name} ${partitions}`),
    down: (id) => command(`down ${id}`),
    up: (id) => command(`up ${id}`),
    failNext: (apiKey, code, n) => command(`errors ${apiKey} ${code} ${n}`),
    leader: (topic, partition, id) => command(`leader ${topic} ${partition} ${id}`),
    stop: () => {
      child.stdin.end();
      child.kill("SIGKILL");
    },
  };
}

/** One faulty cluster for the tests of the calling file (unless {@link faultSkip}). */
export function faultyKafkaForFile(cleanup: () => void = () => undefined): () => FaultyKafka {
  return perFile(faultSkip, () => startFaultyKafka(), cleanup);
}
