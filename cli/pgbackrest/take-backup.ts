import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { packageVersion } from "../package-root.js";
import { backupNow, listBackups } from "./backup.js";
import { redisTopology } from "../stack/cluster.js";
import { stackTopology } from "../stack/load.js";
import type { StackPaths } from "../stack/paths.js";
import { Stack } from "../stack/handle.js";
import type { RepoName } from "../stack/s3.js";
import { snapshotStack } from "./snapshot.js";

/** Which backup repositories a command uses, and a backup with the stack's snapshot (backup, restore, upgrade). */

/** The stack's repositories: the local volume, and S3 with backup.s3. */
export const configuredRepos = (config: StevieConfig): RepoName[] => (config.backup.s3 ? ["local", "s3"] : ["local"]);

/** `--repo local|s3|all` as the repositories to use; s3 only where configured. */
export function pickRepos(config: StevieConfig, repo: string | undefined): RepoName[] {
  if (repo === undefined || repo === "all") return configuredRepos(config);
  if (repo !== "local" && repo !== "s3")
    throw new UserError(`--repo ${repo} is not a repository`, "use local, s3 or all");
  if (repo === "s3" && !config.backup.s3)
    throw new UserError(
      "--repo s3: this stack has no S3 repository",
      "add backup.s3 to stevie.yaml (see `stevie-stack config example`) and run install",
    );
  return [repo];
}

/** The one repository a drill or a restore reads: the S3 settings when it is S3, else undefined (the local volume). */
export function sourceRepo(config: StevieConfig, repo: string | undefined): StevieConfig["backup"]["s3"] {
  if (repo === "all") throw new UserError("a drill or a restore reads one repository", "use --repo local or --repo s3");
  return pickRepos(config, repo ?? "local")[0] === "s3" ? config.backup.s3 : undefined;
}
/**
 * A database backup, then the stack snapshot stored beside it (stack directory + Redis dump, encrypted). A snapshot
 * that fails does not undo the database backup: it is reported as a warning.
 */
export async function backupWithSnapshot(
  paths: StackPaths,
  config: StevieConfig,
  type: "full" | "diff" | "incr",
  onLine?: (l: string) => void,
  repos: RepoName[] = configuredRepos(config),
) {
  const stack = new Stack(paths, config.projectName);
  const r = await backupNow(stack, type, onLine, repos);
  let snapshot: { bytes: number; redis: boolean } | undefined;
  let warning: string | undefined;
  if (r.set) {
    const master = await redisTopology(stack, await stackTopology(config)).then(
      (t) => t.master,
      () => undefined,
    );
    // The sets the backup just listed; read again (and fail loudly) if it could not: an empty list would prune every snapshot.
    const keep = (r.all.length ? r.all : await listBackups(stack)).map((s) => s.label);
    snapshot = await snapshotStack(stack, packageVersion(), r.set.label, keep, master).catch((e: Error) => {
      warning = `the stack snapshot failed: ${e.message}`;
      return undefined;
    });
    if (snapshot && !snapshot.redis) warning = "the stack snapshot has no Redis dump: Redis did not answer";
  }
  return { ...r, ...(snapshot ? { snapshot } : {}), ...(warning ? { warning } : {}) };
}
