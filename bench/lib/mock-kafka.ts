/**
 * A real Kafka-protocol broker for tests and benchmarks: the librdkafka mock cluster inside
 * Debian's `kcat` (`apt-get install -y kcat`), with `kcat` as the independent producer and consumer.
 *
 * The mock's limits: topics are created with 4 partitions on first use (no CreateTopics), and each
 * partition keeps about 5 MiB or 100k messages.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";

/** A running mock cluster. */
export interface MockKafka {
  /** `host:port,…` for `kafka.bootstrap.servers`. */
  readonly bootstrap: string;
  /** Produces `values` (one message each) to `topic`, with keys when given, and waits for the acks. */
  produce(topic: string, values: readonly string[], options?: ProduceOptions): void;
  /** Every record of `topic` as kcat reads it: partition, key, value and headers (`k=v,…`), by partition then offset. */
  consume(topic: string): { partition: number; key: string; value: string; headers: string }[];
  stop(): void;
}

/** Starts a mock cluster of `brokers` brokers and resolves once it serves. */
export async function startMockKafka(brokers = 3): Promise<MockKafka> {
  // kcat in producer mode with the mock cluster: it serves as long as its stdin stays open. Its
  // debug log (where the bootstrap line appears) is very verbose and must be drained without pause,
  // even while this process is blocked (a synchronous produce): a shell pipeline prints the line
  // and discards the rest, so the mock never waits on a full pipe.
  const command = `kcat -P -b localhost:9092 -t _boot -X test.mock.num.brokers=${brokers} -d mock 2>&1 1>/dev/null | { grep -m1 -o 'bootstrap.servers=[0-9.:,]*'; cat >/dev/null; }`;
  const child: ChildProcess = spawn("sh", ["-c", command], { stdio: ["pipe", "pipe", "ignore"], detached: true });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`kcat mock cluster did not start: ${seen.slice(0, 500)}`)), 10_000);
    child.once("error", reject);
    child.stdout?.on("data", (d: Buffer) => {
      seen += d.toString("utf8");
      const m = /bootstrap\.servers=([0-9.:,]+)\n/.exec(seen);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    bootstrap,
    produce: (topic, values, options) => kcatProduce(bootstrap, topic, values, options),
    consume: (topic) => kcatConsume(bootstrap, topic),
    stop() {
      // The shell, kcat, grep and cat: the whole process group started above.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}


/** Options of {@link kcatProduce}. */
export interface ProduceOptions {
  readonly keys?: readonly string[];
  readonly partition?: number;
  readonly compression?: "gzip" | "snappy" | "lz4" | "zstd";
}

/** Produces `values` (one message each) to `topic` with kcat, with keys when given, and waits for the acks. */
export function kcatProduce(bootstrap: string, topic: string, values: readonly string[], options: ProduceOptions = {}): void {
  const keys = options.keys;
  const args = ["-P", "-b", bootstrap, "-t", topic, "-X", "acks=all"];
  if (options.partition !== undefined) args.push("-p", String(options.partition));
  if (options.compression !== undefined) args.push("-z", options.compression);
  // One message per line; with keys, `key\tvalue` lines split at the first tab (-K).
  if (keys !== undefined) args.push("-K", "\t");
  const lines = values.map((v, i) => (keys === undefined ? v : `${keys[i] ?? ""}\t${v}`));
  const r = spawnSync("kcat", args, { input: lines.join("\n") + "\n", encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kcat could not produce to ${topic}: ${r.stderr || r.error?.message}`);
}

/** Every record of `topic` as kcat reads it: partition, key, value and headers (`k=v,…`), by partition then offset. */
export function kcatConsume(bootstrap: string, topic: string): { partition: number; key: string; value: string; headers: string }[] {
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
}
