import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import {
  applyDbRoles,
  clusterRolesScript,
  ensureAppRole,
  leaderScript,
  newSecretValue,
  otherRole,
  readSecretFile,
  rewriteSecretFile,
  sessionsByRole,
} from "./credentials.js";
import type { StackPaths } from "./paths.js";
import { apiReplicas, ReplicaFailed, rollApi } from "./rolling.js";
import { reloadMemberConfigs } from "./cluster.js";
import { setEtcdPassword } from "./etcd.js";
import { ETCD_PATRONI_SECRET, ETCD_ROOT_SECRET, REDIS_MASTER_NAME, type Topology } from "./topology.js";
import { Stack } from "./handle.js";

/**
 * `stevie-stack rotate-secrets`: new passwords for the database, Redis, etcd and Grafana without failing an API
 * request.
 * The pattern is the same for each: first the server accepts the new credential beside the old one, then the secret
 * file changes and the API replicas are replaced one by one (rollApi: each new one reads the files when it starts),
 * then the old credential stops working. PostgreSQL has one password per role, so there the "beside" is a second
 * login role (see credentials.ts); Redis and Sentinel keep several passwords per ACL user.
 */

export const ROTATION_TARGETS = ["db", "redis", "etcd", "grafana"] as const;
export type RotationTarget = (typeof ROTATION_TARGETS)[number];

/** What `rotate-secrets [db|redis|grafana|all]` asks for, on this configuration (Grafana only when it runs). Pure. */
export function rotationTargets(arg: string | undefined, config: StevieConfig): RotationTarget[] {
  const what = arg ?? "all";
  const grafana = config.monitoring.enabled && config.monitoring.grafana.enabled;
  if (what === "all") return grafana ? [...ROTATION_TARGETS] : ["db", "redis", "etcd"];
  if (!(ROTATION_TARGETS as readonly string[]).includes(what))
    throw new UserError(
      `cannot rotate "${what}"`,
      "choose db, redis, etcd, grafana or all (or openai, which reads a new key from stdin)",
    );
  if (what === "grafana" && !grafana)
    throw new UserError(
      "Grafana is not enabled in this stack",
      "enable it with `stevie-stack config set monitoring.grafana.enabled true`",
    );
  return [what as RotationTarget];
}

interface RotateOptions {
  config: StevieConfig;
  topology: Topology;
  /** How long a new API replica may take to become healthy. */
  timeoutMs: number;
  log: (l: string) => void;
}

/** Every API replica replaced by one that reads the secret files as they are now. */
async function renewApi(stack: Stack, o: RotateOptions): Promise<void> {
  const { project } = stack;
  const ids = (await apiReplicas(project)).map((c) => c.id);
  o.log(`replacing the ${ids.length} API replicas one at a time`);
  await rollApi(stack, ids, { timeoutMs: o.timeoutMs, log: o.log });
}

async function recreate(stack: Stack, service: string): Promise<void> {
  const r = await stack.compose(["up", "-d", "--no-deps", "--force-recreate", service], {
    reject: false,
    timeoutMs: 5 * 60_000,
  });
  if (r.exitCode !== 0)
    throw new UserError(
      `recreating ${service} failed: ${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""}`,
      `the new password is in place; run \`docker compose up -d ${service}\` in the stack directory`,
    );
}

/** Put a file back when a step after it fails; rethrows. */
async function undoing<T>(step: () => Promise<T>, undo: () => Promise<void>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    await undo();
    throw err instanceof ReplicaFailed
      ? new UserError(
          `${err.message}; the previous password stays in use`,
          "the replicas already replaced use the new one, which keeps working; fix the cause and run rotate-secrets again",
        )
      : err;
  }
}

