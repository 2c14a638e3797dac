import { test } from "node:test";
import assert from "node:assert/strict";
import { configureS3, currentS3Conf, currentS3Settings, describeS3Settings, impliesPathStyle, s3SettingsFrom } from "../../../../src/storage/s3/s3-settings.js";
import { ConfigError } from "../../../../src/errors.js";

test("the environment gives endpoint and region; AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL", () => {
  const s = s3SettingsFrom({}, { AWS_ENDPOINT_URL: "http://other:1", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000/", AWS_DEFAULT_REGION: "eu-west-1" });
  assert.equal(s.endpoint, "http://127.0.0.1:9000");
  assert.equal(s.region, "eu-west-1");
  assert.equal(s.forcePathStyle, true, "an IP endpoint implies path-style");
  assert.equal(s.credentials, null, "no static credentials: the SDK's default chain");
  assert.equal(s3SettingsFrom({}, { AWS_REGION: "ap-south-1", AWS_DEFAULT_REGION: "eu-west-1" }).region, "ap-south-1");
  const aws = s3SettingsFrom({}, {});
  assert.equal(aws.endpoint, null);
  assert.equal(aws.region, "us-east-1");
  assert.equal(aws.forcePathStyle, false);
});

test("session settings win over the environment; fs.s3a names are aliases", () => {
  const s = s3SettingsFrom(
    {
      "spark.hadoop.fs.s3a.endpoint": "minio.internal:9000",
      "spark.hadoop.fs.s3a.path.style.access": "true",
      "spark.hadoop.fs.s3a.access.key": "AK",
      "spark.hadoop.fs.s3a.secret.key": "SK",
      "spark.hadoop.fs.s3a.multipart.size": "64M",
      "spark.hadoop.fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
      "sluice.s3.region": "eu-central-1",
    },
    { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1", AWS_REGION: "us-west-2" },
  );
  assert.equal(s.endpoint, "https://minio.internal:9000", "a scheme-less endpoint is https, as in Hadoop");
  assert.equal(s.forcePathStyle, true);
  assert.deepEqual(s.credentials, { accessKeyId: "AK", secretAccessKey: "SK" });
  assert.equal(s.multipartPartBytes, 64 * 1024 * 1024);
  assert.equal(s.region, "eu-central-1");
  assert.equal(s3SettingsFrom({ "sluice.s3.endpoint": "http://localhost:4566", "sluice.s3.forcePathStyle": "false" }, {}).forcePathStyle, false, "forcePathStyle overrides");
});

test("bad settings are ConfigErrors naming the setting", () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ "sluice.s3.endpont": "http://x" }, /unknown setting 'sluice.s3.endpont'; did you mean 'sluice.s3.endpoint'/],
    [{ "sluice.s3.maxAttempts": "0" }, /sluice.s3.maxAttempts' must be an integer ≥ 1, got "0"/],
    [{ "sluice.s3.multipartPartBytes": "1024" }, /multipartPartBytes' must be an integer ≥ 5242880/],
    [{ "sluice.s3.forcePathStyle": "yes" }, /forcePathStyle' must be true or false/],
    [{ "sluice.s3.endpoint": "ftp://x" }, /must be an http or https URL/],
    [{ "sluice.s3.endpoint": "ftp://user:hunter2@x" }, /"ftp:\/\/\*\*\*@x" must be an http or https URL/],
    [{ "sluice.s3.endpoint": "http://user:pw@x" }, /must not carry credentials/],
    [{ "sluice.s3.accessKeyId": "AK" }, /set both sluice.s3.accessKeyId and sluice.s3.secretAccessKey/],
  ];
  for (const [conf, message] of bad) {
    assert.throws(() => s3SettingsFrom(conf, {}), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(conf));
  }
});

test("the endpoint's message never renders a secret", () => {
  const s = s3SettingsFrom({ "sluice.s3.accessKeyId": "AKIACANARY", "sluice.s3.secretAccessKey": "canary-secret" }, {});
  const text = describeS3Settings(s);
  assert.doesNotMatch(text, /CANARY|canary/);
  assert.match(text, /credentials from the session configuration/);
});

test("configureS3 replaces the thread's settings and bumps the generation", () => {
  const before = currentS3Settings().generation;
  configureS3({ "sluice.s3.endpoint": "http://127.0.0.1:1", "spark.sql.shuffle.partitions": "4" });
  const now = currentS3Settings();
  assert.ok(now.generation > before);
  assert.equal(now.settings.endpoint, "http://127.0.0.1:1");
  assert.deepEqual(currentS3Conf(), { "sluice.s3.endpoint": "http://127.0.0.1:1" }, "only S3 settings are kept");
  const same = currentS3Settings().generation;
  configureS3({ "sluice.s3.endpoint": "http://127.0.0.1:1" });
  assert.equal(currentS3Settings().generation, same, "the same settings keep the storages made");
  assert.throws(() => configureS3({ "sluice.s3.maxConnections": "-1" }), ConfigError);
  assert.equal(currentS3Settings().settings.endpoint, "http://127.0.0.1:1", "a bad setting leaves the previous ones");
  configureS3({});
});

test("path-style is implied by IP and localhost endpoints only", () => {
  assert.equal(impliesPathStyle("http://localhost:9000"), true);
  assert.equal(impliesPathStyle("http://10.0.0.1"), true);
  assert.equal(impliesPathStyle("http://[::1]:9000"), true);
  assert.equal(impliesPathStyle("https://s3.eu-west-1.amazonaws.com"), false);
});
