import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { poll } from "../wait.js";
import { packageRoot } from "../package-root.js";
import type { StackPaths } from "../stack/paths.js";
import { REPO_KEY, s3RunArgs, type S3Config } from "../stack/s3.js";
import { imageRef } from "../stack/services/common.js";
import { BACKUP_VOLUME, ONE_OFF } from "../stack/services/postgres.js";
import { psqlArgv } from "../stack/psql.js";
import { psqlOnLeader } from "../stack/cluster.js";
import { Engine } from "../stack/handle.js";
import { type DbFacts, type RestoreTarget, lastError } from "./parse.js";

/** A restored copy: a backup restored into a container of its own beside production, started alone and asked for its facts. */

/** One psql statement returning every fact as JSON (the same file the image's scheduled drill runs). */
export const factsSql = (): string =>
  readFileSync(join(packageRoot(), "compose", "images", "postgres", "facts.sql"), "utf8");

function parseFacts(out: string): DbFacts {
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no facts in psql output: ${out.slice(0, 200)}`);
  return JSON.parse(line) as DbFacts;
}

export async function psqlIn(container: string, sql: string): Promise<{ code: number; out: string }> {
  const r = await new Engine().docker(
    ["exec", "-i", "-u", "postgres", container, ...psqlArgv({ database: "stevie", rows: true })],
    { input: sql, reject: false, timeoutMs: 120_000 },
  );
  return { code: r.exitCode ?? 1, out: `${r.stdout}\n${r.stderr}` };
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
