import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repoRoot } from "../setup/cli.js";

/**
 * The PostgreSQL image's `stevie-timeline` (compose/images/postgres/timeline.sh), which reads the timeline of a
 * member's latest checkpoint for a restore when the cluster has no leader, on a temporary directory standing in for
 * the member's volume. pg_controldata is PostgreSQL's: here a stub on PATH prints the text the real one printed for a
 * data directory (kept in that directory, as the real one reads global/pg_control), in German unless LC_ALL=C as
 * Debian's translated one does. The restore e2e runs the real one on the members' volumes.
 */
const execFileP = promisify(execFile);
const script = join(repoRoot, "compose", "images", "postgres", "timeline.sh");

// pg_controldata's output (PostgreSQL 15 here; 17 prints the same lines), the timeline line set per test.
const controlText = (timeline: string) => `pg_control version number:            1300
Catalog version number:               202209061
Database system identifier:           7716358379085191125
Database cluster state:               shut down
Latest checkpoint location:           0/1500710
Latest checkpoint's REDO location:    0/1500710
Latest checkpoint's REDO WAL file:    000000030000000000000001
Latest checkpoint's TimeLineID:       ${timeline}
Latest checkpoint's PrevTimeLineID:   2
Latest checkpoint's full_page_writes: on
`;
const stub = `#!/bin/sh
f="$1/global/pg_control"
[ -f "$f" ] || { echo "pg_controldata: error: could not open file \\"$f\\" for reading: No such file or directory" >&2; exit 1; }
if [ "\${LC_ALL:-}" = C ]; then cat "$f"; else sed "s/^Latest checkpoint's TimeLineID:/TimeLineID des letzten Checkpoints:/" "$f"; fi
`;

let root: string;
let bin: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "stevie-timeline-"));
  bin = join(root, ".bin");
  await mkdir(bin);
  await writeFile(join(bin, "pg_controldata"), stub);
  await chmod(join(bin, "pg_controldata"), 0o755);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const timeline = (...args: string[]) =>
  execFileP("sh", [script, ...args], {
    env: { DATA_ROOT: root, PATH: `${bin}:/usr/bin:/bin`, LANG: "de_DE.UTF-8" },
  });
const put = async (dir: string, text: string) => {
  await mkdir(join(root, dir, "global"), { recursive: true });
  await writeFile(join(root, dir, "global", "pg_control"), text);
};

describe("stevie-timeline (the timeline of a member's latest checkpoint)", () => {
  it("prints the timeline number alone, whatever the language of the environment", async () => {
    await put("pgdata", controlText("3"));
    expect(await timeline("pgdata")).toEqual({ stdout: "3\n", stderr: "" });
  });

  it("prints nothing and exits 1 for a member without data, or a control file without a timeline", async () => {
    await expect(timeline("pgdata")).rejects.toMatchObject({ code: 1, stdout: "" });
    await put("pgdata", controlText("?"));
    await expect(timeline("pgdata")).rejects.toMatchObject({ code: 1, stdout: "" });
  });

  it("refuses a path or a missing name with exit 2", async () => {
    await put("pgdata", controlText("3"));
    for (const args of [["../x"], ["a/b"], [".."], [""], [], ["pgdata", "pgdata"]])
      await expect(timeline(...args)).rejects.toMatchObject({ code: 2, stdout: "" });
  });
});
