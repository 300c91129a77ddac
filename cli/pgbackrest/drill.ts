import { writeAtomic } from "../stack/files.js";
import { type RepoName, type S3Config } from "../stack/s3.js";
import { type DbFacts, type DrillRecord, checkTarget, compareFacts } from "./parse.js";
import { RestoredCopy, productionFacts } from "./copy.js";
import { listBackups } from "./backup.js";
import { drillLog, readDrills } from "./drill-records.js";
import { Stack } from "../stack/handle.js";

/** Restore drills: a backup restored into a throwaway container and checked against production; their records. */

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

export async function drill(stack: Stack, opts: DrillOptions): Promise<DrillResult> {
  const { paths, project } = stack;
  const log = opts.log ?? (() => undefined);
  const repo: RepoName = opts.s3 ? "s3" : "local";
  const sets = (await listBackups(stack)).filter((b) => b.repo === repo);
  checkTarget(sets, opts);
  const started = Date.now();
  const source = await productionFacts(stack);

  const container = `${project}-drill-${Date.now()}`;
  const set = opts.set ?? (opts.time ? undefined : sets.at(-1)!.label);
  log(
    `restoring ${opts.time ? `to ${opts.time}` : `backup ${set} and the archived WAL after it`} from the ${repo} repository into ${container} (${opts.s3 ? "on the egress network, no local repository" : "no network"})`,
  );
  const failures: string[] = [];
  let restored: DbFacts | undefined;
  const copy = new RestoredCopy(project, paths, {
    container,
    version: opts.version,
    set,
    time: opts.time,
    ...(opts.s3 ? { s3: opts.s3 } : {}),
    ...(source.timeline ? { timeline: source.timeline } : {}),
  });
  try {
    failures.push(...(await copy.start()));
    if (!failures.length) {
      const q = await copy.facts();
      if (q.failure) failures.push(q.failure);
      else {
        restored = q.facts!;
        failures.push(...compareFacts(source, restored, Boolean(opts.time)));
      }
    }
  } finally {
    if (!opts.keep) await copy.remove();
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