export async function rotateDb(stack: Stack, o: RotateOptions): Promise<{ role: string }> {
  const { paths } = stack;
  const monitoring = o.config.monitoring.enabled;
  const active = await ensureAppRole(paths.secrets);
  const next = otherRole(active);
  // A rotation interrupted after its roll began leaves replicas logging in as `next`: they must go before it changes.
  if ((await sessionsByRole(stack))[next]) {
    o.log(`some replicas still log in as ${next} (an earlier rotation did not finish): replacing them first`);
    await renewApi(stack, o);
  }
  const previous = {
    password: await readSecretFile(paths.secrets, "postgres_password"),
    monitor: await readSecretFile(paths.secrets, "postgres_monitor_password"),
  };
  const password = newSecretValue();
  const monitorPassword = newSecretValue();
  o.log(`database: ${next} gets a new password; the replicas use ${active} meanwhile`);
  await applyDbRoles(stack, {
    active: next,
    password,
    ...(monitoring ? { monitorPassword } : {}),
    other: "keep",
  });
  const writeFiles = async (role: string, pw: string, mpw: string) => {
    await rewriteSecretFile(paths.secrets, "postgres_password", pw);
    await rewriteSecretFile(paths.secrets, "postgres_monitor_password", mpw);
    await writeFile(join(paths.secrets, "postgres_user"), `${role}\n`, { mode: 0o600 });
  };
  await writeFiles(next, password, monitoring ? monitorPassword : previous.monitor);
  await undoing(
    async () => {
      if (monitoring) await recreate(stack, "postgres-exporter");
      await renewApi(stack, o);
    },
    () =>
      writeFiles(active, previous.password, previous.monitor).then(() =>
        applyDbRoles(stack, {
          active,
          password: previous.password,
          ...(monitoring ? { monitorPassword: previous.monitor } : {}),
          other: "keep",
        }),
      ),
  );
  o.log(`database: ${active} can no longer log in; its sessions are ended`);
  await applyDbRoles(stack, { active: next, password, other: "force" });
  await rotateClusterRoles(stack, o);
  return { role: next };
}

/**
 * The superuser's and the replication role's passwords. Only Patroni uses them (pg_rewind after a failover, the
 * replicas' streaming connections), so nothing serving requests notices: the leader takes the new passwords, the
 * secret files change in place (the members see them), then each member rewrites patroni.yml from them and Patroni
 * reloads it. A replica's open streaming connection stays; the next one it opens uses the new password.
 */
async function rotateClusterRoles(stack: Stack, o: RotateOptions): Promise<void> {
  const { paths } = stack;
  const names = ["postgres_superuser_password", "postgres_replication_password"] as const;
  const previous = await Promise.all(names.map((n) => readSecretFile(paths.secrets, n)));
  const next = names.map(() => newSecretValue());
  o.log("database: new passwords for the superuser and the replication role");
  // The files first: a server with passwords no file holds would lock the members out at their next start.
  const writeFiles = async (values: string[]) => {
    for (const [i, n] of names.entries()) await rewriteSecretFile(paths.secrets, n, values[i]!);
  };
  await writeFiles(next);
  const error = await leaderScript(stack, clusterRolesScript(next[0]!, next[1]!));
  if (error !== undefined) {
    await writeFiles(previous);
    throw new UserError(
      `setting the superuser and replication passwords failed: ${error}`,
      "the old ones stay in use; check `stevie-stack status` and run `stevie-stack rotate-secrets db` again",
    );
  }
  const failed = await reloadMemberConfigs(stack, o.topology.postgres);
  if (failed)
    throw new UserError(
      `${failed.member} did not reload Patroni's configuration with the new passwords: ${failed.detail}`,
      `the server and secrets/ have the new ones; restart ${failed.member} (\`docker compose restart ${failed.member}\` in the stack directory; if it leads, \`stevie-stack switchover\` first)`,
    );
  o.log(
    `database: ${o.topology.postgres.length} members reloaded; the previous superuser and replication passwords no longer work`,
  );
}

/** Commands for one Redis server or Sentinel, sent on stdin after AUTH (no password on a command line). */
async function redisCommands(
  stack: Stack,
  service: string,
  port: number,
  password: string,
  commands: string[],
): Promise<void> {
  const r = await stack.exec(service, ["stevie-redis-cli", "-p", String(port)], {
    input: `AUTH ${password}\n${commands.join("\n")}\n`,
    reject: false,
    timeoutMs: 30_000,
  });
  const replies = r.stdout.trim().split("\n");
  const bad = replies.find((l) => l.trim() !== "OK");
  if (r.exitCode !== 0 || bad !== undefined || replies.length !== commands.length + 1) {
    throw new UserError(
      `${service} refused a password change: ${(bad ?? r.stderr.trim()) || `exit code ${r.exitCode}`}`,
      "check `stevie-stack status`; running rotate-secrets redis again is safe",
    );
  }
}

