import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repoRoot } from "../setup/cli.js";

/**
 * The PostgreSQL image's `stevie-drill-records` (compose/images/postgres/drill-records.sh), which prints the stack's
 * own drill records for the CLI, on a temporary directory standing in for the repository's drills/. The drill e2e
 * reads the ones a member wrote.
 */
const execFileP = promisify(execFile);
const script = join(repoRoot, "compose", "images", "postgres", "drill-records.sh");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevie-drill-records-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const records = (drills: string, ...args: string[]) =>
  execFileP("sh", [script, ...args], { env: { DRILLS_DIR: drills, PATH: "/usr/bin:/bin" } });

describe("stevie-drill-records (the stack's own drills, for the CLI)", () => {
  it("prints each record on its own line, oldest first, and nothing else", async () => {
    await writeFile(join(dir, "2026-12-06T10:00:00Z.json"), '{"at":"2026-12-06T10:00:00Z"}\n');
    await writeFile(join(dir, "2026-12-05T10:00:00Z.json"), '{"at":"2026-12-05T10:00:00Z"}'); // no final newline
    await writeFile(join(dir, "2026-12-07T10:00:00Z.json.tmp"), '{"at":"being written"}');
    await mkdir(join(dir, ".running"));
    expect((await records(dir)).stdout).toBe('{"at":"2026-12-05T10:00:00Z"}\n{"at":"2026-12-06T10:00:00Z"}\n');
  });

  it("prints nothing when there are no records, or no drills directory yet", async () => {
    expect(await records(dir)).toMatchObject({ stdout: "" });
    expect(await records(join(dir, "absent"))).toMatchObject({ stdout: "" });
  });

  it("takes no arguments", async () => {
    await expect(records(dir, "/etc")).rejects.toMatchObject({ code: 2, stdout: "" });
  });
});
