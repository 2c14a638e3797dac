/*
 * A librdkafka mock cluster driven from stdin, for broker-fault tests (test/support/faulty-kafka.ts
 * compiles and runs it). It prints "bootstrap.servers=HOST:PORT,..." once the cluster serves, then
 * reads one command per line and answers "ok" (or "error ...") after applying it:
 *
 *   down BROKER_ID            disconnect a broker and refuse new connections (-1: all)
 *   up BROKER_ID              accept connections again
 *   errors API_KEY CODE N     fail the next N requests of that API (1 Fetch, 2 ListOffsets,
 *                             3 Metadata, ...) with Kafka error CODE (-195: disconnect)
 *   topic NAME PARTITIONS     create a topic (replication factor 1)
 *   leader TOPIC PARTITION BROKER_ID   move a partition's leader
 *
 * It stops when stdin closes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

int main(int argc, char **argv) {
  int brokers = argc > 1 ? atoi(argv[1]) : 3;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == NULL) {
    fprintf(stderr, "mock-cluster: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (mc == NULL) {
    fprintf(stderr, "mock-cluster: could not create the cluster\n");
    return 1;
  }
  printf("bootstrap.servers=%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  char line[512];
  while (fgets(line, sizeof line, stdin) != NULL) {
    int id, key, code, n, parts;
    char topic[256];
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (sscanf(line, "down %d", &id) == 1) {
      err = rd_kafka_mock_broker_set_down(mc, id);
    } else if (sscanf(line, "up %d", &id) == 1) {
      err = rd_kafka_mock_broker_set_up(mc, id);
    } else if (sscanf(line, "errors %d %d %d", &key, &code, &n) == 3) {
      rd_kafka_resp_err_t *codes = calloc((size_t)n, sizeof *codes);
      for (int i = 0; i < n; i++) codes[i] = (rd_kafka_resp_err_t)code;
      rd_kafka_mock_push_request_errors_array(mc, (int16_t)key, (size_t)n, codes);
      free(codes);
    } else if (sscanf(line, "topic %255s %d", topic, &parts) == 2) {
      err = rd_kafka_mock_topic_create(mc, topic, parts, 1);
    } else if (sscanf(line, "leader %255s %d %d", topic, &parts, &id) == 3) {
      err = rd_kafka_mock_partition_set_leader(mc, topic, parts, id);
    } else {
      printf("error unknown command: %s", line);
      fflush(stdout);
      continue;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) printf("error %s\n", rd_kafka_err2str(err));
    else printf("ok\n");
    fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
