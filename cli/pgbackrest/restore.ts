import type { S3Config } from "../stack/s3.js";
import { syncDbRoles } from "../stack/credentials.js";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { poll, waitFor } from "../wait.js";
import { listBackups, repositoryRun } from "./backup.js";
import { readIfExists, writeAtomic } from "../stack/files.js";
import type { StackPaths } from "../stack/paths.js";
import { postgresRun } from "../stack/services/postgres.js";
import { clearEtcdPrefix } from "../stack/etcd.js";
import { ETCD_NAMESPACE, PATRONI_SCOPE } from "../stack/topology.js";
import { leaderOf, patroniMembers, psqlOnLeader } from "../stack/cluster.js";
import { Stack } from "../stack/handle.js";
import { Engine } from "../stack/handle.js";
import { type BackupSet, type DbFacts, type RestoreTarget, checkTarget, compareFacts, lastError } from "./parse.js";
import { RestoredCopy, productionFacts } from "./copy.js";
import { type RestoreState, restoreRefusal } from "./parse.js";
import { parseDf } from "./parse.js";

/**
 * `stevie-stack restore`: restore the repository into a new cluster and switch the stack to it.
 *
 * 1. Room on disk is checked; then, when the cluster still has a leader, a snapshot (an incremental backup with the
 *    stack snapshot) and a WAL switch waited into the repository.
 * 2. The chosen point is restored beside production, in a new directory of the first member's volume, by a
 *    container with no network, following production's timeline; it must recover and pass the drill's checks
 *    (pgvector, indexes valid, migrations; for --latest also every table and the nearest neighbours) before anything
 *    in production is touched. It then pushes its new timeline's history file into the repository.
 * 3. The switch: replicas stop, then the leader; Patroni's keys are cleared from etcd; each member's data directory
 *    is moved aside (kept, not deleted) and the restored one takes the first member's place; the first member starts
 *    and Patroni takes it over as the leader; the others start empty and clone from it.
 * 4. A full backup of the new cluster, so every later point has a backup on its timeline.
 * The old data stays until `restore confirm` deletes it; `restore rollback` switches back to it. docs/design.md has
 * the reasons behind each step (timelines, why Patroni has no restore_command).
 */
const MOUNT = "/var/lib/postgresql/data";
const DATA = "pgdata";
const DCS_PREFIX = `${ETCD_NAMESPACE}${PATRONI_SCOPE}/`;

export interface RestoreResult {
  stamp: string;
  snapshot?: string;
  target: RestoreState["target"];
  restored: DbFacts;
  leader: string;
  /** Seconds from the start of the switch until the new leader accepted writes. */
  downtimeSeconds: number;
  totalSeconds: number;
  postBackup?: string;
  warnings: string[];
}

const statePath = (paths: StackPaths) => join(paths.state, "restore.json");

export async function readRestoreState(paths: StackPaths): Promise<RestoreState | undefined> {
  const text = await readIfExists(statePath(paths));
  return text ? (JSON.parse(text) as RestoreState) : undefined;
}

/**
 * The image's `stevie-data-dirs STEP NAME…` (compose/images/postgres/data-dirs.sh: set-aside, adopt, drop, has) as root
 * in a one-off container holding one member's data volume at /data, with no network; what it printed.
 */
async function onVolume(project: string, member: string, version: string, steps: string[]): Promise<string> {
  const r = await new Engine().docker(memberVolumeRun(project, member, version, "stevie-data-dirs", steps), {
    reject: false,
    timeoutMs: 30 * 60_000,
  });
  if (r.exitCode !== 0)
    throw new UserError(
      `could not rearrange the data of ${member}: ${(r.stderr || r.stdout).trim().split("\n").pop()}`,
    );
  return r.stdout.trim();
}

/** Wait for a member's state during a restore, probing every 2 s; a probe that fails (a member restarting) is a "not yet". */
const waitForMembers = <T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> =>
  waitFor(what, () => probe().catch(() => undefined), {
    timeoutMs: seconds * 1000,
    everyMs: 2_000,
    fix: "see `stevie-stack status` and `stevie-stack logs postgres-1`",
  });

