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
import { Engine, Stack } from "../stack/handle.js";
import { PROJECT_LABEL } from "../labels.js";
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
 * `docker run` for a copy that restores the repository and runs PostgreSQL on the result (the image's `drill`
 * entrypoint). With no network and the local repository read-only; from S3, on the egress network with no local
 * repository in view. Pure.
 */
export function copyRunArgs(project: string, paths: StackPaths, spec: CopySpec): string[] {
  const repository = spec.s3
    ? [...s3RunArgs(paths, project, spec.s3, true), "-e", `DRILL_REPO=${REPO_KEY.s3}`]
    : ["--network", "none", "-v", `${project}_${BACKUP_VOLUME}:/var/lib/pgbackrest:ro`];
  return [
    "run",
    "-d",
    ...ONE_OFF,
    "--name",
    spec.container,
    "--label",
    `${PROJECT_LABEL}=${project}`,
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
}

/**
 * A backup restored into a container of its own beside production: `start` it (and wait until recovery has finished
 * and it answers), ask its `facts`, run `psql` in it, `stop` it cleanly, `remove` it. A drill throws it away; a
 * restore finishes it first (restore.ts finishCopy) and moves its data into the cluster.
 */
export class RestoredCopy {
  constructor(
    readonly project: string,
    readonly paths: StackPaths,
    readonly spec: CopySpec,
    private readonly engine: Engine = new Engine(),
  ) {}

  get container(): string {
    return this.spec.container;
  }

  /** Why it failed to come up (empty: it is up, recovered, answering). */
  async start(): Promise<string[]> {
    const started = await this.engine.docker(copyRunArgs(this.project, this.paths, this.spec), {
      reject: false,
      timeoutMs: 120_000,
    });
    if (started.exitCode !== 0) throw new UserError(`could not start the restore container: ${started.stderr.trim()}`);
    return (
      (await poll(() => this.recovered(), { timeoutMs: 30 * 60_000 })) ?? [
        "the restored copy did not finish recovery within 30 minutes",
      ]
    );
  }

  /** Done (no failure), failed (why), or still recovering (undefined). */
  private async recovered(): Promise<string[] | undefined> {
    const state = await this.engine.docker(["inspect", "-f", "{{.State.Running}}", this.container], { reject: false });
    if (state.stdout.trim() !== "true") {
      const logs = await this.engine.docker(["logs", "--tail", "30", this.container], { reject: false });
      const text = `${logs.stdout}\n${logs.stderr}`;
      return [
        /recovery ended before configured recovery target/.test(text)
          ? "restore failed: nothing was committed after --time in the archived WAL yet (WAL reaches the repository within a minute): choose an earlier time or try again shortly"
          : `restore failed: ${lastError(text) || "the restored server stopped"}`,
      ];
    }
    const q = await this.psql("SELECT pg_is_in_recovery();");
    return q.code === 0 && q.out.trim().startsWith("f") ? [] : undefined;
  }

  /** SQL in the copy's database, as postgres. */
  async psql(sql: string): Promise<{ code: number; out: string }> {
    const r = await this.engine.docker(
      ["exec", "-i", "-u", "postgres", this.container, ...psqlArgv({ database: "stevie", rows: true })],
      { input: sql, reject: false, timeoutMs: 120_000 },
    );
    return { code: r.exitCode ?? 1, out: `${r.stdout}\n${r.stderr}` };
  }

  /** Its facts, or why it cannot give them. */
  async facts(): Promise<{ facts?: DbFacts; failure?: string }> {
    const q = await this.psql(factsSql());
    return q.code !== 0
      ? { failure: `the restored copy does not answer: ${lastError(q.out)}` }
      : { facts: parseFacts(q.out) };
  }

  /** SIGTERM, so PostgreSQL (its first process) shuts down cleanly with a checkpoint; its exit code. */
  async stop(): Promise<string> {
    await this.engine.docker(["stop", "-t", "300", this.container], { reject: false, timeoutMs: 330_000 });
    const exit = await this.engine.docker(["inspect", "-f", "{{.State.ExitCode}}", this.container], { reject: false });
    return exit.stdout.trim();
  }

  async remove(): Promise<void> {
    await this.engine.docker(["rm", "-f", "-v", this.container], { reject: false });
  }
}

/** Production's facts, read on the leader. */
export async function productionFacts(stack: Stack): Promise<DbFacts> {
  const src = await psqlOnLeader(stack, {
    database: "stevie",
    rows: true,
    input: factsSql(),
    timeoutMs: 120_000,
  });
  if (src.exitCode !== 0)
    throw new UserError(`could not read production for comparison: ${lastError(`${src.stdout}\n${src.stderr}`)}`);
  return parseFacts(src.stdout);
}
