import { chmod } from "node:fs/promises";
import { join } from "node:path";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { rewriteSecretFile } from "./credentials.js";
import { readCaFile, readIfExists, sha256, writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { registerSecret } from "../secret.js";

/**
 * The optional second pgBackRest repository on S3-compatible storage (`backup.s3`). pgBackRest numbers it 2; the
 * local volume is 1. The credentials live in secrets/ like every other secret; the CA of a private S3 service is
 * copied into tls/ so the stack directory stays self-contained.
 */
export type S3Config = NonNullable<StevieConfig["backup"]["s3"]>;
export type RepoName = "local" | "s3";
export const REPO_KEY: Record<RepoName, number> = { local: 1, s3: 2 };
export const repoName = (key: number): RepoName => (key === 2 ? "s3" : "local");

export const S3_SECRETS = ["s3_access_key", "s3_secret_key"] as const;
export const S3_CA_FILE = "s3-ca.crt";
export const S3_ENV = { keyId: "STEVIE_S3_ACCESS_KEY_ID", secret: "STEVIE_S3_SECRET_ACCESS_KEY" } as const;
/** The egress network: the members' route out to S3 (with `backup.s3`) and the migration job's to OpenAI (with a key). */
export const EGRESS_NETWORK = "egress";

/**
 * Write the credentials given in the environment to secrets/ (0600) and the private CA to tls/, or check that
 * earlier ones are there. Returns a short hash of what the members use, so a change recreates them. `write: false` (a
 * dry run): the same answer, nothing written.
 */
export async function ensureS3Access(
  paths: StackPaths,
  s3: S3Config | undefined,
  env: NodeJS.ProcessEnv = process.env,
  { write } = { write: true },
): Promise<{ changed: boolean; hash?: string }> {
  if (!s3) return { changed: false };
  const given = { keyId: env[S3_ENV.keyId]?.trim(), secret: env[S3_ENV.secret]?.trim() };
  if (Boolean(given.keyId) !== Boolean(given.secret))
    throw new UserError(
      `${given.keyId ? S3_ENV.secret : S3_ENV.keyId} is not set`,
      `backup.s3 needs both ${S3_ENV.keyId} and ${S3_ENV.secret}`,
    );
  let changed = false;
  const values: string[] = [];
  for (const [name, value] of [
    ["s3_access_key", given.keyId],
    ["s3_secret_key", given.secret],
  ] as const) {
    const file = join(paths.secrets, name);
    const old = (await readIfExists(file))?.trim();
    if (value && value !== old) {
      // In place, as rotate-secrets does: a running container sees a Docker secret as a bind mount of the file.
      if (write) {
        await rewriteSecretFile(paths.secrets, name, value);
        await chmod(file, 0o600);
      }
      changed = true;
    }
    const now = value ?? old;
    if (!now)
      throw new UserError(
        `backup.s3 is set but there are no S3 credentials (${file} is missing)`,
        `run install with ${S3_ENV.keyId} and ${S3_ENV.secret} set in the environment; they are kept in ${paths.secrets} (0600)`,
      );
    registerSecret(now);
    values.push(now);
  }
  if (s3.caFile) {
    const pem = await readCaFile(paths.dir, s3.caFile, "backup.s3.caFile", "the S3 service's certificate");
    const to = join(paths.tls, S3_CA_FILE);
    if ((await readIfExists(to)) !== pem) {
      if (write) await writeAtomic(to, pem);
      changed = true;
    }
    values.push(pem);
  }
  return { changed, hash: sha256(values.join("\0")).slice(0, 16) };
}

/** What stevie-pgbackrest-conf reads to add the S3 repository. Pure. */
export function s3Environment(s3: S3Config, retentionDays?: number): Record<string, string> {
  return {
    BACKUP_S3_ENDPOINT: s3.endpoint,
    BACKUP_S3_PORT: String(s3.port),
    BACKUP_S3_BUCKET: s3.bucket,
    BACKUP_S3_REGION: s3.region,
    BACKUP_S3_PATH: s3.path,
    BACKUP_S3_URI_STYLE: s3.uriStyle,
    ...(retentionDays ? { BACKUP_S3_RETENTION_DAYS: String(s3.retentionDays ?? retentionDays) } : {}),
    BACKUP_S3_KEY_FILE: "/run/secrets/s3_access_key",
    BACKUP_S3_SECRET_FILE: "/run/secrets/s3_secret_key",
    ...(s3.caFile ? { BACKUP_S3_CA_FILE: "/run/secrets/s3_ca" } : {}),
  };
}

/**
 * `docker run` arguments that give a one-off container of the postgres image the S3 repository: the egress network,
 * the credentials and CA as read-only files, and the settings. With `only`, the local repository is left out, so
 * what the container restores comes from S3 alone.
 */
export function s3RunArgs(paths: StackPaths, project: string, s3: S3Config, only: boolean): string[] {
  // No retention: these containers read the repository or archive into it; only the leader's backups expire sets.
  const env = { ...s3Environment(s3), ...(only ? { BACKUP_LOCAL_REPO: "off" } : {}) };
  return [
    "--network",
    `${project}_${EGRESS_NETWORK}`,
    ...S3_SECRETS.flatMap((s) => ["-v", `${join(paths.secrets, s)}:/run/secrets/${s}:ro`]),
    ...(s3.caFile ? ["-v", `${join(paths.tls, S3_CA_FILE)}:/run/secrets/s3_ca:ro`] : []),
    ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
  ];
}
