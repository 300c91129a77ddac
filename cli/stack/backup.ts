import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { poll, sleep } from "../wait.js";
import { packageRoot } from "../package-root.js";
import { readIfExists, writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { REPO_KEY, repoName, s3RunArgs, type RepoName, type S3Config } from "./s3.js";
import { imageRef } from "./services/common.js";
import { BACKUP_VOLUME, ONE_OFF } from "./services/postgres.js";
import { psqlArgv } from "./psql.js";
import { inLeader, leaderService, psqlOnLeader } from "./cluster.js";
import { Engine } from "./handle.js";

/**
 * Backups with pgBackRest (repository on the stack's `backups` volume, aes-256-cbc; optionally a second one on S3,
 * see s3.ts) and restore drills that prove
 * them: the newest backup (or a point in time) is restored into a throwaway container with no network, and compared
 * with production: migration, row counts, pgvector version, index validity, and the same nearest-neighbour answers.
 */
export const STANZA = "stevie";

export interface BackupSet {
  label: string;
  /** The repository holding it: the local volume or S3. */
  repo: RepoName;
  type: "full" | "diff" | "incr";
  start: string;
  stop: string;
  sizeBytes: number;
  repoBytes: number;
  walStart?: string;
  walStop?: string;
  /** pgBackRest found a page checksum error while copying. */
  error: boolean;
  /** When a drill last restored and verified this set. */
  verified?: string;
  /** The stack directory and a Redis dump were stored with it (backups taken by the CLI). */
  stackSnapshot?: boolean;
}

interface InfoJson {
  name: string;
  status: { code: number; message: string };
  backup: {
    label: string;
    type: "full" | "diff" | "incr";
    timestamp: { start: number; stop: number };
    info: { size: number; repository: { delta: number; size: number } };
    archive: { start?: string; stop?: string };
    database: { "repo-key": number };
    error?: boolean;
  }[];
}

const iso = (unix: number) => new Date(unix * 1000).toISOString();

/** pgBackRest's `info --output=json`, as our backup list, oldest first over every repository. Pure. */
export function parseInfo(json: string, verified: Record<string, string> = {}): BackupSet[] {
  const stanzas = JSON.parse(json) as InfoJson[];
  const s = stanzas.find((x) => x.name === STANZA);
  if (!s) return [];
  const sets = s.backup.map((b) => ({
    label: b.label,
    repo: repoName(b.database["repo-key"]),
    type: b.type,
    start: iso(b.timestamp.start),
    stop: iso(b.timestamp.stop),
    sizeBytes: b.info.size,
    repoBytes: b.info.repository.delta,
    walStart: b.archive.start,
    walStop: b.archive.stop,
    error: Boolean(b.error),
    ...(verified[b.label] ? { verified: verified[b.label] } : {}),
  }));
  return sets.sort((a, b) => a.stop.localeCompare(b.stop) || a.label.localeCompare(b.label));
}

export const lastError = (out: string) =>
  out
    .split("\n")
    .filter((l) => /ERROR|FATAL|error:/i.test(l))
    .slice(-2)
    .join(" ")
    .replace(/^.*?ERROR: /, "")
    .trim();

function drillLog(paths: StackPaths): string {
  return join(paths.state, "drills.json");
}

export interface DrillRecord {
  at: string;
  set?: string;
  target?: string;
  pass: boolean;
  rtoSeconds: number;
  rpoSeconds?: number;
  failures: string[];
  /** Run by the stack itself (on a replica, on a schedule) rather than by `stevie-stack drill`. */
  scheduled?: boolean;
  /** Restored from S3 alone (absent: the local repository). */
  repo?: RepoName;
}

export async function readDrills(paths: StackPaths): Promise<DrillRecord[]> {
  const text = await readIfExists(drillLog(paths));
  return text ? (JSON.parse(text) as DrillRecord[]) : [];
}

/** What the image's scheduled drill (stevie-scheduled-drill) writes to the repository's drills/ directory. */
export interface ScheduledDrillFile {
  at: string;
  set: string;
  rtoSeconds: number;
  /** The facts of the replica that ran it, read when the drill began. */
  source: DbFacts | null;
  restored: DbFacts | null;
  error?: string;
}

/** Judge a scheduled drill with the same comparison as the CLI's drill. Pure. */
export function judgeScheduled(f: ScheduledDrillFile): DrillRecord {
  const failures = f.error
    ? [f.error]
    : !f.source
      ? ["the replica's own facts could not be read for the comparison"]
      : !f.restored
        ? ["the restored copy gave no facts"]
        : compareFacts(f.source, f.restored, false);
  // RPO: how far the copy's newest audit entry is behind the replica's when the drill began (0: nothing missing).
  const rpoSeconds =
    !f.source?.newest || !f.restored?.newest
      ? undefined
      : Math.max(0, (Date.parse(f.source.newest) - Date.parse(f.restored.newest)) / 1000);
  return {
    at: f.at,
    set: f.set,
    scheduled: true,
    pass: failures.length === 0,
    rtoSeconds: f.rtoSeconds,
    ...(rpoSeconds !== undefined ? { rpoSeconds } : {}),
    failures,
  };
}

/** The stack's own drills, judged; asked on the leader (none when there is no leader). */
export async function scheduledDrills(paths: StackPaths, project: string): Promise<DrillRecord[]> {
  const r = await inLeader(
    paths,
    project,
    ["sh", "-c", 'for f in /var/lib/pgbackrest/drills/*.json; do [ -f "$f" ] && cat "$f" && echo; done; true'],
    { timeoutMs: 60_000 },
  ).catch(() => undefined);
  if (!r || r.exitCode !== 0) return [];
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => judgeScheduled(JSON.parse(l) as ScheduledDrillFile));
}

