import { test } from "node:test";
import { storageContract } from "./storage.contract.js";
import { S3Storage } from "../../src/storage/s3/s3-storage.js";
import { createBucket, motoForFile, motoS3Settings, motoSkip } from "../support/moto.js";

// The shared contract on moto's S3 server: a fresh bucket per test.
if (motoSkip !== false) {
  test("storage contract: s3", { skip: motoSkip }, () => undefined);
} else {
  const endpoint = motoForFile();
  storageContract("s3", async () => new S3Storage(await createBucket(endpoint(), "contract"), motoS3Settings(endpoint())));
}
