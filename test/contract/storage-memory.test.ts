import { storageContract } from "./storage.contract.js";
import { MemoryStorage } from "../../src/storage/memory.js";

storageContract("memory", async () => MemoryStorage.fresh("contract"));