/** Clear the cluster's keys in etcd, so the member that starts first takes the cluster over with its own data. */
const clearDcs = (stack: Stack) => clearEtcdPrefix(stack, DCS_PREFIX);

/**
 * Stop every member (replicas first, so none of them is elected while the leader stops), clear etcd, rearrange each
 * member's data directories with `steps[member]` (stevie-data-dirs steps: running them twice is harmless), then start
 * `first`, wait until Patroni made it the leader, and start the rest (they clone from it). Returns the seconds until
 * a leader, and a warning when the replicas have not caught up yet (they keep cloning on their own).
 */
async function switchData(
  stack: Stack,
  version: string,
  members: string[],
  first: string,
  steps: Record<string, string[]>,
  log: (l: string) => void,
  leader?: string,
): Promise<{ seconds: number; warning?: string }> {
  const { project } = stack;
  const started = Date.now();
  const order = [...members.filter((m) => m !== leader), ...(leader ? [leader] : [])];
  log(`stopping ${order.join(", ")}`);
  for (const m of order) {
    const stop = await stack.compose(["stop", "-t", "60", m], { reject: false });
    if (stop.exitCode !== 0)
      throw new UserError(
        `could not stop ${m}: ${stop.stderr.trim().split("\n").pop()}`,
        "nothing was moved yet; `stevie-stack restore rollback` starts the old cluster again",
      );
  }
  await clearDcs(stack);
  for (const m of members) if (steps[m]) await onVolume(project, m, version, steps[m]!);
  log(`starting ${first}`);
  await stack.compose(["start", first]);
  await waitForMembers(`${first} to become the leader`, 300, async () =>
    (await leaderOf(stack, { postgres: [first] })) === first ? true : undefined,
  );
  const seconds = (Date.now() - started) / 1000;
  const rest = members.filter((m) => m !== first);
  if (!rest.length) return { seconds };
  log(`starting ${rest.join(", ")} (they clone the new leader)`);
  await stack.compose(["start", ...rest]);
  const streaming = await waitForMembers("every replica to stream", 600, async () => {
    const list = await patroniMembers(stack, { postgres: members });
    return list.length === members.length && list.every((m) => m.role === "leader" || m.state === "streaming")
      ? true
      : undefined;
  }).catch(() => false);
  return {
    seconds,
    ...(streaming
      ? {}
      : {
          warning:
            "the replicas were still cloning after 10 minutes; they go on by themselves: watch `stevie-stack status`",
        }),
  };
}

/** The timeline production runs on: a restore follows it (not an abandoned branch, not the backup's old one). */
async function liveTimeline(stack: Stack, members: string[], version: string): Promise<number | undefined> {
  const { project } = stack;
  const leader = await leaderOf(stack, { postgres: members }).catch(() => undefined);
  if (leader) {
    const r = await psqlOnLeader(stack, {
      database: "postgres",
      rows: true,
      command: "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int",
      leader,
      timeoutMs: 30_000,
    });
    const n = Number(r.stdout.trim());
    if (r.exitCode === 0 && n > 0) return n;
  }
  // No leader: the newest checkpoint's timeline among the members' data directories.
  let best: number | undefined;
  for (const m of members) {
    const r = await new Engine().docker(memberVolumeRun(project, m, version, "stevie-timeline", [DATA]), {
      reject: false,
      timeoutMs: 60_000,
    });
    const n = r.exitCode === 0 ? Number(r.stdout.trim()) : 0;
    if (n > 0 && (best === undefined || n > best)) best = n;
  }
  return best;
}

/** `docker run` of ENTRYPOINT ARGS in a one-off container holding one member's data volume at /data, no network. Pure. */
export function memberVolumeRun(
  project: string,
  member: string,
  version: string,
  entrypoint: string,
  args: string[],
): string[] {
  return postgresRun(version, entrypoint, args, { volumes: [`${project}_${member}-data:/data`] });
}

/** Kilobytes free on the host filesystem that holds a member's volume. */
async function freeKb(project: string, member: string, version: string): Promise<number> {
  const r = await new Engine().docker(memberVolumeRun(project, member, version, "df", ["-Pk", "/data"]), {
    reject: false,
    timeoutMs: 60_000,
  });
  return parseDf(r.stdout)?.freeKb ?? 0;
}

