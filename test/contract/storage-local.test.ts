import { after } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storageContract } from "./storage.contract.js";
import { LocalStorage } from "../../src/storage/local.js";

const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

storageContract("local", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-storage-"));
  made.push(dir);
  // A root that does not exist yet: the first put creates it.
  return new LocalStorage(join(dir, "root"));
});
