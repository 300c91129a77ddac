import { UserError } from "../errors.js";
import { repoName, type RepoName } from "../stack/s3.js";

/** What pgBackRest and the databases report, read and judged: pure functions over their output. */

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

/** A restore's progress, as restore.ts keeps it in the stack's state directory (restore.json) at each phase. */
export interface RestoreState {
  stamp: string;
  at: string;
  target: RestoreTarget & { latest?: boolean };
  members: string[];
  /** `switching` from the moment the first member stops: from then on only `restore rollback` (or confirm) may act. */
  phase: "preparing" | "switching" | "switched";
  /** The leader when the switch began: rollback hands its data back to the same member. */
  previousLeader?: string;
  switchedAt?: string;
}

/**
 * Which command may act on a restore in each phase. `restore` starts unless one is pending (a `preparing` one stopped
 * before production changed, and is started over); `confirm` only once switched; `rollback` from the moment the
 * switch began. Undefined: go ahead; otherwise why not, and what to run. Pure.
 */
export function restoreRefusal(
  state: RestoreState | undefined,
  command: "restore" | "confirm" | "rollback",
): UserError | undefined {
  if (command === "restore") {
    if (state?.phase === "switched")
      return new UserError(
        `the data from before the restore of ${state.at} is still kept`,
        "run `stevie-stack restore confirm` (delete it) or `stevie-stack restore rollback` (switch back) first",
      );
    if (state?.phase === "switching")
      return new UserError(
        `the restore of ${state.at} was interrupted while switching`,
        "run `stevie-stack restore rollback`: it brings the cluster from before back",
      );
    return undefined;
  }
  if (!state || state.phase === "preparing") return new UserError("there is no restore waiting for confirmation");
  if (command === "confirm" && state.phase !== "switched")
    return new UserError(
      "the restore was interrupted while switching: there is nothing to confirm",
      "run `stevie-stack restore rollback`",
    );
  return undefined;
}
