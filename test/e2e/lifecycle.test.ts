import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { runCli } from "../setup/cli.js";
import { freePort } from "../setup/ports.js";
import { TEST_PROJECT_PREFIX, writeTestConfig } from "../setup/stack.js";

/** A second, short-lived stack (images are already built by the suite's setup): install, uninstall, purge. */
describe("install and uninstall lifecycle", () => {
  it(
    "keeps data on uninstall, reuses it on reinstall, and --purge-data leaves nothing behind",
    { timeout: 900_000 },
    async () => {
      const base = await mkdtemp(join(tmpdir(), "stevie-life-"));
      const dir = join(base, "stack");
      const project = `${TEST_PROJECT_PREFIX}-life-${process.pid}`;
      // Without Prometheus and the exporters: this stack only proves install, uninstall and purge (and saves CI time).
      const cfg = await writeTestConfig(
        dir,
        project,
        await freePort(),
        await freePort(),
        "monitoring:\n  enabled: false\n",
      );
      const install = () =>
        runCli(["install", "--non-interactive", "--config", cfg, "--dir", dir], { timeoutMs: 600_000 });

      const first = await install();
      expect(first.code, first.stderr).toBe(0);
      // Without a terminal, progress is one line per change: waiting for ~15 services to turn healthy polls many
      // times, yet no line repeats the one before it.
      const lines = first.stdout.split("\n").filter(Boolean);
      expect(lines.filter((l) => /\d+\/\d+/.test(l) && l.includes("postgres")).length).toBeGreaterThan(1);
      expect(lines.filter((l, i) => l === lines[i - 1])).toEqual([]);
      const password = await readFile(join(dir, "secrets", "postgres_password"), "utf8");

      const down = await runCli(["uninstall", "--yes", "--dir", dir]);
      expect(down.code, down.stderr).toBe(0);
      expect(await docker.listContainers(docker.PROJECT_LABEL, project)).toEqual([]);
      // Two Postgres members, three etcd, three Redis, three Sentinels: one volume each; the backup repository, the
      // backup figures and nginx's status socket.
      expect((await docker.listVolumes(docker.PROJECT_LABEL, project)).length).toBe(14);

      // Same secrets, same data volume: the database must accept the kept password again.
      const again = await install();
      expect(again.code, again.stderr).toBe(0);
      expect(await readFile(join(dir, "secrets", "postgres_password"), "utf8")).toBe(password);

      const purge = await runCli(["uninstall", "--purge-data", "--yes", "--dir", dir]);
      expect(purge.code, purge.stderr).toBe(0);
      expect(await docker.listContainers(docker.PROJECT_LABEL, project)).toEqual([]);
      expect(await docker.listVolumes(docker.PROJECT_LABEL, project)).toEqual([]);
      expect(await docker.listNetworks(docker.PROJECT_LABEL, project)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    },
  );
});
