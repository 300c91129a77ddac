import { describe, expect, it } from "vitest";
import { FakeRunner } from "../../test/support/fake-runner.js";
import { parseConfig } from "../config/load.js";
import { Engine } from "../stack/handle.js";
import { stackPaths } from "../stack/paths.js";
import { RestoredCopy, copyRunArgs } from "./copy.js";
import { historyPushRun, memberVolumeRun } from "./restore.js";
import { repositoryRun } from "./backup.js";
import { ONE_OFF } from "../stack/services/postgres.js";

const paths = stackPaths("/opt/stevie-test");
const s3 = parseConfig({ backup: { s3: { endpoint: "s3.example.com", bucket: "stevie", region: "eu-west-1" } } }, "t")
  .backup.s3!;

describe("a restored copy", () => {
  it("restores the local repository with no network and the repository read-only", () => {
    const argv = copyRunArgs("stevie", paths, { container: "c1", version: "1.2.3", set: "20261206-101500F" });
    expect(argv.slice(0, 2)).toEqual(["run", "-d"]);
    expect(argv.join(" ")).toContain("--network none -v stevie_backups:/var/lib/pgbackrest:ro");
    expect(argv).toContain("DRILL_SET=20261206-101500F");
    expect(argv.slice(-2)).toEqual(["stevie-stack/postgres:1.2.3", "drill"]);
  });

  it("restores from S3 alone: on the egress network, no local repository in view, a point in time as PostgreSQL writes it", () => {
    const argv = copyRunArgs("stevie", paths, { container: "c1", version: "1.2.3", s3, time: "2026-12-06T10:15:00Z" });
    expect(argv.join(" ")).not.toContain("/var/lib/pgbackrest");
    expect(argv).not.toContain("none");
    expect(argv).toContain("stevie_egress");
    expect(argv).toContain("DRILL_TARGET_TIME=2026-12-06 10:15:00.000+00");
  });

  it("says why it failed when the restored server stopped, and is removed", async () => {
    const runner = new FakeRunner((args) =>
      args[0] === "inspect"
        ? { stdout: "false" }
        : args[0] === "logs"
          ? { stdout: "FATAL:  recovery ended before configured recovery target was reached" }
          : undefined,
    );
    const copy = new RestoredCopy("stevie", paths, { container: "c1", version: "1.2.3" }, new Engine(runner));
    expect(await copy.start()).toEqual([expect.stringMatching(/nothing was committed after --time/)]);
    await copy.remove();
    expect(runner.calls.map((c) => c.args[0])).toEqual(["run", "inspect", "logs", "rm"]);
  });

  it("is up once it answers out of recovery, and reads its facts through psql", async () => {
    const runner = new FakeRunner((args) =>
      args[0] === "inspect"
        ? { stdout: "true" }
        : args.includes("SELECT pg_is_in_recovery();") || args[0] === "exec"
          ? { stdout: 'f\n{"migration":"0012","rows":{}}' }
          : undefined,
    );
    const copy = new RestoredCopy("stevie", paths, { container: "c1", version: "1.2.3" }, new Engine(runner));
    expect(await copy.start()).toEqual([]);
    const exec = runner.calls.find((c) => c.args[0] === "exec")!;
    expect(exec.args.slice(0, 5)).toEqual(["exec", "-i", "-u", "postgres", "c1"]);
    expect(exec.opts.input).toBe("SELECT pg_is_in_recovery();");
    expect((await copy.facts()).facts).toMatchObject({ migration: "0012" });
  });
});

describe("a one-off container on a member's data volume", () => {
  it("mounts only that volume at /data, with no network, and runs the entrypoint given", () => {
    expect(memberVolumeRun("stevie", "postgres-2", "1.2.3", "df", ["-Pk", "/data"])).toEqual([
      "run",
      "--rm",
      ...ONE_OFF,
      "--network",
      "none",
      "-v",
      "stevie_postgres-2-data:/data",
      "--entrypoint",
      "df",
      "stevie-stack/postgres:1.2.3",
      "-Pk",
      "/data",
    ]);
  });
});

describe("a one-off container on the backup repository", () => {
  const cipher = ["-v", "/opt/stevie-test/secrets/pgbackrest_cipher:/run/secrets/pgbackrest_cipher:ro"];

  it("reads the local repository read-only, with no network, the cipher as a secret, and runs the script given", () => {
    expect(repositoryRun(paths, "stevie", "1.2.3", "stevie-pgbackrest", ["--stanza=stevie", "info"])).toEqual([
      "run",
      "--rm",
      ...ONE_OFF,
      "--network",
      "none",
      "--tmpfs",
      "/tmp",
      "-v",
      "stevie_backups:/var/lib/pgbackrest:ro",
      ...cipher,
      "-e",
      "BACKUP_CIPHER_FILE=/run/secrets/pgbackrest_cipher",
      "--entrypoint",
      "stevie-pgbackrest",
      "stevie-stack/postgres:1.2.3",
      "--stanza=stevie",
      "info",
    ]);
  });

  it("reaches S3 on the egress network when the stack has it", () => {
    const argv = repositoryRun(paths, "stevie", "1.2.3", "stevie-pgbackrest", ["info"], { s3 });
    expect(argv).not.toContain("none");
    expect(argv.join(" ")).toContain("--network stevie_egress");
    expect(argv).toContain("BACKUP_S3_BUCKET=stevie");
    expect(argv).toContain("stevie_backups:/var/lib/pgbackrest:ro");
  });

  it("pushes a restored copy's timeline history: the member's volume at /data, the repository writable, a name as argument", () => {
    const argv = historyPushRun(paths, "stevie", "postgres-1", "1.2.3", "restore-20261206-101500");
    expect(argv.join(" ")).toContain(
      "--network none --tmpfs /tmp -v stevie_postgres-1-data:/data -v stevie_backups:/var/lib/pgbackrest -v",
    );
    expect(argv.slice(-3)).toEqual(["stevie-push-history", "stevie-stack/postgres:1.2.3", "restore-20261206-101500"]);
    expect(historyPushRun(paths, "stevie", "postgres-1", "1.2.3", "pgdata", s3)).toContain("stevie_egress");
  });
});
