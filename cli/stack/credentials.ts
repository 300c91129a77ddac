import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { readIfExists, writeAtomic } from "./files.js";
import { psqlOnLeader } from "./cluster.js";
import { registerSecret } from "../secret.js";
import { Stack } from "./handle.js";

/**
 * The database credentials as the secret files say, and the roles in PostgreSQL brought to match them.
 *
 * PostgreSQL keeps one password per role, so a password cannot change under running API replicas without some of
 * their new connections failing. The API therefore logs in as one of two roles that act as the same owner:
 * `stevie` (owns the schema) and `stevie_alt` (a member of it whose sessions start with `SET ROLE stevie`). A rotation
 * gives the idle one a new password, replaces the replicas one by one with ones that use it, then takes the
 * password of the other away. `secrets/postgres_user` says which is in use (not secret, but it belongs with its
 * password; the API reads both from files).
 */

export const APP_ROLES = ["stevie", "stevie_alt"] as const;
export type AppRole = (typeof APP_ROLES)[number];
export const otherRole = (r: AppRole): AppRole => (r === "stevie" ? "stevie_alt" : "stevie");

export const newSecretValue = () => randomBytes(32).toString("hex");

/** The role the API logs in as; `stevie` for stacks installed before there were two. */
export async function ensureAppRole(secretsDir: string): Promise<AppRole> {
  const file = join(secretsDir, "postgres_user");
  const text = (await readIfExists(file))?.trim();
  if (text === undefined) {
    await writeAtomic(file, "stevie\n", 0o600);
    return "stevie";
  }
  if (!(APP_ROLES as readonly string[]).includes(text))
    throw new UserError(
      `${file} names "${text}", which is not one of the API's roles (${APP_ROLES.join(", ")})`,
      'write "stevie" into it and run install again',
    );
  return text as AppRole;
}

export async function readSecretFile(secretsDir: string, name: string): Promise<string> {
  const value = (await readFile(join(secretsDir, name), "utf8")).trim();
  registerSecret(value);
  return value;
}

/**
 * Replace a secret file's content in place (same inode): containers see a Docker secret as a bind mount of the file,
 * so a renamed-over file would stay invisible to them (the Redis health checks read theirs on every probe). One
 * write of a few dozen bytes; mode stays 0600.
 */
export async function rewriteSecretFile(secretsDir: string, name: string, value: string): Promise<void> {
  registerSecret(value);
  await writeFile(join(secretsDir, name), `${value}\n`, { mode: 0o600 });
}

const hex = (v: string, what: string) => {
  if (!/^[0-9a-f]{16,}$/.test(v))
    throw new UserError(
      `${what} is not the hex the installer generates`,
      `put a new value in place with \`stevie-stack rotate-secrets db\``,
    );
  return v;
};

export interface DbRoles {
  active: AppRole;
  password: string;
  monitorPassword?: string;
  /**
   * What becomes of the other role's password: `keep`; `if-idle` (removed when no session uses the role: never cuts
   * a replica that still logs in with it); `force` (removed and its sessions ended; rotation, after the roll).
   */
  other: "keep" | "if-idle" | "force";
}

/**
 * The psql script that makes the roles match (pure). Runs as the local superuser; passwords travel in the script on
 * stdin, never on a command line, and the session logs no statement.
 */
export function dbRolesScript(r: DbRoles): string {
  const other = otherRole(r.active);
  const lines = [
    "SET log_statement = 'none';",
    "SET log_min_duration_statement = -1;",
    `\\set pw '${hex(r.password, "secrets/postgres_password")}'`,
    "SELECT format('CREATE ROLE %I LOGIN IN ROLE %I', 'stevie_alt', 'stevie') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stevie_alt') \\gexec",
    "ALTER ROLE stevie_alt SET role = 'stevie';",
    `SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', '${r.active}', :'pw') \\gexec`,
  ];
  if (r.other === "force")
    lines.push(
      `ALTER ROLE ${other} PASSWORD NULL;`,
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '${other}';`,
    );
  if (r.other === "if-idle")
    lines.push(
      `SELECT format('ALTER ROLE %I PASSWORD NULL', '${other}') WHERE NOT EXISTS (SELECT FROM pg_stat_activity WHERE usename = '${other}') \\gexec`,
    );
  if (r.monitorPassword !== undefined) {
    lines.push(
      `\\set mpw '${hex(r.monitorPassword, "secrets/postgres_monitor_password")}'`,
      "SELECT format('CREATE ROLE %I LOGIN IN ROLE pg_monitor', 'stevie_monitor') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stevie_monitor') \\gexec",
      "SELECT format('ALTER ROLE %I PASSWORD %L', 'stevie_monitor', :'mpw') \\gexec",
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The psql script that gives the superuser and the replication role new passwords (pure; stdin, nothing logged).
 * Patroni uses them (pg_rewind, the replicas' streaming connections); no API replica does.
 */
export function clusterRolesScript(superuser: string, replication: string): string {
  return [
    "SET log_statement = 'none';",
    "SET log_min_duration_statement = -1;",
    `\\set su '${hex(superuser, "secrets/postgres_superuser_password")}'`,
    `\\set rep '${hex(replication, "secrets/postgres_replication_password")}'`,
    "SELECT format('ALTER ROLE %I PASSWORD %L', 'postgres', :'su') \\gexec",
    "SELECT format('ALTER ROLE %I PASSWORD %L', 'replicator', :'rep') \\gexec",
    "",
  ].join("\n");
}

/**
 * Runs a psql script as the local superuser on the leader, stopping at the first error. The script goes on stdin, so
 * passwords in it never reach a command line or a log. Undefined when it ran; otherwise the error's last line.
 */
export async function leaderScript(stack: Stack, script: string): Promise<string | undefined> {
  const r = await psqlOnLeader(stack, { database: "postgres", input: script }).catch((err: Error) => ({
    exitCode: 1,
    stdout: "",
    stderr: err.message,
  }));
  return r.exitCode === 0 ? undefined : ((r.stderr || r.stdout).trim().split("\n").at(-1) ?? "");
}

export async function applyDbRoles(stack: Stack, roles: DbRoles): Promise<void> {
  const error = await leaderScript(stack, dbRolesScript(roles));
  if (error !== undefined)
    throw new UserError(
      `setting the database roles failed: ${error}`,
      "check `stevie-stack status` (is there a leader?) and run the command again",
    );
}

/** The roles as the secret files say now; `other` as the caller needs (see DbRoles). */
export async function syncDbRoles(stack: Stack, other: DbRoles["other"]): Promise<void> {
  const { paths } = stack;
  await applyDbRoles(stack, {
    active: await ensureAppRole(paths.secrets),
    password: await readSecretFile(paths.secrets, "postgres_password"),
    monitorPassword: await readSecretFile(paths.secrets, "postgres_monitor_password"),
    other,
  });
}

/** Sessions per login role right now (the rotation waits on these). */
export async function sessionsByRole(stack: Stack): Promise<Record<string, number>> {
  const r = await psqlOnLeader(stack, {
    database: "postgres",
    rows: true,
    separator: " ",
    command: "SELECT usename, count(*) FROM pg_stat_activity WHERE usename IS NOT NULL GROUP BY 1",
    timeoutMs: 30_000,
  });
  if (r.exitCode !== 0)
    throw new UserError(
      `reading the database sessions failed: ${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""}`,
    );
  return Object.fromEntries(
    r.stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" "))
      .map(([u, n]) => [u!, Number(n)]),
  );
}
