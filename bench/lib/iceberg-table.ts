/**
 * An independent reader of Iceberg tables for tests and benchmarks: the newest metadata file by the Hadoop
 * convention (`version-hint.text`, else the highest `v<N>.metadata.json`), then the current
 * snapshot's manifest list and manifests read by Debian's python3-avro (installed by `.ci/run`),
 * which also checks the spec's required fields. Nothing of sluice's Iceberg code is used.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface IcebergTableState {
  readonly version: number;
  readonly metadata: Record<string, unknown>;
  readonly snapshots: readonly { readonly "snapshot-id": number; readonly "sequence-number": number; readonly summary: Readonly<Record<string, string>>; readonly "manifest-list": string }[];
  /** Local paths of the live data files of the current snapshot. */
  readonly files: readonly string[];
}

/**
 * Maps a location of the table to a local file: `file:` locations as they are; a location under
 * `rebase.from` (a table downloaded from `s3://…`) under `rebase.to`.
 */
function localPath(location: string, rebase?: { readonly from: string; readonly to: string }): string {
  if (rebase !== undefined && location.startsWith(rebase.from)) return rebase.to + location.slice(rebase.from.length);
  const u = new URL(location);
  if (u.protocol !== "file:") throw new Error(`not a local table path: ${location}`);
  return decodeURIComponent(u.pathname);
}

/** The table at `dir`, as of its newest metadata file; `rebase` maps its remote locations to local copies. */
export function readIcebergTable(dir: string, rebase?: { readonly from: string; readonly to: string }): IcebergTableState {
  const meta = join(dir, "metadata");
  const hint = join(meta, "version-hint.text");
  let version = existsSync(hint) ? Number(readFileSync(hint, "utf8").trim()) : 0;
  let file = `v${version}.metadata.json`;
  for (const f of readdirSync(meta)) {
    // Hadoop tables' v<N>.metadata.json, and catalog tables' <NNNNN>-<uuid>.metadata.json.
    const m = /^(?:v(\d+)|(\d+)-[0-9a-f-]+)\.metadata\.json$/.exec(f);
    if (m !== null && Number(m[1] ?? m[2]) >= version) {
      version = Number(m[1] ?? m[2]);
      file = f;
    }
  }
  const metadata = JSON.parse(readFileSync(join(meta, file), "utf8")) as Record<string, unknown>;
  const snapshots = (metadata.snapshots ?? []) as IcebergTableState["snapshots"];
  const current = snapshots.find((s) => s["snapshot-id"] === metadata["current-snapshot-id"]);
  const files =
    current === undefined
      ? []
      : (JSON.parse(execFileSync("/usr/bin/python3", ["-c", LIVE_FILES, localPath(current["manifest-list"], rebase), JSON.stringify(rebase ?? null)], { encoding: "utf8" })) as string[]).map((l) =>
          localPath(l, rebase),
        );
  return { version, metadata, snapshots, files };
}

/** Prints the live data files of a manifest list as JSON, asserting the spec's required fields. */
const LIVE_FILES = String.raw`
import sys, json
from urllib.parse import urlparse, unquote
from avro.datafile import DataFileReader
from avro.io import DatumReader
def read(path):
    r = DataFileReader(open(path, "rb"), DatumReader())
    meta = {k: v.decode() for k, v in r.meta.items()}
    rows = list(r)
    r.close()
    return meta, rows
rebase = json.loads(sys.argv[2])
def local(location):
    if rebase is not None and location.startswith(rebase["from"]):
        return rebase["to"] + location[len(rebase["from"]):]
    return unquote(urlparse(location).path)
meta, manifests = read(sys.argv[1])
assert meta["format-version"] == "2", meta
required = ["manifest_path", "manifest_length", "partition_spec_id", "content", "sequence_number", "min_sequence_number", "added_snapshot_id", "added_data_files_count", "existing_data_files_count", "deleted_data_files_count", "added_rows_count", "existing_rows_count", "deleted_rows_count"]
files = []
for m in manifests:
    for k in required:
        assert m.get(k) is not None, k
    mmeta, entries = read(local(m["manifest_path"]))
    for k in ["schema", "partition-spec", "partition-spec-id", "format-version", "content"]:
        assert k in mmeta, k
    for e in entries:
        assert e["status"] in (0, 1, 2)
        f = e["data_file"]
        for k in ["content", "file_path", "file_format", "partition", "record_count", "file_size_in_bytes"]:
            assert f.get(k) is not None, k
        if e["status"] != 2 and f["content"] == 0:
            files.append(f["file_path"])
print(json.dumps(files))
`;
