import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repoRoot } from "../setup/cli.js";

/**
 * The PostgreSQL image's `stevie-data-dirs` (compose/images/postgres/data-dirs.sh), which moves a member's data
 * directories during a restore, on a temporary directory standing in for the member's volume. The restore e2e runs it
 * for real on the members' volumes.
 */
const execFileP = promisify(execFile);
const script = join(repoRoot, "compose", "images", "postgres", "data-dirs.sh");

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "stevie-data-dirs-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const dirs = (...steps: string[]) =>
  execFileP("sh", [script, ...steps], { env: { DATA_ROOT: root, PATH: "/usr/bin:/bin" } });
const put = async (dir: string, content: string) => {
  await mkdir(join(root, dir), { recursive: true });
  await writeFile(join(root, dir, "PG_VERSION"), content);
};
const content = (dir: string) => readFile(join(root, dir, "PG_VERSION"), "utf8");

describe("stevie-data-dirs (a member's data directories during a restore)", () => {
  it("sets the live data aside and adopts the restored copy; run twice, it changes nothing more", async () => {
    await put("pgdata", "production");
    await put("restore-1", "restored");
    for (let i = 0; i < 2; i++) await dirs("set-aside", "pre-restore-1", "adopt", "restore-1");
    expect(await content("pgdata")).toBe("restored");
    expect(await content("pre-restore-1")).toBe("production");
    expect((await readdir(root)).sort()).toEqual(["pgdata", "pre-restore-1"]);
  });

  it("rolls back: the kept data is live again and the restored one gone; a replica keeps nothing", async () => {
    await put("pgdata", "restored");
    await put("pre-restore-1", "production");
    await dirs("adopt", "pre-restore-1");
    expect(await content("pgdata")).toBe("production");
    expect(await readdir(root)).toEqual(["pgdata"]);
    await dirs("drop", "pgdata", "drop", "pre-restore-1");
    expect(await readdir(root)).toEqual([]);
  });

  it("marks the place with an empty directory when a member has no live data, and says what is there", async () => {
    await dirs("set-aside", "pre-restore-1", "drop", "pgdata");
    expect(await readdir(root)).toEqual(["pre-restore-1"]);
    expect((await dirs("has", "pre-restore-1")).stdout).toBe("yes\n");
    expect((await dirs("has", "restore-9")).stdout).toBe("no\n");
  });

  it("refuses a path, an unknown step or a step without its name, and touches nothing", async () => {
    await put("pgdata", "production");
    for (const steps of [["drop", "../x"], ["drop", "a/b"], ["drop", ".."], ["format", "pgdata"], ["drop"], []])
      await expect(dirs(...steps)).rejects.toMatchObject({ code: 2 });
    expect(await content("pgdata")).toBe("production");
  });
});
