import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { run } from "../../cli/exec.js";
import { packageVersion } from "../../cli/package-root.js";
import { imageRef } from "../../cli/stack/services/common.js";
import { leaderService } from "../../cli/stack/cluster.js";
import { stackPaths } from "../../cli/stack/paths.js";
import { SWITCH_WAL_SQL, type RestoreResult } from "../../cli/pgbackrest/restore.js";
import { runCli } from "../setup/cli.js";
import { probeTable } from "../setup/data.js";
import { compose } from "../../cli/stack/handle.js";
import { type BackupSet } from "../../cli/pgbackrest/parse.js";
import { type DrillResult } from "../../cli/pgbackrest/drill.js";
import { Stack } from "../../cli/stack/handle.js";

/**
 * Backups and restore drills on the installed stack: pgBackRest backups, a point-in-time restore that holds exactly
 * the rows committed before the target, a drill of the newest backup that passes, and a tampered backup that fails;
 * then `restore` switches the stack itself to a point in time, `restore rollback` back, and `restore confirm` after
 * restoring the newest state deletes the data kept aside. The stack also has an S3 repository (test/setup/s3.ts):
 * backups and WAL land there too, encrypted, and a drill and a restore read from it alone.
 */
const stack = inject("stack");
const s3 = inject("s3");
const paths = stackPaths(stack.dir);
const report = (line: string) => process.stderr.write(`[backup] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cli(args: string[], timeoutMs = 15 * 60_000) {
  const r = await runCli([...args, "--dir", stack.dir], { timeoutMs });
  return { ...r, json: () => JSON.parse(r.stdout) as unknown };
}

/** As the leader's superuser: switch to a new WAL segment and wait until the old one is in the repository. */
async function archiveNow(): Promise<void> {
  const leader = (await leaderService(new Stack(paths, stack.project)))!;
  const psql = (sql: string) =>
    compose(paths, stack.project, [
      "exec",
      "-T",
      "-u",
      "postgres",
      leader,
      "psql",
      "-h",
      "/run/postgresql",
      "-d",
      "stevie",
      "-Atc",
      sql,
    ]);
  const wal = (await psql(SWITCH_WAL_SQL)).stdout.trim();
  // The archiver retries a failed push only after a pause (about a minute): allow for one retry.
  for (let i = 0; i < 180; i++) {
    const archived = (await psql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")).stdout.trim();
    if (archived >= wal) return;
    await sleep(1_000);
  }
  const why = (
    await psql(
      "SELECT concat_ws(' ', 'failed', failed_count, 'times, last', last_failed_wal, 'at', last_failed_time, '; archived', last_archived_wal) FROM pg_stat_archiver",
    )
  ).stdout.trim();
  throw new Error(`WAL ${wal} was not archived within 180 s (${why})`);
}

describe.sequential("backups and restore drills", () => {
  let pool: pg.Pool;
  let fullSet: BackupSet;

  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ pool, drop } = await probeTable(stack, "backup_probe"));
  });

  afterAll(async () => {
    await drop?.();
  });

  it("takes a full backup on demand and lists it with its size and WAL range", { timeout: 600_000 }, async () => {
    await pool.query("INSERT INTO backup_probe (seq) SELECT g FROM generate_series(1, 50) g");
    const started = Date.now();
    const b = await cli(["backup", "--type", "full", "--json"]);
    expect(b.code, b.stderr).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    const list = await cli(["backup", "list", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const sets = list.json() as BackupSet[];
    fullSet = sets.filter((s) => s.repo === "local").at(-1)!;
    // The same backup went to the S3 repository as well, as its own set.
    expect(sets.filter((s) => s.repo === "s3").at(-1)).toMatchObject({ type: "full", error: false });
    expect(fullSet).toMatchObject({ type: "full", error: false });
    expect(fullSet.label).toMatch(/^\d{8}-\d{6}F$/);
    expect(fullSet.walStart).toMatch(/^[0-9A-F]{24}$/);
    expect(fullSet.sizeBytes).toBeGreaterThan(10 * 1024 * 1024); // the catalogue with its vectors
    report(
      `full backup: ${seconds.toFixed(1)} s, database ${(fullSet.sizeBytes / 1048576).toFixed(1)} MB, ${(fullSet.repoBytes / 1048576).toFixed(1)} MB in the repository (compressed, encrypted)`,
    );
  });

  it(
    "stores an encrypted snapshot of the stack directory and Redis with a backup, and exports it only with the right key",
    { timeout: 600_000 },
    async () => {
      const b = await cli(["backup", "--type", "incr", "--json"]);
      expect(b.code, b.stderr).toBe(0);
      const taken = b.json() as { set: BackupSet; snapshot: { bytes: number; redis: boolean } };
      expect(taken.snapshot.redis).toBe(true);
      const sets = (await cli(["backup", "list", "--json"])).json() as BackupSet[];
      expect(sets.find((s) => s.label === taken.set.label)?.stackSnapshot).toBe(true);

      const to = join(stack.dir, "..", `export-${Date.now()}`);
      const e = await cli(["backup", "export-stack", "--set", taken.set.label, "--to", to, "--json"]);
      expect(e.code, e.stderr).toBe(0);
      expect(await readFile(join(to, "stevie.yaml"), "utf8")).toBe(
        await readFile(join(stack.dir, "stevie.yaml"), "utf8"),
      );
      expect(await readFile(join(to, "secrets", "postgres_password"), "utf8")).toBe(
        await readFile(join(stack.dir, "secrets", "postgres_password"), "utf8"),
      );
      expect((await readFile(join(to, "redis-dump.rdb"))).subarray(0, 5).toString()).toBe("REDIS");
      report(
        `stack snapshot with backup ${taken.set.label}: ${(taken.snapshot.bytes / 1024).toFixed(0)} KB encrypted, ${(e.json() as { files: number }).files} files`,
      );

      const wrongKey = join(stack.dir, "..", "wrong-key");
      await writeFile(wrongKey, "not the key\n", { mode: 0o600 });
      const w = await runCli([
        "backup",
        "export-stack",
        "--set",
        taken.set.label,
        "--to",
        `${to}-2`,
        "--project",
        stack.project,
        "--key-file",
        wrongKey,
        "--dir",
        "/nonexistent",
      ]);
      expect(w.code).toBe(1);
      expect(w.stderr).toMatch(/does not open with this key: wrong key/);
      await rm(to, { recursive: true, force: true });
    },
  );

  it("restores to a point in time: exactly the rows committed before it", { timeout: 600_000 }, async () => {
    await pool.query("INSERT INTO backup_probe (seq) SELECT g FROM generate_series(51, 100) g");
    await sleep(1_500);
    const target = (await pool.query<{ t: Date }>("SELECT clock_timestamp() AS t")).rows[0]!.t.toISOString();
    await sleep(1_500);
    await pool.query("INSERT INTO backup_probe (seq) SELECT g FROM generate_series(101, 150) g");
    await archiveNow();

    const d = await cli(["drill", "--time", target, "--keep", "--json"]);
    const r = JSON.parse(d.stdout) as DrillResult;
    try {
      expect(r.pass, JSON.stringify(r.failures)).toBe(true);
      const q = await run("docker", [
        "exec",
        "-u",
        "postgres",
        r.container!,
        "psql",
        "-h",
        "/run/postgresql",
        "-d",
        "stevie",
        "-Atc",
        "SELECT count(*), max(seq) FROM backup_probe",
      ]);
      expect(q.stdout.trim()).toBe("100|100");
      report(
        `point-in-time restore to ${target}: 100 of 150 rows (exactly those before the target), ${r.rtoSeconds.toFixed(1)} s to a queryable copy`,
      );
    } finally {
      if (r.container) await run("docker", ["rm", "-f", "-v", r.container], { reject: false });
    }
  });

  it(
    "drills the newest backup: PASS, with RTO and RPO, and the set shows as verified",
    { timeout: 600_000 },
    async () => {
      await archiveNow();
      const d = await cli(["drill", "--json"]);
      expect(d.code, d.stderr).toBe(0);
      const r = d.json() as DrillResult;
      expect(r.pass, JSON.stringify(r.failures)).toBe(true);
      expect(r.restored?.counts.backup_probe).toBe(150);
      expect(r.restored?.invalidIndexes).toEqual([]);
      expect(Object.keys(r.restored?.topk ?? {})).toHaveLength(5);
      expect(r.rtoSeconds).toBeLessThan(300);
      expect(r.rpoSeconds).toBeLessThanOrEqual(60);
      report(`drill of ${r.set}: PASS, RTO ${r.rtoSeconds.toFixed(1)} s, RPO ${r.rpoSeconds?.toFixed(1)} s`);
      const sets = (await cli(["backup", "list", "--json"])).json() as BackupSet[];
      expect(sets.find((s) => s.label === r.set)?.verified).toBeTruthy();
    },
  );

  it("keeps an encrypted copy in S3, and a drill from S3 alone passes", { timeout: 600_000 }, async () => {
    const sets = (await cli(["backup", "list", "--json"])).json() as BackupSet[];
    const inS3 = sets.filter((s) => s.repo === "s3");
    // The scheduler's first full backup and the two above, each in both repositories.
    expect(
      inS3.map((s) => s.type),
      JSON.stringify(sets),
    ).toEqual(expect.arrayContaining(["full", "incr"]));
    // In the bucket, under backup.s3.path: the backup sets and the archived WAL, every file encrypted (OpenSSL's header).
    const objects = (await readdir(join(s3.dataDir, s3.bucket), { recursive: true })).filter((f) =>
      f.endsWith("._S3rver_object"),
    );
    const data = objects.filter((f) => f.startsWith("stevie/backup/stevie/") && f.includes("/pg_data/"));
    const wal = objects.filter((f) => f.startsWith("stevie/archive/stevie/") && /\/[0-9A-F]{24}-/.test(f));
    expect(data.length).toBeGreaterThan(100);
    expect(wal.length).toBeGreaterThan(0);
    for (const f of [...data, ...wal])
      expect((await readFile(join(s3.dataDir, s3.bucket, f))).subarray(0, 8).toString(), f).toBe("Salted__");

    // The drill container has no local repository: the set and the 100 rows written after it come from S3 alone.
    await archiveNow();
    const d = await cli(["drill", "--repo", "s3", "--json"]);
    expect(d.code, d.stderr).toBe(0);
    const r = d.json() as DrillResult;
    expect(r.pass, JSON.stringify(r.failures)).toBe(true);
    expect(r).toMatchObject({ repo: "s3", set: inS3.at(-1)!.label });
    expect(r.restored?.counts.backup_probe).toBe(150);
    report(
      `S3 repository: ${inS3.length} sets, ${data.length} data files and ${wal.length} WAL segments in the bucket, all encrypted; drill from S3 alone: PASS, RTO ${r.rtoSeconds.toFixed(1)} s, RPO ${r.rpoSeconds?.toFixed(1)} s`,
    );
  });

  it("runs the stack's own drill on a replica and judges it like the CLI's", { timeout: 600_000 }, async () => {
    const leader = (await leaderService(new Stack(paths, stack.project)))!;
    const replica = leader === "postgres-1" ? "postgres-2" : "postgres-1";
    const started = Date.now();
    const d = await compose(paths, stack.project, ["exec", "-T", "-u", "postgres", replica, "stevie-scheduled-drill"], {
      reject: false,
      timeoutMs: 600_000,
    });
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/"event":"drill"/);
    const list = await cli(["drill", "list", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const mine = (list.json() as DrillResult[]).filter((r) => r.scheduled && Date.parse(r.at) >= started - 60_000);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.pass, JSON.stringify(mine[0]!.failures)).toBe(true);
    report(`scheduled drill on ${replica}: PASS, RTO ${mine[0]!.rtoSeconds} s, RPO ${mine[0]!.rpoSeconds ?? "?"} s`);
    const sets = (await cli(["backup", "list", "--json"])).json() as BackupSet[];
    expect(sets.find((s) => s.label === mine[0]!.set)?.verified).toBeTruthy();
    // Nothing is left behind in the replica's volume.
    const left = await compose(paths, stack.project, ["exec", "-T", replica, "ls", "/var/lib/postgresql/data"]);
    expect(left.stdout.trim()).toBe("pgdata");
  });

  it(
    "fails the drill of a tampered backup with a clear reason, and refuses a time outside the backups",
    { timeout: 600_000 },
    async () => {
      const b = await cli(["backup", "--type", "full", "--repo", "local", "--json"]);
      expect(b.code, b.stderr).toBe(0);
      const label = (b.json() as { set: BackupSet }).set.label;
      // Flip bytes in the middle of the largest file of that backup set, in the repository volume.
      const tamper =
        `f=$(find /repo/backup/stevie/${label}/pg_data -type f -printf '%s %p\\n' | sort -n | tail -1 | cut -d' ' -f2); ` +
        `printf 'tampered' | dd of="$f" bs=1 seek=4096 conv=notrunc 2>/dev/null && echo "$f"`;
      const t = await run("docker", [
        "run",
        "--rm",
        "-v",
        `${stack.project}_backups:/repo`,
        "--entrypoint",
        "sh",
        imageRef("postgres", packageVersion()),
        "-c",
        tamper,
      ]);
      expect(t.stdout.trim()).toMatch(/pg_data/);
      const d = await cli(["drill", "--set", label, "--json"]);
      expect(d.code).toBe(4);
      const r = d.json() as DrillResult;
      expect(r.pass).toBe(false);
      expect(r.failures.join(" ")).toMatch(/restore failed: .*(checksum|decrypt|invalid|corrupt|unable|error)/i);
      report(`tampered backup ${label}: drill FAIL, "${r.failures[0]}"`);
      // Remove the damaged set so the newest good backup is the latest again.
      const leader = (await leaderService(new Stack(paths, stack.project)))!;
      const expire = await compose(
        paths,
        stack.project,
        [
          "exec",
          "-T",
          "-u",
          "postgres",
          leader,
          "pgbackrest",
          "--stanza=stevie",
          "--repo=1",
          `--set=${label}`,
          "expire",
        ],
        { reject: false },
      );
      expect(expire.exitCode, expire.stderr).toBe(0);

      const early = await cli(["drill", "--time", "2001-01-01T00:00:00Z"]);
      expect(early.code).toBe(1);
      expect(early.stderr).toMatch(/before the oldest backup/);
    },
  );

  /** Rows of the probe table, through HAProxy; the first query after a switch may meet a connection the switch cut. */
  async function probe(): Promise<string> {
    for (let i = 0; ; i++) {
      try {
        const r = await pool.query<{ n: string; top: number }>(
          "SELECT count(*) AS n, max(seq) AS top FROM backup_probe",
        );
        return `${r.rows[0]!.n}|${r.rows[0]!.top}`;
      } catch (e) {
        if (i >= 10) throw e;
        await sleep(1_000);
      }
    }
  }

  const memberDirs = async (member: string) =>
    (
      await run("docker", [
        "run",
        "--rm",
        "-v",
        `${stack.project}_${member}-data:/data`,
        "--entrypoint",
        "ls",
        imageRef("postgres", packageVersion()),
        "/data",
      ])
    ).stdout
      .trim()
      .split("\n")
      .sort();

  it(
    "restores the stack itself to a point in time, rolls back to the kept data, and deletes it once confirmed",
    { timeout: 900_000 },
    async () => {
      expect(await probe()).toBe("150|150");
      await pool.query("INSERT INTO backup_probe (seq) SELECT g FROM generate_series(151, 160) g");
      await sleep(1_500);
      const target = (await pool.query<{ t: Date }>("SELECT clock_timestamp() AS t")).rows[0]!.t.toISOString();
      await sleep(1_500);
      await pool.query("INSERT INTO backup_probe (seq) SELECT g FROM generate_series(161, 170) g");
      await archiveNow();

      const refused = await cli(["restore", "--time", target]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/restore cancelled; nothing was changed[\s\S]*--yes/);
      const both = await cli(["restore", "--latest", "--time", target, "--yes"]);
      expect(both.code).toBe(1);
      expect(both.stderr).toMatch(/exactly one of --latest, --set ID or --time/);

      const r = await cli(["restore", "--time", target, "--yes", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const res = r.json() as RestoreResult;
      expect(res.snapshot).toMatch(/I$/);
      expect(res.postBackup).toMatch(/F$/);
      expect(res.restored.invalidIndexes).toEqual([]);
      // Warnings do not fail a restore: the newest WAL can still be late to reach the test's S3 service on a busy host.
      // The segment a restore waits for is checked in cli/pgbackrest/switch-wal.integration.test.ts.
      if (res.warnings.length) report(`restore --time warned: ${res.warnings.join(" | ")}`);
      expect(await probe()).toBe("160|160");
      report(
        `restore --time: the stack holds exactly the 160 rows before the target; database unavailable ${res.downtimeSeconds.toFixed(1)} s, ${res.totalSeconds.toFixed(1)} s in all (snapshot, restore, checks, switch, backup)`,
      );
      const status = await cli(["status", "--json"]);
      const members = (status.json() as { dataTier: { postgres: { members: { member: string; state: string }[] } } })
        .dataTier.postgres.members;
      expect(members.map((m) => m.state).sort()).toEqual(["running", "streaming"]);
      expect(await memberDirs("postgres-2")).toEqual(["pgdata", `pre-restore-${res.stamp}`]);
      const again = await cli(["restore", "--latest", "--yes"]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/still kept[\s\S]*restore confirm/);

      const back = await cli(["restore", "rollback", "--yes", "--json"]);
      expect(back.code, back.stderr).toBe(0);
      expect(await probe()).toBe("170|170");
      report("restore rollback: the stack holds the 170 rows it had before the restore again");

      // The newest state again, this time read from the S3 repository alone: what a lost backup volume leaves.
      const latest = await cli(["restore", "--latest", "--repo", "s3", "--yes", "--json"]);
      expect(latest.code, latest.stderr).toBe(0);
      expect(latest.stderr).toMatch(/from the S3 repository/);
      expect(await probe()).toBe("170|170");
      report(
        `restore --latest --repo s3: the stack holds its 170 rows, read from S3; database unavailable ${(latest.json() as RestoreResult).downtimeSeconds.toFixed(1)} s`,
      );
      const stamp = (latest.json() as RestoreResult).stamp;
      expect(await memberDirs("postgres-1")).toEqual(["pgdata", `pre-restore-${stamp}`]);
      const ok = await cli(["restore", "confirm", "--yes"]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(await memberDirs("postgres-1")).toEqual(["pgdata"]);
      expect(await memberDirs("postgres-2")).toEqual(["pgdata"]);
      const none = await cli(["restore", "confirm", "--yes"]);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/no restore waiting/);
    },
  );

  it(
    "doctor judges the stack after all that: leader, replication, backups and drills fresh, nothing failing",
    { timeout: 300_000 },
    async () => {
      type Doctor = { checks: { name: string; status: string; found: string }[]; verdict: string };
      let d: Doctor | undefined;
      // The API containers may take a health-check interval to turn healthy again after the last switch.
      for (let i = 0; i < 12; i++) {
        const r = await cli(["doctor", "--json"]);
        d = r.json() as Doctor;
        if (r.code === 0) break;
        await sleep(5_000);
      }
      const byName = Object.fromEntries(d!.checks.map((c) => [c.name, c]));
      expect(
        d!.checks.filter((c) => c.status === "fail"),
        JSON.stringify(d!.checks),
      ).toEqual([]);
      for (const name of [
        "containers",
        "postgres leader",
        "redis and sentinel quorum",
        "last backup",
        "last restore drill",
        "TLS certificate",
        "service certificates",
        "docker log rotation",
        "ops service",
      ])
        expect(byName[name]?.status, name).toBe("ok");
      expect(Object.keys(byName).some((n) => n.startsWith("replication "))).toBe(true);
      report(
        `doctor: ${d!.verdict}; ${
          d!.checks
            .filter((c) => c.status !== "ok")
            .map((c) => `${c.name}: ${c.status} (${c.found})`)
            .join("; ") || "every check ok"
        }`,
      );
    },
  );
});