/**
 * Close the WAL segment in use and name the one to wait for in the archive: the segment of the last byte before the
 * position pg_switch_wal returns. With no WAL written since the last switch (as right after a backup) it switches
 * nothing and returns the start of the open segment, which is archived only once it fills (the restore waited out
 * its minute for it); one byte back is the segment that switch closed.
 */
export const SWITCH_WAL_SQL = "SELECT pg_walfile_name(pg_switch_wal() - 1)";

/** Switch the archive to a new WAL segment on the leader and wait (up to a minute) until it is in the repository. */
async function flushArchive(stack: Stack, leader: string): Promise<boolean> {
  const psql = (sql: string) =>
    psqlOnLeader(stack, { database: "postgres", rows: true, command: sql, leader, timeoutMs: 30_000 });
  const wal = (await psql(SWITCH_WAL_SQL)).stdout.trim();
  if (!wal) return false;
  const archived = async () =>
    (await psql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")).stdout.trim() >= wal || undefined;
  return (await poll(archived, { timeoutMs: 60_000 })) ?? false;
}

/**
 * Shut a checked copy down cleanly and put the history file of the timeline it started into the repository, so the
 * archive's timelines stay contiguous and a later promotion (Patroni's, or a failover's) picks one never used before.
 * An abandoned copy archives nothing.
 */
async function finishCopy(copy: RestoredCopy, member: string, dir: string, s3?: S3Config): Promise<void> {
  const { paths, project } = copy;
  const version = copy.spec.version;
  // Recovery settings must not follow the data into the cluster (a replica would stop at the target).
  const reset = await copy.psql("ALTER SYSTEM RESET ALL; CHECKPOINT;");
  if (reset.code !== 0) throw new UserError(`could not prepare the restored copy: ${lastError(reset.out)}`);
  // PostgreSQL shuts down cleanly, with a checkpoint, and exits 0.
  const exit = await copy.stop();
  if (exit !== "0")
    throw new UserError(`the restored copy did not shut down cleanly (exit ${exit}); production is untouched`);
  // Into every repository: a later recovery from S3 must be able to follow the new timeline too.
  const push = await new Engine().docker(historyPushRun(paths, project, member, version, dir, s3), {
    reject: false,
    timeoutMs: 120_000,
  });
  if (push.exitCode !== 0)
    throw new UserError(
      `could not archive the restored copy's timeline: ${lastError(`${push.stdout}\n${push.stderr}`) || push.stderr.trim().split("\n").pop() || `exit ${push.exitCode}`}; production is untouched`,
    );
}

/**
 * `docker run` of the image's `stevie-push-history DIR` (compose/images/postgres/push-history.sh): the history file of
 * the newest timeline in data directory DIR of MEMBER's volume (at /data) into the local repository, and into the S3
 * one when `s3` is given. Pure.
 */
export function historyPushRun(
  paths: StackPaths,
  project: string,
  member: string,
  version: string,
  dir: string,
  s3?: S3Config,
): string[] {
  return repositoryRun(paths, project, version, "stevie-push-history", [dir], {
    writable: true,
    volumes: [`${project}_${member}-data:/data`],
    s3,
  });
}

/** Takes a backup and returns its label (the command layer adds the stack snapshot). */
export type TakeBackup = (type: "full" | "incr") => Promise<string | undefined>;

export interface RestoreOptions extends RestoreTarget {
  latest?: boolean;
  version: string;
  /** The stack's S3 repository (backup.s3), if it has one. */
  s3?: S3Config;
  /** Restore from it rather than from the local volume. */
  fromS3?: boolean;
  members: string[];
  backup: TakeBackup;
  log?: (line: string) => void;
}

export async function restore(stack: Stack, opts: RestoreOptions): Promise<RestoreResult> {
  const { paths, project } = stack;
  const log = opts.log ?? (() => undefined);
  const began = Date.now();
  const warnings: string[] = [];
  const refusal = restoreRefusal(await readRestoreState(paths), "restore");
  if (refusal) throw refusal;
  checkTargetCount(opts);
  if (opts.fromS3 && !opts.s3)
    throw new UserError(
      "--repo s3: this stack has no S3 repository",
      "add backup.s3 to stevie.yaml (see `stevie-stack config example`) and run install",
    );
  const fromS3 = opts.fromS3 ? opts.s3 : undefined;
  const sets = (await listBackups(stack, opts.version, opts.s3)).filter((b) => b.repo === (fromS3 ? "s3" : "local"));
  checkTarget(sets, opts);
  const members = opts.members;
  const first = members[0]!;
  await checkRoom(project, first, opts.version, sets.at(-1)!);

  // 1. The snapshot of what is about to be replaced, and everything committed so far into the repository.
  const before = await snapshotBefore(stack, opts, log, warnings);
  const timeline = await liveTimeline(stack, members, opts.version);

  // 2. The new cluster, beside production.
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
  const state: RestoreState = {
    stamp,
    at: new Date().toISOString(),
    target: {
      ...(opts.latest ? { latest: true } : {}),
      ...(opts.set ? { set: opts.set } : {}),
      ...(opts.time ? { time: opts.time } : {}),
    },
    members,
    phase: "preparing",
  };
  await writeState(paths, state);
  const restored = await prepareCopy(stack, opts, { stamp, fromS3, timeline, source: before.source }, log);

  // 3. The switch. From here on the old data is kept aside in every member's volume under pre-restore-<stamp>.
  const seconds = await switchToCopy(stack, opts.version, state, log, warnings);

  // 4. A full backup on the new timeline.
  let postBackup: string | undefined;
  try {
    postBackup = await opts.backup("full");
  } catch (e) {
    warnings.push(`the backup after the restore failed: ${(e as Error).message}; run \`stevie-stack backup\``);
  }
  return {
    stamp,
    ...(before.snapshot ? { snapshot: before.snapshot } : {}),
    target: state.target,
    restored,
    leader: first,
    downtimeSeconds: seconds,
    totalSeconds: (Date.now() - began) / 1000,
    ...(postBackup ? { postBackup } : {}),
    warnings,
  };
}

const writeState = (paths: StackPaths, state: RestoreState) =>
  writeAtomic(statePath(paths), `${JSON.stringify(state, null, 2)}\n`);

/** Room for the restored copy beside production (which must never run out of disk for its WAL). */
async function checkRoom(project: string, member: string, version: string, newest: BackupSet): Promise<void> {
  const needKb = Math.ceil((newest.sizeBytes * 1.3) / 1024) + 512 * 1024;
  const haveKb = await freeKb(project, member, version);
  if (haveKb < needKb)
    throw new UserError(
      `not enough disk for the restored copy: ${(haveKb / 1024).toFixed(0)} MB free, about ${(needKb / 1024).toFixed(0)} MB needed`,
      "free space on the host (the old data is also kept until `restore confirm`)",
    );
}

/** An incremental backup of the running cluster, its WAL flushed to the repository, and its facts to compare with. */
async function snapshotBefore(
  stack: Stack,
  opts: RestoreOptions,
  log: (l: string) => void,
  warnings: string[],
): Promise<{ snapshot?: string; source?: DbFacts }> {
  const leaderNow = await leaderOf(stack, { postgres: opts.members }).catch(() => undefined);
  if (!leaderNow) {
    warnings.push("no snapshot before the restore: the cluster has no leader (its data is still kept aside)");
    return {};
  }
  log("taking a snapshot of the current cluster (incremental backup) first");
  const snapshot = await opts.backup("incr");
  if (!(await flushArchive(stack, leaderNow)))
    warnings.push(
      "the newest WAL did not reach the repository within a minute: the last moments before the restore may be only in the kept data",
    );
  const source = await productionFacts(stack).catch((e: Error) => {
    warnings.push(`production could not be read for the comparison (${e.message}); the copy was checked on its own`);
    return undefined;
  });
  return { ...(snapshot ? { snapshot } : {}), ...(source ? { source } : {}) };
}

/**
 * The restored copy in restore-STAMP on the first member's volume, started alone, checked against production and
 * finished; when anything fails it is removed and production is untouched.
 */
async function prepareCopy(
  stack: Stack,
  opts: RestoreOptions,
  at: { stamp: string; fromS3?: S3Config; timeline?: number; source?: DbFacts },
  log: (l: string) => void,
): Promise<DbFacts> {
  const { paths, project } = stack;
  const first = opts.members[0]!;
  const dir = `restore-${at.stamp}`;
  const container = `${project}-restore-${at.stamp}`;
  const { fromS3, timeline } = at;
  log(
    `restoring ${opts.time ? `to ${opts.time}` : opts.set ? `backup ${opts.set}` : "the newest backup and all archived WAL"} from the ${fromS3 ? "S3" : "local"} repository into ${first}:${dir} (${fromS3 ? "on the egress network, no local repository" : "no network"}${timeline ? `, timeline ${timeline}` : ""})`,
  );
  let restored: DbFacts | undefined;
  const copy = new RestoredCopy(project, paths, {
    container,
    version: opts.version,
    ...(fromS3 ? { s3: fromS3 } : {}),
    set: opts.set,
    time: opts.time,
    immediate: Boolean(opts.set),
    ...(timeline && !opts.set ? { timeline } : {}),
    mounts: [`${project}_${first}-data:${MOUNT}`],
    env: { PGDATA: `${MOUNT}/${dir}` },
  });
  try {
    const failures = await copy.start();
    if (!failures.length) {
      const q = await copy.facts();
      if (q.failure) failures.push(q.failure);
      else {
        restored = q.facts!;
        // Checked against production's catalogue only for --latest (a point in the past may predate an import).
        failures.push(...compareFacts(at.source ?? restored, restored, !opts.latest || !at.source));
      }
    }
    if (failures.length)
      throw new UserError(`the restored copy failed its checks; production is untouched:\n  ${failures.join("\n  ")}`);
    await finishCopy(copy, first, dir, opts.s3);
  } catch (err) {
    await copy.remove();
    await onVolume(project, first, opts.version, ["drop", dir]).catch(() => undefined);
    await rm(statePath(paths), { force: true });
    throw err;
  }
  await copy.remove();
  return restored!;
}

/**
 * Every member's data moves aside to pre-restore-STAMP, the restored copy becomes the first member's, the others
 * clone it; the database roles take the current passwords. Returns the seconds writes were down.
 */
async function switchToCopy(
  stack: Stack,
  version: string,
  state: RestoreState,
  log: (l: string) => void,
  warnings: string[],
): Promise<number> {
  const { paths } = stack;
  const { members, stamp } = state;
  const first = members[0]!;
  const dir = `restore-${stamp}`;
  const aside = `pre-restore-${stamp}`;
  const previousLeader = await leaderOf(stack, { postgres: members }).catch(() => undefined);
  const leader = previousLeader ? { previousLeader } : {};
  await writeState(paths, { ...state, phase: "switching", ...leader });
  const steps = Object.fromEntries(
    members.map((m) => [m, ["set-aside", aside, ...(m === first ? ["adopt", dir] : ["drop", DATA])]]),
  );
  const sw = await switchData(stack, version, members, first, steps, log, previousLeader);
  if (sw.warning) warnings.push(sw.warning);
  await writeState(paths, { ...state, phase: "switched", ...leader, switchedAt: new Date().toISOString() });
  log(`the restored cluster leads, ${sw.seconds.toFixed(1)} s after the switch began`);
  // Data from before a rotate-secrets knows the old passwords: the roles take the current ones (and an old one stops working).
  await syncDbRoles(stack, "if-idle").catch((e: Error) =>
    warnings.push(`${e.message}; run \`stevie-stack install\` to set the database roles`),
  );
  return sw.seconds;
}

/** Exactly one of --latest, --set, --time. */
export function checkTargetCount(t: RestoreTarget & { latest?: boolean }): void {
  if ([t.latest, t.set, t.time].filter(Boolean).length !== 1)
    throw new UserError("say what to restore: exactly one of --latest, --set ID or --time ISO8601");
}

/** The restore that COMMAND acts on, or why there is none it may act on (restoreRefusal). */
async function pendingRestore(paths: StackPaths, command: "confirm" | "rollback"): Promise<RestoreState> {
  const s = await readRestoreState(paths);
  const refusal = restoreRefusal(s, command);
  if (refusal || !s) throw refusal;
  return s;
}

/** Delete the data kept from before the restore. */
export async function confirmRestore(stack: Stack, version: string): Promise<RestoreState> {
  const { paths, project } = stack;
  const s = await pendingRestore(paths, "confirm");
  for (const m of s.members) await onVolume(project, m, version, ["drop", `pre-restore-${s.stamp}`]);
  await rm(statePath(paths), { force: true });
  return s;
}

/** Where MEMBER's data from before the restore is: set aside, or (interrupted before the data moved) still pgdata. */
async function keptDataDir(project: string, member: string, version: string, aside: string): Promise<string> {
  return (await onVolume(project, member, version, ["has", aside])) === "yes" ? aside : DATA;
}

/**
 * Switch back to the data from before the restore: the previous leader's data returns to its member, which leads;
 * the other members clone it again. Writes to the restored cluster since are dropped, after a snapshot of them
 * (refused when that snapshot fails while the restored cluster runs). Also finishes a restore interrupted mid-switch.
 */
export async function rollbackRestore(
  stack: Stack,
  version: string,
  backup: TakeBackup,
  log: (l: string) => void = () => undefined,
): Promise<{ state: RestoreState; snapshot?: string; leader: string; warnings: string[] }> {
  const { paths, project } = stack;
  const s = await pendingRestore(paths, "rollback");
  const warnings: string[] = [];
  const first = s.previousLeader ?? s.members[0]!;
  const running = await leaderOf(stack, { postgres: s.members }).catch(() => undefined);
  let snapshot: string | undefined;
  if (running) {
    snapshot = await backup("incr").catch((e: Error) => {
      throw new UserError(
        `the snapshot of the restored cluster failed, so nothing was rolled back: ${e.message}`,
        "fix the backup (see `stevie-stack backup`) and run `restore rollback` again",
      );
    });
  }
  const aside = `pre-restore-${s.stamp}`;
  const kept = await keptDataDir(project, first, version, aside);
  // The kept data is promoted once on its own, beside production, so it starts a timeline the archive never had.
  const container = `${project}-rollback-${s.stamp}`;
  log(`preparing the data kept in ${first}:${kept}`);
  if (!running) {
    // Nothing runs: stop what may be half-started so the kept data can be opened alone.
    await stack.compose(["stop", "-t", "60", ...s.members], { reject: false });
  }
  const copy = new RestoredCopy(project, paths, {
    container,
    version,
    mounts: [`${project}_${first}-data:${MOUNT}`],
    env: { PGDATA: `${MOUNT}/${kept}`, PROMOTE_EXISTING: "1" },
  });
  try {
    const failures = await copy.start();
    if (failures.length)
      throw new UserError(
        `the kept data does not start: ${failures.join("; ")}`,
        running ? "the restored cluster keeps running" : "the kept data is untouched; see `stevie-stack logs`",
      );
    await finishCopy(copy, first, kept);
  } finally {
    await copy.remove();
  }
  await writeAtomic(statePath(paths), `${JSON.stringify({ ...s, phase: "switching" }, null, 2)}\n`);
  const steps = Object.fromEntries(
    s.members.map((m) => [m, m === first ? ["adopt", aside] : ["drop", DATA, "drop", aside]]),
  );
  const sw = await switchData(stack, version, s.members, first, steps, log, running);
  if (sw.warning) warnings.push(sw.warning);
  await rm(statePath(paths), { force: true });
  await syncDbRoles(stack, "if-idle").catch((e: Error) =>
    warnings.push(`${e.message}; run \`stevie-stack install\` to set the database roles`),
  );
  // A full backup on the timeline the stack now runs on.
  await backup("full").catch((e: Error) =>
    warnings.push(`the backup after the rollback failed: ${e.message}; run \`stevie-stack backup\``),
  );
  return { state: s, ...(snapshot ? { snapshot } : {}), leader: first, warnings };
}
