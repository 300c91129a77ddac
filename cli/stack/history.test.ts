import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commitStack, fileAt, filesChangedBetween, stackCommits, stackHistory } from "./history.js";

describe("the stack directory's history", () => {
  it("commits each change, never secrets or keys, and nothing when nothing changed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-history-"));
    await mkdir(join(dir, "secrets"));
    await mkdir(join(dir, "tls"));
    await writeFile(join(dir, "stevie.yaml"), "projectName: one\n");
    await writeFile(join(dir, "compose.yaml"), "services: {}\n");
    await writeFile(join(dir, "secrets", "postgres_password"), "hunter2");
    await writeFile(join(dir, "tls", "server.key"), "PRIVATE");
    await writeFile(join(dir, "tls", "server.crt"), "CERT");
    await mkdir(join(dir, "tls", "edge"));
    await writeFile(join(dir, "tls", "edge", "server.key"), "PRIVATE");
    await mkdir(join(dir, "acme", "live"), { recursive: true });
    await writeFile(join(dir, "acme", "live", "server.key"), "ACMEKEY");

    const first = await commitStack(dir, "install");
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(await commitStack(dir, "install")).toBeUndefined();

    await writeFile(join(dir, "stevie.yaml"), "projectName: one\napi:\n  replicas: 4\n");
    await rm(join(dir, "compose.yaml"));
    await writeFile(join(dir, "secrets", "postgres_password"), "changed");
    expect(await commitStack(dir, "scale api 2 -> 4")).toMatch(/^[0-9a-f]{40}$/);

    expect((await stackHistory(dir)).map((c) => c.message)).toEqual(["scale api 2 -> 4", "install"]);
    // Any git reads it: what was committed, and what never was.
    const files = execFileSync("git", ["-C", dir, "ls-files"], { encoding: "utf8" }).trim().split("\n").sort();
    expect(files).toEqual([".gitignore", "stevie.yaml", "tls/server.crt"]);
    const everything = execFileSync("git", ["-C", dir, "log", "-p", "--all"], { encoding: "utf8" });
    expect(everything).not.toMatch(/hunter2|changed|PRIVATE|ACMEKEY/);
    expect(everything).toMatch(/\+ {2}replicas: 4/);
  });

  it("reads both sides of a commit: the files it changed (added and removed ones too) and their content at each", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-history-"));
    try {
      await mkdir(join(dir, "nginx"));
      await writeFile(join(dir, "compose.yaml"), "image: old\n");
      await writeFile(join(dir, "nginx", "nginx.conf"), "same\n");
      await writeFile(join(dir, "gone.yml"), "x\n");
      await commitStack(dir, "install 0.3.0");
      await writeFile(join(dir, "compose.yaml"), "image: new\n");
      await rm(join(dir, "gone.yml"));
      await writeFile(join(dir, "nginx", "added.conf"), "y\n");
      await commitStack(dir, "upgrade 0.3.0 -> 0.3.1 (backup L before)");
      const [upgrade, install] = await stackCommits(dir);
      expect(upgrade).toMatchObject({ parent: install!.oid, message: "upgrade 0.3.0 -> 0.3.1 (backup L before)" });
      expect(await filesChangedBetween(dir, install!.oid, upgrade!.oid)).toEqual([
        "compose.yaml",
        "gone.yml",
        "nginx/added.conf",
      ]);
      expect(await fileAt(dir, install!.oid, "compose.yaml")).toBe("image: old\n");
      expect(await fileAt(dir, upgrade!.oid, "compose.yaml")).toBe("image: new\n");
      expect(await fileAt(dir, upgrade!.oid, "gone.yml")).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
