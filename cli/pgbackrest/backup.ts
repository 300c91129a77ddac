import { join } from "node:path";
import { UserError } from "../errors.js";
import { poll, sleep } from "../wait.js";
import type { StackPaths } from "../stack/paths.js";
import { REPO_KEY, s3RunArgs, type RepoName, type S3Config } from "../stack/s3.js";
import { BACKUP_VOLUME, postgresRun } from "../stack/services/postgres.js";
import { inLeader, leaderService } from "../stack/cluster.js";
import { Engine, Stack } from "../stack/handle.js";
import { type BackupSet, STANZA, backupFailure, lastError, parseDf, parseInfo } from "./parse.js";
import { allDrills, readDrills } from "./drill-records.js";

/**
 * The pgbackrest package: backups with pgBackRest (repository on the stack's `backups` volume, aes-256-cbc;
 * optionally a second one on S3, see cli/stack/s3.ts) here; what they report, judged purely, in parse.ts; a restored
 * copy beside production in copy.ts; restore drills that prove the backups in drill.ts (the newest backup, or a point
 * in time, restored into a throwaway container with no network and compared with production: migration, row counts,
 * pgvector version, index validity, and the same nearest-neighbour answers) and their records in drill-records.ts;
 * restores in restore.ts; the stack snapshot stored beside each backup in snapshot.ts.
 */

/**
 * The backup sets of every repository. Asked on the leader; with `version` and no leader (the cluster is down: the
 * case a restore is for), asked in a one-off container that mounts the local repository read-only (and reaches the
 * S3 one when `s3` is given).
 */
export async function listBackups(stack: Stack, version?: string, s3?: S3Config): Promise<BackupSet[]> {
  const { paths, project } = stack;
  const info = [`--stanza=${STANZA}`, "--output=json", "--log-level-console=off", "--log-level-stderr=warn", "info"];
  const leader = version ? await leaderService(stack).catch(() => undefined) : "ask";
  const r = leader
    ? await inLeader(stack, ["pgbackrest", ...info], { timeoutMs: 60_000 })
    : await new Engine().docker(repositoryRun(paths, project, version!, "stevie-pgbackrest", info, { s3 }), {
        reject: false,
        timeoutMs: 120_000,
      });
  if (r.timedOut)
    throw new UserError(
      "could not read the backup repository: pgBackRest did not answer within a minute",
      "pgBackRest retries a repository it cannot reach for minutes: is the S3 endpoint (backup.s3) up?",
    );
  if (r.exitCode !== 0)
    throw new UserError(
      `could not read the backup repository: ${lastError(`${r.stdout}\n${r.stderr}`) || `exit ${r.exitCode}`}`,
    );
  const verified: Record<string, string> = {};
  for (const d of leader ? await allDrills(stack) : await readDrills(paths))
    if (d.pass && d.set) verified[d.set] = d.at;
  return parseInfo(r.stdout, verified);
}

/**
 * `docker run` of ENTRYPOINT ARGS (one of the image's scripts: stevie-pgbackrest, stevie-push-history) as root in a
 * one-off container that reaches the stack's repositories: the local one on the backups volume (read-only unless
 * `writable`), the S3 one when `s3` is given (on the egress network; else no network), the cipher as a secret, a tmpfs
 * at /tmp for pgBackRest's locks. `volumes`: more `-v` mounts. Pure.
 */
export function repositoryRun(
  paths: StackPaths,
  project: string,
  version: string,
  entrypoint: string,
  args: string[],
  opts: { s3?: S3Config; writable?: boolean; volumes?: string[] } = {},
): string[] {
  return postgresRun(version, entrypoint, args, {
    ...(opts.s3 ? { network: s3RunArgs(paths, project, opts.s3, false) } : {}),
    options: ["--tmpfs", "/tmp"],
    volumes: [
      ...(opts.volumes ?? []),
      `${project}_${BACKUP_VOLUME}:/var/lib/pgbackrest${opts.writable ? "" : ":ro"}`,
      `${join(paths.secrets, "pgbackrest_cipher")}:/run/secrets/pgbackrest_cipher:ro`,
    ],
    env: { BACKUP_CIPHER_FILE: "/run/secrets/pgbackrest_cipher" },
  });
}

/**
 * The leader after a failed backup. A stopping leader is still listed as running (and as the leader) for a few
 * seconds, so give Patroni up to 30 s to elect another one before deciding the failure was not a failover.
 */
async function leaderAfterFailure(stack: Stack, leaderAtStart: string): Promise<string | undefined> {
  let now: string | undefined;
  const probe = async () => {
    now = await leaderService(stack).catch(() => undefined);
    return now !== leaderAtStart || undefined;
  };
  await poll(probe, { timeoutMs: 30_000, everyMs: 2_000 });
  return now;
}

