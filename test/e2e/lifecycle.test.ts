import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { runCli } from "../setup/cli.js";
import { removeRelay } from "../setup/data.js";

const stack = inject("stack");
const s3 = inject("s3");

/**
 * The shared stack's own end, after every other file (see test/setup/sequencer.ts): uninstall keeping the data,
 * install again onto it, and uninstall with --purge-data. It runs on the shared stack rather than a second one
 * (CI's time: a second stack cost two installs, 300 s), after the failover file has crashed, frozen and cut off its
 * parts, as an operator's stack would have been. The suite's teardown then finds nothing left to remove.
 */
describe("install and uninstall lifecycle", () => {
  it(
    "keeps data on uninstall, reuses it on reinstall, and --purge-data leaves nothing behind",
    { timeout: 900_000 },
    async () => {
      const { dir, project } = stack;
      const password = await readFile(join(dir, "secrets", "postgres_password"), "utf8");
      const volumes = (await docker.listVolumes(docker.PROJECT_LABEL, project)).sort();
      for (const kept of ["postgres-1-data", "postgres-2-data", "etcd-1-data", "redis-1-data", "backups"])
        expect(volumes).toContain(`${project}_${kept}`);

      // The suite's relay into the data network goes first: a container of ours on that network would keep it.
      await removeRelay(project);
      const down = await runCli(["uninstall", "--yes", "--dir", dir]);
      expect(down.code, down.stderr).toBe(0);
      expect(await docker.listContainers(docker.PROJECT_LABEL, project)).toEqual([]);
      expect((await docker.listVolumes(docker.PROJECT_LABEL, project)).sort()).toEqual(volumes);

      // Same secrets, same data volumes: the database must accept the kept password again.
      const again = await runCli(["install", "--non-interactive", "--dir", dir], {
        env: { STEVIE_S3_ACCESS_KEY_ID: s3.accessKeyId, STEVIE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey },
        timeoutMs: 600_000,
      });
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
      expect(await readFile(join(dir, "secrets", "postgres_password"), "utf8")).toBe(password);
      // Without a terminal, progress is one line per change: waiting for the services to turn healthy polls many
      // times, yet no line repeats the one before it.
      const lines = again.stdout.split("\n").filter(Boolean);
      expect(lines.filter((l) => /\d+\/\d+/.test(l) && l.includes("postgres")).length).toBeGreaterThan(1);
      expect(lines.filter((l, i) => l === lines[i - 1])).toEqual([]);
      const status = await runCli(["status", "--json", "--dir", dir]);
      expect((JSON.parse(status.stdout) as { healthy: boolean }).healthy, status.stdout).toBe(true);

      const purge = await runCli(["uninstall", "--purge-data", "--yes", "--dir", dir]);
      expect(purge.code, purge.stderr).toBe(0);
      expect(await docker.listContainers(docker.PROJECT_LABEL, project)).toEqual([]);
      expect(await docker.listVolumes(docker.PROJECT_LABEL, project)).toEqual([]);
      expect(await docker.listNetworks(docker.PROJECT_LABEL, project)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    },
  );
});