/** Every drill, the CLI's and the stack's own, oldest first. */
export async function allDrills(paths: StackPaths, project: string): Promise<DrillRecord[]> {
  const [mine, theirs] = await Promise.all([readDrills(paths), scheduledDrills(paths, project)]);
  return [...mine, ...theirs].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * The backup sets of every repository. Asked on the leader; with `version` and no leader (the cluster is down: the
 * case a restore is for), asked in a one-off container that mounts the local repository read-only (and reaches the
 * S3 one when `s3` is given).
 */
export async function listBackups(
  paths: StackPaths,
  project: string,
  version?: string,
  s3?: S3Config,
): Promise<BackupSet[]> {
  const info = [
    "pgbackrest",
    `--stanza=${STANZA}`,
    "--output=json",
    "--log-level-console=off",
    "--log-level-stderr=warn",
    "info",
  ];
  const leader = version ? await leaderService(paths, project).catch(() => undefined) : "ask";
  const r = leader
    ? await inLeader(paths, project, info, { timeoutMs: 60_000 })
    : await new Engine().docker(
        [
          "run",
          "--rm",
          ...ONE_OFF,
          ...(s3 ? s3RunArgs(paths, project, s3, false) : ["--network", "none"]),
          "--tmpfs",
          "/tmp",
          "-v",
          `${project}_${BACKUP_VOLUME}:/var/lib/pgbackrest:ro`,
          "-v",
          `${join(paths.secrets, "pgbackrest_cipher")}:/run/secrets/pgbackrest_cipher:ro`,
          "-e",
          "BACKUP_CIPHER_FILE=/run/secrets/pgbackrest_cipher",
          "--entrypoint",
          "sh",
          imageRef("postgres", version!),
          "-c",
          `stevie-pgbackrest-conf && mkdir -p /tmp/pgbackrest && chown postgres /tmp/pgbackrest && exec setpriv --reuid=postgres --regid=postgres --init-groups -- ${info.join(" ")}`,
        ],
        { reject: false, timeoutMs: 120_000 },
      );
  if (r.exitCode !== 0)
    throw new UserError(
      `could not read the backup repository: ${lastError(`${r.stdout}\n${r.stderr}`) || `exit ${r.exitCode}`}`,
    );
  const verified: Record<string, string> = {};
  for (const d of leader ? await allDrills(paths, project) : await readDrills(paths))
    if (d.pass && d.set) verified[d.set] = d.at;
  return parseInfo(r.stdout, verified);
}

/**
 * The leader after a failed backup. A stopping leader is still listed as running (and as the leader) for a few
 * seconds, so give Patroni up to 30 s to elect another one before deciding the failure was not a failover.
 */
async function leaderAfterFailure(
  paths: StackPaths,
  project: string,
  leaderAtStart: string,
): Promise<string | undefined> {
  let now: string | undefined;
  const probe = async () => {
    now = await leaderService(paths, project).catch(() => undefined);
    return now !== leaderAtStart || undefined;
  };
  await poll(probe, { timeoutMs: 30_000, everyMs: 2_000 });
  return now;
}

/** Free and total space of the local repository's volume, as the members see it. */
export const REPO_SPACE_COMMAND = ["df", "-Pk", "/var/lib/pgbackrest"];
export interface RepoSpace {
  freeKb: number;
  totalKb: number;
}

/** The last line of `df -Pk`. Pure. */
export function parseDf(out: string): RepoSpace | undefined {
  const f = out.trim().split("\n").at(-1)?.trim().split(/\s+/) ?? [];
  const [totalKb, freeKb] = [Number(f[1]), Number(f[3])];
  return Number.isFinite(totalKb) && Number.isFinite(freeKb) && totalKb > 0 ? { freeKb, totalKb } : undefined;
}

/**
 * Why a backup failed, in words an operator can act on. A full volume rarely shows as ENOSPC in the backup's own
 * error: WAL archiving fails first, and the backup then times out waiting for a segment. So the volume's free
 * space is the judge (under 64 MB or 1 % left), with pgBackRest's own words kept. Pure.
 */
export function backupFailure(
  why: string,
  repo: RepoName,
  where: string,
  space?: RepoSpace,
): { full: boolean; message: string; hint: string } {
  const full =
    repo === "local" &&
    (/no space left|ENOSPC/i.test(why) ||
      (space !== undefined && (space.freeKb < 64 * 1024 || space.freeKb < space.totalKb / 100)));
  if (full) {
    const left = space
      ? ` (${(space.freeKb / 1024).toFixed(0)} MB free of ${(space.totalKb / 1024).toFixed(0)} MB)`
      : "";
    return {
      full,
      message: `backup failed${where}: the backup volume is full${left}; pgBackRest said: ${why}`,
      hint: "free space on the volume or lower backup.retentionDays; existing backups are untouched, and WAL archiving resumes once there is room",
    };
  }
  return {
    full,
    message: `backup failed${where}: ${why}`,
    hint: "existing backups are untouched; fix the cause and run `stevie-stack backup` again",
  };
}

/**
 * A backup now, on the leader, into each of `repos` in turn (local first). The stanza is created first if this
 * cluster predates it (idempotent, and for every repository). `set` is the local one when there is one.
 */
export async function backupNow(
  paths: StackPaths,
  project: string,
  type: "full" | "diff" | "incr",
  onLine?: (l: string) => void,
  repos: RepoName[] = ["local"],
): Promise<{ set?: BackupSet; sets: BackupSet[]; all: BackupSet[]; seconds: number }> {
  const started = Date.now();
  // Every step runs on the leader found once here; if it changes meanwhile, the step fails and says so (below).
  const leader = await leaderService(paths, project).catch(() => undefined);
  const stanza = await inLeader(paths, project, ["pgbackrest", `--stanza=${STANZA}`, "stanza-create"], {
    timeoutMs: 120_000,
    leader,
  });
  if (stanza.exitCode !== 0)
    throw new UserError(
      `the backup repository is not usable: ${lastError(`${stanza.stdout}\n${stanza.stderr}`)}`,
      "check `stevie-stack status`, the space left on the backup volume and, with backup.s3, that the S3 service answers",
    );
  // The sets before, read once (without the drill records listBackups adds): what is new afterwards was made here.
  const setsNow = async () => {
    const r = await inLeader(
      paths,
      project,
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
    let r = await inLeader(paths, project, args, { onLine, leader });
    for (
      let waited = 0;
      r.exitCode !== 0 && /unable to acquire lock/i.test(`${r.stdout}\n${r.stderr}`) && waited < 30 * 60;
      waited += 10
    ) {
      onLine?.("another backup is running; waiting for it to finish");
      await sleep(10_000);
      r = await inLeader(paths, project, args, { onLine, leader });
    }
    if (r.exitCode !== 0) {
      const why = lastError(`${r.stdout}\n${r.stderr}`) || `pgBackRest exited with ${r.exitCode}`;
      const space =
        repo === "local"
          ? await inLeader(paths, project, REPO_SPACE_COMMAND, { timeoutMs: 30_000, leader }).then(
              (d) => parseDf(d.stdout),
              () => undefined,
            )
          : undefined;
      const where =
        repos.length > 1 || repo === "s3"
          ? ` (${repo} repository${done.length ? `; the ${done.join(" and ")} one succeeded` : ""})`
          : "";
      const failure = backupFailure(why, repo, where, space);
      const leaderNow = leader && !failure.full ? await leaderAfterFailure(paths, project, leader) : leader;
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
  await inLeader(paths, project, ["stevie-backup-metrics"], { timeoutMs: 60_000, leader }).catch(() => undefined);
  return { set: sets.find((b) => b.repo === "local") ?? sets[0], sets, all, seconds: (Date.now() - started) / 1000 };
}

/** What a drill compares between production and the restored copy. */
export interface DbFacts {
  migration: string | null;
  vector: string | null;
  invalidIndexes: string[];
  indexes: number;
  counts: Record<string, number>;
  topk: Record<string, number[]>;
  newest: string | null;
  /** Production only: when the newest WAL segment reached the repository. */
  archivedAt: string | null;
  /** The timeline the server writes (or, on a replica, receives). */
  timeline?: number | null;
}

/** One psql statement returning every fact as JSON (the same file the image's scheduled drill runs). */
export const factsSql = (): string =>
  readFileSync(join(packageRoot(), "compose", "images", "postgres", "facts.sql"), "utf8");

function parseFacts(out: string): DbFacts {
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no facts in psql output: ${out.slice(0, 200)}`);
  return JSON.parse(line) as DbFacts;
}

/** Tables whose content only an import changes: they must match exactly. Others may have moved on since the backup. */
const STATIC_TABLES = [
  "programs",
  "category_groups",
  "categories",
  "category_embeddings",
  "pgmigrations",
  "catalog_state",
];

/** Compare production with the restored copy. Pure; unit-tested. */
export function compareFacts(source: DbFacts, restored: DbFacts, pointInTime: boolean): string[] {
  const failures: string[] = [];
  if (restored.migration !== source.migration && !pointInTime)
    failures.push(`migration ${restored.migration ?? "none"} restored, production is at ${source.migration ?? "none"}`);
  // A point in time may predate a migration or an extension upgrade: it must only be whole and usable.
  if (pointInTime ? !restored.vector : restored.vector !== source.vector)
    failures.push(`pgvector ${restored.vector ?? "missing"} restored, production has ${source.vector ?? "none"}`);
  if (pointInTime && !restored.migration)
    failures.push("the restored copy has no migrations: it is not a stevie-stack database");
  if (restored.invalidIndexes.length)
    failures.push(`invalid indexes after restore: ${restored.invalidIndexes.join(", ")}`);
  if (restored.indexes !== source.indexes && !pointInTime)
    failures.push(`${restored.indexes} indexes restored, production has ${source.indexes}`);
  for (const t of Object.keys(source.counts)) {
    if (!(t in restored.counts)) {
      if (!pointInTime) failures.push(`table ${t} is missing from the restored copy`);
    } else if (!pointInTime && STATIC_TABLES.includes(t) && restored.counts[t] !== source.counts[t])
      failures.push(`${t}: ${restored.counts[t]} rows restored, production has ${source.counts[t]}`);
  }
  if (!pointInTime) {
    for (const [code, ids] of Object.entries(source.topk)) {
      if (JSON.stringify(restored.topk[code]) !== JSON.stringify(ids))
        failures.push(`nearest categories of ${code} differ after restore`);
    }
    if (Object.keys(source.topk).length === 0)
      failures.push("no reference recommendation queries could run in production (no embeddings?)");
  }
  return failures;
}

export interface DrillOptions {
  set?: string;
  time?: string;
  /** Restore from the S3 repository alone (the local volume is not mounted). */
  s3?: S3Config;
  /** Keep the restored container (for inspection); its name is in the result. */
  keep?: boolean;
  version: string;
  log?: (line: string) => void;
}

export interface DrillResult extends DrillRecord {
  container?: string;
  source: DbFacts;
  restored?: DbFacts;
}

export async function psqlIn(container: string, sql: string): Promise<{ code: number; out: string }> {
  const r = await new Engine().docker(
    ["exec", "-i", "-u", "postgres", container, ...psqlArgv({ database: "stevie", rows: true })],
    { input: sql, reject: false, timeoutMs: 120_000 },
  );
  return { code: r.exitCode ?? 1, out: `${r.stdout}\n${r.stderr}` };
}

/** What to restore: a set (default the newest), a point in time, or a set only up to its own end (`immediate`). */
export interface RestoreTarget {
  set?: string;
  /** ISO 8601: restore to this point in time instead of the end of the archive. */
  time?: string;
  /** Stop as soon as the set is consistent instead of replaying the WAL archived after it. */
  immediate?: boolean;
  /** Follow this timeline (production's) through the archive; default: the backup's own. */
  timeline?: number;
}

/** Refuse a target the repository cannot satisfy, before anything is started. */
export function checkTarget(sets: BackupSet[], t: RestoreTarget, now = Date.now()): void {
  if (t.time && Number.isNaN(Date.parse(t.time)))
    throw new UserError(`--time ${t.time} is not an ISO 8601 time`, "for example 2026-11-30T14:05:00Z");
  if (t.set && t.time) throw new UserError("--set and --time are exclusive", "--time picks the backup set itself");
  if (!sets.length)
    throw new UserError(
      "there is no backup yet",
      "run `stevie-stack backup` (the scheduler takes the first within minutes of install)",
    );
  if (t.set && !sets.some((s) => s.label === t.set))
    throw new UserError(`no backup set ${t.set}`, `sets: ${sets.map((s) => s.label).join(", ")}`);
  if (t.time && Date.parse(t.time) < Date.parse(sets[0]!.stop)) {
    throw new UserError(
      `--time ${t.time} is before the oldest backup (${sets[0]!.stop}) and cannot be recovered`,
      `choose a time between ${sets[0]!.stop} and now`,
    );
  }
  if (t.time && Date.parse(t.time) > now) throw new UserError(`--time ${t.time} is in the future`);
}

export interface CopySpec extends RestoreTarget {
  container: string;
  version: string;
  /** Restore from this S3 repository alone instead of the local volume. */
  s3?: S3Config;
  /** `-v` mounts besides the repository and the key, e.g. a member's data volume for a restore. */
  mounts?: string[];
  env?: Record<string, string>;
}

/**
 * Start a container that restores the repository and runs PostgreSQL on the result with no network, and wait until
 * recovery has finished and it answers queries. Returns why it failed (empty: the copy is up).
 */
export async function startRestoredCopy(project: string, paths: StackPaths, spec: CopySpec): Promise<string[]> {
  // From S3: on the egress network (it must reach the service), with no local repository in view.
  const repository = spec.s3
    ? [...s3RunArgs(paths, project, spec.s3, true), "-e", `DRILL_REPO=${REPO_KEY.s3}`]
    : ["--network", "none", "-v", `${project}_${BACKUP_VOLUME}:/var/lib/pgbackrest:ro`];
  const args = [
    "run",
    "-d",
    ...ONE_OFF,
    "--name",
    spec.container,
    "--label",
    `io.stevie-stack.project=${project}`,
    "--label",
    "io.stevie-stack.service=restored-copy",
    ...repository,
    "-v",
    `${join(paths.secrets, "pgbackrest_cipher")}:/run/secrets/pgbackrest_cipher:ro`,
    ...(spec.mounts ?? []).flatMap((m) => ["-v", m]),
    "-e",
    "BACKUP_CIPHER_FILE=/run/secrets/pgbackrest_cipher",
    ...Object.entries(spec.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    "--tmpfs",
    "/tmp",
    "--shm-size",
    "256m",
    ...(spec.set ? ["-e", `DRILL_SET=${spec.set}`] : []),
    ...(spec.time
      ? ["-e", `DRILL_TARGET_TIME=${new Date(spec.time).toISOString().replace("T", " ").replace("Z", "+00")}`]
      : []),
    ...(spec.immediate && !spec.time ? ["-e", "DRILL_IMMEDIATE=1"] : []),
    ...(spec.timeline ? ["-e", `DRILL_TIMELINE=${spec.timeline}`] : []),
    imageRef("postgres", spec.version),
    "drill",
  ];
  const started = await new Engine().docker(args, { reject: false, timeoutMs: 120_000 });
  if (started.exitCode !== 0) throw new UserError(`could not start the restore container: ${started.stderr.trim()}`);
  const recovered = async (): Promise<string[] | undefined> => {
    const state = await new Engine().docker(["inspect", "-f", "{{.State.Running}}", spec.container], { reject: false });
    if (state.stdout.trim() !== "true") {
      const logs = await new Engine().docker(["logs", "--tail", "30", spec.container], { reject: false });
      const text = `${logs.stdout}\n${logs.stderr}`;
      return [
        /recovery ended before configured recovery target/.test(text)
          ? "restore failed: nothing was committed after --time in the archived WAL yet (WAL reaches the repository within a minute): choose an earlier time or try again shortly"
          : `restore failed: ${lastError(text) || "the restored server stopped"}`,
      ];
    }
    const q = await psqlIn(spec.container, "SELECT pg_is_in_recovery();");
    return q.code === 0 && q.out.trim().startsWith("f") ? [] : undefined;
  };
  return (
    (await poll(recovered, { timeoutMs: 30 * 60_000 })) ?? [
      "the restored copy did not finish recovery within 30 minutes",
    ]
  );
}

/** Production's facts, read on the leader. */
export async function productionFacts(paths: StackPaths, project: string): Promise<DbFacts> {
  const src = await psqlOnLeader(paths, project, {
    database: "stevie",
    rows: true,
    input: factsSql(),
    timeoutMs: 120_000,
  });
  if (src.exitCode !== 0)
    throw new UserError(`could not read production for comparison: ${lastError(`${src.stdout}\n${src.stderr}`)}`);
  return parseFacts(src.stdout);
}

/** The restored copy's facts, or why it cannot give them. */
export async function copyFacts(container: string): Promise<{ facts?: DbFacts; failure?: string }> {
  const q = await psqlIn(container, factsSql());
  return q.code !== 0
    ? { failure: `the restored copy does not answer: ${lastError(q.out)}` }
    : { facts: parseFacts(q.out) };
}

export async function drill(paths: StackPaths, project: string, opts: DrillOptions): Promise<DrillResult> {
  const log = opts.log ?? (() => undefined);
  const repo: RepoName = opts.s3 ? "s3" : "local";
  const sets = (await listBackups(paths, project)).filter((b) => b.repo === repo);
  checkTarget(sets, opts);
  const started = Date.now();
  const source = await productionFacts(paths, project);

  const container = `${project}-drill-${Date.now()}`;
  const set = opts.set ?? (opts.time ? undefined : sets.at(-1)!.label);
  log(
    `restoring ${opts.time ? `to ${opts.time}` : `backup ${set} and the archived WAL after it`} from the ${repo} repository into ${container} (${opts.s3 ? "on the egress network, no local repository" : "no network"})`,
  );
  const failures: string[] = [];
  let restored: DbFacts | undefined;
  try {
    failures.push(
      ...(await startRestoredCopy(project, paths, {
        container,
        version: opts.version,
        set,
        time: opts.time,
        ...(opts.s3 ? { s3: opts.s3 } : {}),
        ...(source.timeline ? { timeline: source.timeline } : {}),
      })),
    );
    if (!failures.length) {
      const q = await copyFacts(container);
      if (q.failure) failures.push(q.failure);
      else {
        restored = q.facts!;
        failures.push(...compareFacts(source, restored, Boolean(opts.time)));
      }
    }
  } finally {
    if (!opts.keep) await new Engine().docker(["rm", "-f", "-v", container], { reject: false });
  }
  const rtoSeconds = (Date.now() - started) / 1000;
  // RPO: 0 when the copy has production's newest audit entry; otherwise the age of the newest archived WAL when the
  // drill began (everything committed before it was recovered; later commits were not yet in the repository).
  const missing = restored?.newest !== source.newest;
  const rpoSeconds =
    opts.time || !restored
      ? undefined
      : !missing
        ? 0
        : source.archivedAt
          ? Math.max(0, (started - Date.parse(source.archivedAt)) / 1000)
          : undefined;
  const record: DrillRecord = {
    at: new Date().toISOString(),
    ...(set ? { set } : {}),
    ...(opts.s3 ? { repo } : {}),
    ...(opts.time ? { target: opts.time } : {}),
    pass: failures.length === 0,
    rtoSeconds,
    ...(rpoSeconds !== undefined ? { rpoSeconds } : {}),
    failures,
  };
  const history = await readDrills(paths);
  await writeAtomic(drillLog(paths), `${JSON.stringify([...history, record].slice(-100), null, 2)}\n`);
  return { ...record, ...(opts.keep ? { container } : {}), source, ...(restored ? { restored } : {}) };
}