/** Free and total space of the local repository's volume, as the members see it. */
export const REPO_SPACE_COMMAND = ["df", "-Pk", "/var/lib/pgbackrest"];

/**
 * A backup now, on the leader, into each of `repos` in turn (local first). The stanza is created first if this
 * cluster predates it (idempotent, and for every repository). `set` is the local one when there is one.
 */
export async function backupNow(
  stack: Stack,
  type: "full" | "diff" | "incr",
  onLine?: (l: string) => void,
  repos: RepoName[] = ["local"],
): Promise<{ set?: BackupSet; sets: BackupSet[]; all: BackupSet[]; seconds: number }> {
  const started = Date.now();
  // Every step runs on the leader found once here; if it changes meanwhile, the step fails and says so (below).
  const leader = await leaderService(stack).catch(() => undefined);
  const stanza = await inLeader(stack, ["pgbackrest", `--stanza=${STANZA}`, "stanza-create"], {
    timeoutMs: 120_000,
    leader,
  });
  if (stanza.exitCode !== 0)
    throw new UserError(
      `the backup repository is not usable: ${
        lastError(`${stanza.stdout}\n${stanza.stderr}`) ||
        (stanza.timedOut ? "pgBackRest did not answer within 2 minutes" : `pgBackRest exited with ${stanza.exitCode}`)
      }`,
      "check `stevie-stack status`, the space left on the backup volume and, with backup.s3, that the S3 service answers",
    );
  // The sets before, read once (without the drill records listBackups adds): what is new afterwards was made here.
  const setsNow = async () => {
    const r = await inLeader(
      stack,
      ["pgbackrest", `--stanza=${STANZA}`, "--output=json", "--log-level-console=off", "info"],
      { timeoutMs: 60_000, leader },
    );
    return r.exitCode === 0 ? parseInfo(r.stdout) : [];
  };
  const before = new Set((await setsNow()).map((b) => b.label));
  const done: RepoName[] = [];
  for (const repo of repos) {
    const args = [
      "pgbackrest",
      `--stanza=${STANZA}`,
      `--repo=${REPO_KEY[repo]}`,
      `--type=${type}`,
      "--log-level-console=detail",
      "backup",
    ];
    if (repos.length > 1) onLine?.(`repository ${repo}`);
    // The in-stack scheduler may be running one already: wait for it (up to 30 minutes) rather than fail.
    let r = await inLeader(stack, args, { onLine, leader });
    for (
      let waited = 0;
      r.exitCode !== 0 && /unable to acquire lock/i.test(`${r.stdout}\n${r.stderr}`) && waited < 30 * 60;
      waited += 10
    ) {
      onLine?.("another backup is running; waiting for it to finish");
      await sleep(10_000);
      r = await inLeader(stack, args, { onLine, leader });
    }
    if (r.exitCode !== 0) {
      const why = lastError(`${r.stdout}\n${r.stderr}`) || `pgBackRest exited with ${r.exitCode}`;
      const space =
        repo === "local"
          ? await inLeader(stack, REPO_SPACE_COMMAND, { timeoutMs: 30_000, leader }).then(
              (d) => parseDf(d.stdout),
              () => undefined,
            )
          : undefined;
      const where =
        repos.length > 1 || repo === "s3"
          ? ` (${repo} repository${done.length ? `; the ${done.join(" and ")} one succeeded` : ""})`
          : "";
      const failure = backupFailure(why, repo, where, space);
      const leaderNow = leader && !failure.full ? await leaderAfterFailure(stack, leader) : leader;
      if (leaderNow !== leader) {
        throw new UserError(
          `backup failed: the database leader changed while it ran (${leader} -> ${leaderNow ?? "none yet"}, a failover)`,
          `existing backups are untouched; run \`stevie-stack backup\` again${leaderNow ? ` (${leaderNow} leads now)` : " once a leader is elected"}`,
        );
      }
      throw new UserError(failure.message, failure.hint);
    }
    done.push(repo);
  }
  const all = await setsNow();
  const sets = repos.flatMap((repo) => all.filter((b) => b.repo === repo && !before.has(b.label)).slice(-1));
  // Prometheus sees the new backup now rather than at the scheduler's next minute; a failure here changes nothing.
  await inLeader(stack, ["stevie-backup-metrics"], { timeoutMs: 60_000, leader }).catch(() => undefined);
  return { set: sets.find((b) => b.repo === "local") ?? sets[0], sets, all, seconds: (Date.now() - started) / 1000 };
}
