/**
 * Kafka's SASL settings as the client gets them: PLAIN/SCRAM from the JAAS config, OAUTHBEARER
 * through the token provider hook, and Amazon MSK IAM with tokens signed from the AWS credential
 * chain (locally: a SigV4-presigned request, no network).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { saslOptions, setKafkaTokenProvider } from "../../../../src/connectors/kafka/platformatic-client.js";
import { ConfigError } from "../../../../src/errors.js";

const BROKERS = ["b-1.demo.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"];

test("PLAIN and SCRAM take the username and password of the JAAS config (JAAS escapes undone)", () => {
  const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="p\\"w";';
  assert.deepEqual(saslOptions("SCRAM-SHA-512", jaas, [], BROKERS), { mechanism: "SCRAM-SHA-512", username: "svc", password: 'p"w' });
  assert.throws(() => saslOptions("PLAIN", 'PlainLoginModule required username="u";', [], BROKERS), (e: unknown) => e instanceof ConfigError && e.context.option === "kafka.sasl.jaas.config");
  assert.throws(() => saslOptions("GSSAPI", undefined, [], BROKERS), (e: unknown) => e instanceof ConfigError && /GSSAPI.*not supported/.test(e.message));
});

test("OAUTHBEARER asks the registered token provider on every authentication", async () => {
  setKafkaTokenProvider(null);
  assert.throws(() => saslOptions("OAUTHBEARER", undefined, [], BROKERS), (e: unknown) => e instanceof ConfigError && /setKafkaTokenProvider/.test(e.message));
  let calls = 0;
  setKafkaTokenProvider(({ bootstrapServers }) => `token-${++calls}-${bootstrapServers.length}`);
  try {
    const o = saslOptions("OAUTHBEARER", undefined, [], BROKERS);
    assert.equal(o.mechanism, "OAUTHBEARER");
    const token = o.token as () => Promise<string>;
    assert.equal(await token(), `token-1-${BROKERS[0].length}`);
    assert.equal(await token(), `token-2-${BROKERS[0].length}`);
  } finally {
    setKafkaTokenProvider(null);
  }
});

test("MSK IAM, as Spark jobs configure it, signs a kafka-cluster:Connect token for the cluster's region", async () => {
  const saved = { ...process.env };
  process.env.AWS_ACCESS_KEY_ID = "AKIAEXAMPLEEXAMPLE12";
  process.env.AWS_SECRET_ACCESS_KEY = "example-secret-key-example-secret-key-12";
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  delete process.env.AWS_PROFILE;
  try {
    for (const [mechanism, handler] of [
      ["AWS_MSK_IAM", undefined],
      ["OAUTHBEARER", "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler"],
    ] as const) {
      const o = saslOptions(mechanism, "software.amazon.msk.auth.iam.IAMLoginModule required;", [handler], BROKERS);
      assert.equal(o.mechanism, "OAUTHBEARER");
      const token = await (o.token as () => Promise<string>)();
      const url = Buffer.from(token, "base64url").toString("utf8");
      assert.match(url, /^https:\/\/kafka\.eu-west-1\.amazonaws\.com\/\?Action=kafka-cluster%3AConnect/);
      assert.match(url, /X-Amz-Credential=AKIAEXAMPLEEXAMPLE12%2F\d{8}%2Feu-west-1%2Fkafka-cluster%2Faws4_request/);
    }
    assert.throws(() => saslOptions("AWS_MSK_IAM", undefined, [], ["localhost:9098"]), (e: unknown) => e instanceof ConfigError && /AWS_REGION/.test(e.message));
  } finally {
    process.env = saved;
  }
});
