import { chmod, mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Secret } from "../secret.js";
import { ensureAppRole, newSecretValue } from "./credentials.js";
import { writeAtomic } from "./files.js";
import { registerSecret } from "../secret.js";

/** The secrets of one stack. Each is a file of hex, 0600, in a 0700 directory, generated once and never again. */
export const SECRET_NAMES = [
  "postgres_password",
  "postgres_monitor_password",
  "postgres_superuser_password",
  "postgres_replication_password",
  "patroni_api_password",
  "pgbackrest_cipher",
  "redis_password",
  "session_key",
  "grafana_admin_password",
  "etcd_root_password",
  "etcd_patroni_password",
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export async function ensureSecrets(
  secretsDir: string,
): Promise<{ secrets: Record<SecretName, Secret>; created: SecretName[] }> {
  await mkdir(secretsDir, { recursive: true, mode: 0o700 });
  await chmod(secretsDir, 0o700);
  const created: SecretName[] = [];
  const out = {} as Record<SecretName, Secret>;
  for (const name of SECRET_NAMES) {
    const file = join(secretsDir, name);
    let value: string;
    try {
      value = (await readFile(file, "utf8")).trim();
      if ((await stat(file)).mode & 0o077) await chmod(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      value = newSecretValue();
      await writeAtomic(file, `${value}\n`, 0o600);
      created.push(name);
    }
    registerSecret(value);
    out[name] = new Secret(value);
  }
  await ensureAppRole(secretsDir);
  return { secrets: out, created };
}
