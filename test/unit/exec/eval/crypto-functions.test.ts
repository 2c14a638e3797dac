/**
 * aes_encrypt / aes_decrypt / try_aes_decrypt: Spark's documented ciphertexts decrypt, every mode
 * round-trips, and bad keys, modes and inputs give Spark's errors (null for try_aes_decrypt).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, aes_decrypt, aes_encrypt, col, lit } from "../../../../src/index.js";

const spark = new SparkSession("crypto-functions", { "sluice.exec.workers": "0" });

async function value(sql: string): Promise<unknown> {
  return Object.values((await spark.sql(sql).collect())[0] as Record<string, unknown>)[0];
}

const text = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : v);

test("Spark's documented ciphertexts decrypt in GCM, ECB and CBC, with and without AAD", async () => {
  assert.equal(text(await value("SELECT aes_decrypt(unhex('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28A94'), '0000111122223333')")), "Spark");
  assert.equal(text(await value("SELECT aes_decrypt(unbase64('3lmwu+Mw0H3fi5NDvcu9lg=='), '1234567890abcdef', 'ECB', 'PKCS')")), "Spark SQL");
  assert.equal(text(await value("SELECT aes_decrypt(unbase64('2NYmDCjgXTbbxGA3/SnJEfFC/JQ7olk2VQWReIAAFKo='), '1234567890abcdef', 'CBC')")), "Apache Spark");
  assert.equal(
    text(await value("SELECT aes_decrypt(unbase64('AAAAAAAAAAAAAAAAQiYi+sTLm7KD9UcZ2nlRdYDe/PX4'), 'abcdefghijklmnop12345678ABCDEFGH', 'GCM', 'DEFAULT', 'This is an AAD mixed into the input')")),
    "Spark",
  );
});

test("every mode round-trips; an explicit IV gives Spark's ciphertext layout", async () => {
  for (const [mode, key] of [["GCM", "0000111122223333"], ["CBC", "abcdefghijklmnop12345678"], ["ECB", "abcdefghijklmnop12345678ABCDEFGH"]]) {
    assert.equal(text(await value(`SELECT aes_decrypt(aes_encrypt('Spark SQL', '${key}', '${mode}'), '${key}', '${mode}')`)), "Spark SQL", mode);
  }
  assert.equal(await value("SELECT base64(aes_encrypt('Spark', 'abcdefghijklmnop12345678ABCDEFGH', 'GCM', 'DEFAULT', unhex('000000000000000000000000'), 'This is an AAD mixed into the input'))"), "AAAAAAAAAAAAAAAAQiYi+sTLm7KD9UcZ2nlRdYDe/PX4");
  const df = spark.createDataFrame([{ v: "secret" }], "v STRING");
  const rows = await df.select(aes_decrypt(aes_encrypt(col("v"), lit("0000111122223333")), lit("0000111122223333")).alias("back")).collect();
  assert.equal(text(rows[0].back), "secret");
});

test("bad keys and modes are Spark's errors; try_aes_decrypt gives null for bad input", async () => {
  await assert.rejects(value("SELECT aes_encrypt('x', 'short')"), /AES_KEY_LENGTH/);
  await assert.rejects(value("SELECT aes_encrypt('x', '0000111122223333', 'GCM', 'PKCS')"), /AES_MODE/);
  await assert.rejects(value("SELECT aes_decrypt(unhex('00112233'), '0000111122223333')"), /AES_CRYPTO_ERROR/);
  assert.equal(await value("SELECT try_aes_decrypt(unhex('----------468D3084B5744BCA729FB7B2B7BCB8E4472847D02670489D95FA97DBBA7D3210'), '0000111122223333', 'GCM')"), null);
  assert.equal(await value("SELECT aes_encrypt(NULL, '0000111122223333')"), null);
});
