/**
 * The thin Kafka client interface the source is written against: what Spark's
 * `KafkaOffsetReader` and `KafkaDataConsumer` need, nothing of consumer groups. The library behind
 * it is one file's decision (`platformatic-client.ts`; see docs/kafka.md for why that library).
 */
import type { PartitionOffsets, TopicPartition } from "./kafka-offsets.js";

/** One record, as the source turns it into a row. */
export interface KafkaRecord {
  readonly offset: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** 0: CreateTime, 1: LogAppendTime (Spark's `timestampType` column). */
  readonly timestampType: 0 | 1;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** Header keys (UTF-8 text in Kafka) and values, in order. */
  readonly headers: readonly (readonly [string, Uint8Array | null])[];
}

/** What one fetch of a partition returned. */
export interface FetchResult {
  /** Records at offsets ≥ the offset asked for, in offset order (offsets may have gaps). */
  readonly records: readonly KafkaRecord[];
  /** Where the next fetch starts: after the last batch returned (control batches included); the asked offset when nothing came. */
  readonly nextOffset: number;
  /** The partition's first offset still stored (records before it were deleted by retention). */
  readonly logStartOffset: number;
  /** The partition's end: one past the last offset readers may see. */
  readonly highWatermark: number;
}

/** A connection to a cluster, for one source instance; closed by `close`. */
export interface KafkaClient {
  /**
   * The partitions of the cluster's topics that `select` accepts (internal topics excluded): the
   * names of `subscribe`, or the regular expression of `subscribePattern`. The topics are listed
   * once per call.
   */
  partitionsWhere(select: (topic: string) => boolean): Promise<TopicPartition[]>;
  /** The earliest or latest offset of each partition. */
  listOffsets(partitions: readonly TopicPartition[], at: "earliest" | "latest"): Promise<PartitionOffsets>;
  /**
   * For each partition, the first offset whose timestamp is at or after the one given for it
   * (`timestamps`, ms), or -1 when no record is that recent.
   */
  offsetsForTimes(timestamps: PartitionOffsets): Promise<PartitionOffsets>;
  /** Records of `tp` from `offset` on, up to about `maxBytes`. */
  fetch(tp: TopicPartition, offset: number, maxBytes: number): Promise<FetchResult>;
  close(): Promise<void>;
}

/** How a client is made: `kafka.*` settings (prefix removed) and a client id. */
export interface KafkaClientConfig {
  readonly params: Readonly<Record<string, string>>;
  readonly clientId: string;
}

/** A record to produce. */
export interface ProducedRecord {
  readonly topic: string;
  /** The partition; the producer's partitioner chooses (by key) when absent. */
  readonly partition?: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly (readonly [string, Uint8Array | null])[];
}

/** Produces records; `send` resolves once every record of the call is acknowledged. */
export interface KafkaProducer {
  send(records: readonly ProducedRecord[]): Promise<void>;
  close(): Promise<void>;
}
