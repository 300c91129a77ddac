import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repoRoot } from "../setup/cli.js";

/**
 * The PostgreSQL image's `stevie-push-history` (compose/images/postgres/push-history.sh), which puts a restored copy's
 * newest timeline history into the repositories, on a temporary directory standing in for the member's volume; and
 * the argument check of `stevie-pgbackrest` (pgbackrest.sh), which it hands the file to. That one writes /etc and
 * changes user: here a stub on PATH records what it was asked; the restore e2e runs both for real.
 */
const execFileP = promisify(execFile);
const images = join(repoRoot, "compose", "images", "postgres");

let root: string;
let bin: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "stevie-push-history-"));
  bin = join(root, ".bin");
  await mkdir(bin);
  await writeFile(join(bin, "stevie-pgbackrest"), `#!/bin/sh\necho "PGDATA=$PGDATA $*" > "${root}/.asked"\n`);
  await chmod(join(bin, "stevie-pgbackrest"), 0o755);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const push = (...args: string[]) =>
  execFileP("sh", [join(images, "push-history.sh"), ...args], {
    env: { DATA_ROOT: root, PATH: `${bin}:/usr/bin:/bin`, PGDATA: "/var/lib/postgresql/data/pgdata" },
  });
const wal = async (dir: string, ...files: string[]) => {
  await mkdir(join(root, dir, "pg_wal"), { recursive: true });
  for (const f of files) await writeFile(join(root, dir, "pg_wal", f), "");
};
const asked = () => readFile(join(root, ".asked"), "utf8").catch(() => "");

describe("stevie-push-history (a restored copy's timeline into the repositories)", () => {
  it("archives the newest timeline's history file, with the copy as pgBackRest's cluster", async () => {
    await wal("restore-1", "00000002.history", "00000009.history", "0000000A.history", "0000000A000000000000000F");
    await push("restore-1");
    expect(await asked()).toBe(
      `PGDATA=${root}/restore-1 --stanza=stevie archive-push ${root}/restore-1/pg_wal/0000000A.history\n`,
    );
  });

  it("fails with exit 1, archiving nothing, when the directory has no history (never promoted, or absent)", async () => {
    await wal("pgdata", "000000010000000000000001");
    for (const dir of ["pgdata", "restore-9"])
      await expect(push(dir)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/no timeline history/) });
    expect(await asked()).toBe("");
  });

  it("refuses a path or a missing name with exit 2", async () => {
    await wal("restore-1", "00000002.history");
    for (const args of [["../x"], ["restore-1/../.."], [".."], [""], [], ["restore-1", "pgdata"]])
      await expect(push(...args)).rejects.toMatchObject({ code: 2 });
    expect(await asked()).toBe("");
  });
});

describe("stevie-pgbackrest (pgbackrest as postgres in a one-off container)", () => {
  it("refuses to run without arguments, before writing anything", async () => {
    await expect(
      execFileP("sh", [join(images, "pgbackrest.sh")], { env: { PATH: `${bin}:/usr/bin:/bin` } }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: stevie-pgbackrest/) });
  });
});