export async function rotateRedis(stack: Stack, o: RotateOptions): Promise<void> {
  const { paths } = stack;
  const old = await readSecretFile(paths.secrets, "redis_password");
  const pw = newSecretValue();
  const servers = o.topology.redis.map((r) => r.service);
  const sentinels = o.topology.sentinels.map((s) => s.service);
  const each = (list: string[], port: number, auth: string, commands: string[]) =>
    Promise.all(list.map((s) => redisCommands(stack, s, port, auth, commands)));
  o.log("redis: every server and Sentinel accepts the new password beside the old one");
  await each(servers, 6379, old, [`ACL SETUSER default >${pw}`]);
  await each(sentinels, 26379, old, [`ACL SETUSER default >${pw}`]);
  // From here on they present the new one to each other: replicas to their master, Sentinels to both.
  await each(servers, 6379, old, [`CONFIG SET masterauth ${pw}`]);
  await each(sentinels, 26379, old, [
    `SENTINEL SET ${REDIS_MASTER_NAME} auth-pass ${pw}`,
    `SENTINEL CONFIG SET sentinel-pass ${pw}`,
  ]);
  await rewriteSecretFile(paths.secrets, "redis_password", pw);
  await undoing(
    async () => {
      if (o.config.monitoring.enabled) await recreate(stack, "redis-exporter");
      await renewApi(stack, o);
    },
    () => rewriteSecretFile(paths.secrets, "redis_password", old),
  );
  o.log("redis: the old password no longer works");
  // requirepass resets the default user to this one password; the rewrite and flush keep it over a restart.
  await each(servers, 6379, pw, [`CONFIG SET requirepass ${pw}`, "CONFIG REWRITE"]);
  await each(sentinels, 26379, pw, [`ACL SETUSER default resetpass >${pw}`, "SENTINEL FLUSHCONFIG"]);
}

export async function rotateGrafana(paths: StackPaths, o: RotateOptions): Promise<void> {
  const old = await readSecretFile(paths.secrets, "grafana_admin_password");
  const pw = newSecretValue();
  const res = await fetch(`http://127.0.0.1:${o.config.monitoring.grafana.port}/api/user/password`, {
    method: "PUT",
    headers: {
      authorization: `Basic ${Buffer.from(`admin:${old}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ oldPassword: old, newPassword: pw, confirmNew: pw }),
  }).catch((err: Error) => {
    throw new UserError(
      `Grafana cannot be reached on 127.0.0.1:${o.config.monitoring.grafana.port}: ${err.message}`,
      "check `stevie-stack status`",
    );
  });
  if (!res.ok)
    throw new UserError(
      `Grafana refused the new admin password (HTTP ${res.status})`,
      "if the admin password was changed in Grafana itself, put it in secrets/grafana_admin_password first",
    );
  await rewriteSecretFile(paths.secrets, "grafana_admin_password", pw);
  o.log("grafana: new admin password in secrets/grafana_admin_password");
}

/**
 * etcd's two passwords (its `health` account has no role and no secret). root's (the CLI's own) first: etcd takes the
 * new one, then its file changes. Then Patroni's: the file changes in place, etcd takes it, and each member writes
 * patroni.yml again and reloads. etcd ends the tokens of a user whose password changed, so until its member has
 * reloaded (seconds) a Patroni's calls to etcd fail; Patroni's failsafe mode keeps the leader leading meanwhile (every
 * member still answers it), and nothing serving requests talks to etcd.
 */
export async function rotateEtcd(stack: Stack, o: RotateOptions): Promise<void> {
  const { paths } = stack;
  const root = newSecretValue();
  o.log("etcd: a new password for root (the CLI's account)");
  await setEtcdPassword(stack, "root", root);
  await rewriteSecretFile(paths.secrets, ETCD_ROOT_SECRET, root);

  const previous = await readSecretFile(paths.secrets, ETCD_PATRONI_SECRET);
  o.log("etcd: a new password for Patroni's account");
  await rewriteSecretFile(paths.secrets, ETCD_PATRONI_SECRET, newSecretValue());
  await undoing(
    () => setEtcdPassword(stack, "patroni"),
    () => rewriteSecretFile(paths.secrets, ETCD_PATRONI_SECRET, previous),
  );
  const failed = await reloadMemberConfigs(stack, o.topology.postgres);
  if (failed)
    throw new UserError(
      `${failed.member} did not reload Patroni's configuration with etcd's new password: ${failed.detail}`,
      `etcd and secrets/ have the new one; restart ${failed.member} (\`docker compose restart ${failed.member}\` in the stack directory; if it leads, \`stevie-stack switchover\` first)`,
    );
  o.log(`etcd: ${o.topology.postgres.length} members reloaded; the previous passwords no longer work`);
}
