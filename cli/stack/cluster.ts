import { UserError } from "../errors.js";
import { poll } from "../wait.js";
import { psqlArgv, type PsqlSpec } from "./psql.js";
import { REDIS_MASTER_NAME, type Topology } from "./topology.js";
import { Stack } from "./handle.js";

/**
 * The data tier as its own tools report it: `patronictl` inside a Postgres member, `redis-cli` against a Sentinel.
 * Every query tries each member in turn, so one stopped container never hides the state of the rest.
 */
const PATRONI_CONFIG = "/run/patroni/patroni.yml";

export interface PatroniMember {
  member: string;
  role: "leader" | "sync-standby" | "replica" | string;
  state: string;
  timeline?: number;
  lagMb?: number;
}

export interface RedisNode {
  service: string;
  ip: string;
  role: "master" | "replica";
  flags: string;
  /** Bytes the replica is behind the master (from the Sentinel's view of offsets), when known. */
  lagBytes?: number;
}

export interface DataTierStatus {
  postgres: { members: PatroniMember[]; leader?: string; error?: string };
  redis: { nodes: RedisNode[]; master?: string; quorum: string; error?: string };
}

async function firstAnswer(
  services: string[],
  run: (service: string) => Promise<{ exitCode?: number; stdout: string; stderr: string }>,
): Promise<string> {
  const errors: string[] = [];
  for (const s of services) {
    const r = await run(s).catch((e: Error) => ({ exitCode: 1, stdout: "", stderr: e.message }));
    if (r.exitCode === 0) return r.stdout;
    errors.push(`${s}: ${(r.stderr || r.stdout).trim().split("\n").pop() ?? `exit ${r.exitCode}`}`);
  }
  throw new Error(errors.join("; ") || "no members");
}

export function parsePatroniList(json: string): PatroniMember[] {
  const rows = JSON.parse(json) as Record<string, unknown>[];
  const role = (r: string) =>
    ({ Leader: "leader", "Sync Standby": "sync-standby", Replica: "replica" })[r] ?? r.toLowerCase();
  return rows.map((r) => ({
    member: String(r.Member),
    role: role(String(r.Role)),
    state: String(r.State),
    timeline: typeof r.TL === "number" ? r.TL : undefined,
    lagMb: typeof r["Lag in MB"] === "number" ? (r["Lag in MB"] as number) : undefined,
  }));
}

/** patronictl as postgres in MEMBER's container, with its generated configuration. */
const patronictl = (stack: Stack, member: string, args: string[], timeoutMs: number) =>
  stack.exec(member, ["patronictl", "-c", PATRONI_CONFIG, ...args], { user: "postgres", timeoutMs });

export async function patroniMembers(stack: Stack, topo: Pick<Topology, "postgres">): Promise<PatroniMember[]> {
  const out = await firstAnswer(topo.postgres, (s) => patronictl(stack, s, ["list", "-f", "json"], 30_000));
  return parsePatroniList(out);
}

/**
 * Patroni's dynamic settings that a cluster bootstrapped by an older stevie-stack (or with another replication
 * choice) may lack: new clusters get them from bootstrap.dcs in patroni-config.sh. Idempotent: patronictl changes
 * nothing when they are already so.
 */
export function dcsSettings(topo: Pick<Topology, "synchronous">): string[] {
  return ["failsafe_mode=true", "loop_wait=1", `synchronous_mode=${topo.synchronous}`];
}

export async function applyDcsSettings(stack: Stack, topo: Pick<Topology, "postgres" | "synchronous">): Promise<void> {
  await firstAnswer(topo.postgres, (s) =>
    patronictl(
      stack,
      s,
      ["edit-config", ...dcsSettings(topo).flatMap((x) => ["--set", x]), "--force", "--quiet"],
      30_000,
    ),
  );
}

export async function leaderOf(stack: Stack, topo: Pick<Topology, "postgres">): Promise<string | undefined> {
  return (await patroniMembers(stack, topo)).find((m) => m.role === "leader")?.member;
}

/** The project's Postgres members that run, by service name (no config needed). */
export async function runningMembers(stack: Stack): Promise<string[]> {
  const running = (await stack.containers()).filter((c) => c.state === "running" && /^postgres-\d+$/.test(c.service));
  return [...new Set(running.map((c) => c.service))].sort();
}

/** The leader's service, asking the project's running Postgres members (no config needed: for the audit trail). */
export async function leaderService(stack: Stack): Promise<string | undefined> {
  return leaderOf(stack, { postgres: await runningMembers(stack) });
}

/**
 * WORK with Patroni in maintenance mode, for work that takes etcd's quorum away while PostgreSQL keeps running
 * (recreating etcd's members together, as a new CA needs). Failsafe mode keeps a leader whose etcd does not answer;
 * an etcd that answers an error while it shuts down is another matter: seen in the suite, etcd's gateway answered
 * "malformed header: missing HTTP content-type" to the leader's key update, and the leader demoted itself (readiness
 * 503 for 14 s). Paused, Patroni keeps a primary that cannot update its key. Not for work that restarts a member:
 * paused, Patroni would not start its PostgreSQL. Resuming is retried until etcd takes it (2 minutes); a cluster an
 * operator paused stays paused.
 */
export async function whilePatroniPaused<T>(
  stack: Stack,
  work: () => Promise<T>,
  log: (l: string) => void,
): Promise<T> {
  const members = await runningMembers(stack);
  const paused = await firstAnswer(members, (s) => patronictl(stack, s, ["pause", "--wait"], 60_000)).then(
    () => true,
    (e: Error) => {
      log(`Patroni not paused (${e.message}); the leader may step down while etcd restarts`);
      return false;
    },
  );
  const outcome = await work().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const resume = () =>
    firstAnswer(members, (s) => patronictl(stack, s, ["resume", "--wait"], 60_000)).then(
      () => true,
      () => undefined,
    );
  // Before the work's own failure, if any: a cluster left paused has no automatic failover.
  if (paused && !(await poll(resume, { timeoutMs: 120_000, everyMs: 2_000 })))
    throw new UserError(
      "Patroni is still in maintenance mode: no automatic failover until it resumes",
      `once \`stevie-stack status\` shows etcd healthy: docker exec -u postgres ${stack.project}-${members[0] ?? "postgres-1"}-1 patronictl -c ${PATRONI_CONFIG} resume`,
    );
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

/** A command in the Patroni leader's container, as postgres (`leader`: already looked up, which takes a second). */
export async function inLeader(
  stack: Stack,
  args: string[],
  opts: { onLine?: (l: string) => void; timeoutMs?: number; input?: string; leader?: string } = {},
) {
  const leader = opts.leader ?? (await leaderService(stack));
  if (!leader)
    throw new UserError(
      "the Postgres cluster has no leader right now",
      "wait a few seconds (Patroni elects one) and check `stevie-stack status`",
    );
  return stack.exec(leader, args, {
    user: "postgres",
    timeoutMs: opts.timeoutMs ?? 60 * 60_000,
    onLine: opts.onLine,
    input: opts.input,
  });
}

/** psql on the Patroni leader (see psql.ts): SQL from `input` unless `spec.command`; the result, whatever its exit code. */
export function psqlOnLeader(stack: Stack, spec: PsqlSpec & { input?: string; timeoutMs?: number; leader?: string }) {
  return inLeader(stack, psqlArgv(spec), {
    input: spec.input,
    timeoutMs: spec.timeoutMs ?? 60_000,
    ...(spec.leader ? { leader: spec.leader } : {}),
  });
}

/** Move the Patroni leader on purpose (maintenance): to `candidate`, or to the healthiest replica. */
export async function switchover(
  stack: Stack,
  topo: Pick<Topology, "postgres">,
  candidate?: string,
): Promise<{ from: string; to: string }> {
  const members = await patroniMembers(stack, topo);
  const leader = members.find((m) => m.role === "leader");
  if (!leader)
    throw new UserError(
      "the Postgres cluster has no leader right now",
      "wait a few seconds and check `stevie-stack status`; Patroni elects one on its own",
    );
  const replicas = members.filter((m) => m.role !== "leader" && /streaming|running/.test(m.state));
  if (candidate && !members.some((m) => m.member === candidate))
    throw new UserError(
      `${candidate} is not a member of the cluster`,
      `members: ${members.map((m) => m.member).join(", ")}`,
    );
  if (candidate === leader.member) throw new UserError(`${candidate} is already the leader`);
  const target = candidate ?? (replicas.find((m) => m.role === "sync-standby") ?? replicas[0])?.member;
  if (!target)
    throw new UserError(
      "no healthy replica to hand the leadership to",
      "check `stevie-stack status`: every replica must be streaming",
    );
  const r = await patronictl(
    stack,
    leader.member,
    ["switchover", "--leader", leader.member, "--candidate", target, "--force"],
    120_000,
  );
  if (r.exitCode !== 0)
    throw new UserError(`switchover failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-2).join(" ")}`);
  return { from: leader.member, to: target };
}

function redisCli(stack: Stack, service: string, port: number, args: string[]) {
  const script = `REDISCLI_AUTH=$(tr -d '\\n' < "$REDIS_PASSWORD_FILE") exec stevie-redis-cli -3 --json --no-auth-warning -p ${port} "$@"`;
  return stack.exec(service, ["sh", "-c", script, "sh", ...args], { timeoutMs: 30_000 });
}

/** INFO replication of a master: each replica's address, state, and how far behind it is. Pure. */
export function parseReplicationInfo(info: string): {
  masterOffset: number;
  replicas: { ip: string; state: string; offset: number; lagSeconds: number }[];
} {
  const text = info.startsWith('"') ? (JSON.parse(info) as string) : info;
  const masterOffset = Number(/master_repl_offset:(\d+)/.exec(text)?.[1] ?? 0);
  const replicas = [...text.matchAll(/^slave\d+:(.*)$/gm)].map((m) => {
    const kv = Object.fromEntries(
      m[1]!
        .trim()
        .split(",")
        .map((p) => p.split("=") as [string, string]),
    );
    return { ip: kv.ip ?? "", state: kv.state ?? "", offset: Number(kv.offset ?? 0), lagSeconds: Number(kv.lag ?? 0) };
  });
  return { masterOffset, replicas };
}

export async function redisTopology(stack: Stack, topo: Topology): Promise<DataTierStatus["redis"]> {
  const sentinels = topo.sentinels.map((s) => s.service);
  const serviceOf = (ip: string) => topo.redis.find((r) => r.ip === ip)?.service ?? ip;
  const master = JSON.parse(
    await firstAnswer(sentinels, (s) => redisCli(stack, s, 26379, ["sentinel", "master", REDIS_MASTER_NAME])),
  ) as Record<string, string>;
  const quorum = (
    JSON.parse(
      await firstAnswer(sentinels, (s) => redisCli(stack, s, 26379, ["sentinel", "ckquorum", REDIS_MASTER_NAME])),
    ) as string
  ).trim();
  const masterService = serviceOf(master.ip!);
  const info = parseReplicationInfo(
    await firstAnswer([masterService], (s) => redisCli(stack, s, 6379, ["info", "replication"])),
  );
  const nodes: RedisNode[] = [
    { service: masterService, ip: master.ip!, role: "master", flags: master.flags ?? "" },
    ...info.replicas.map((r) => ({
      service: serviceOf(r.ip),
      ip: r.ip,
      role: "replica" as const,
      flags: r.state,
      lagBytes: Math.max(0, info.masterOffset - r.offset),
    })),
  ];
  return { nodes, master: masterService, quorum };
}

export async function dataTierStatus(stack: Stack, topo: Topology): Promise<DataTierStatus> {
  const [pg, redis] = await Promise.all([
    patroniMembers(stack, topo).then(
      (members) => ({ members, leader: members.find((m) => m.role === "leader")?.member }),
      (e: Error) => ({ members: [], error: e.message }),
    ),
    redisTopology(stack, topo).catch((e: Error) => ({ nodes: [], quorum: "unknown", error: e.message })),
  ]);
  return { postgres: pg, redis };
}

/** Run in a member (`docker exec`): write Patroni's config again from the environment and secrets, and reload it. */
const RELOAD_MEMBER_CONFIG =
  'stevie-patroni-config && patronictl -c /run/patroni/patroni.yml reload "$PATRONI_SCOPE" "$PATRONI_NAME" --force';

/**
 * Every member writes patroni.yml again from its environment and secret files and Patroni reloads it (no restart).
 * The first member that fails, with the last line it printed; undefined when all reloaded.
 */
export async function reloadMemberConfigs(
  stack: Stack,
  members: string[],
): Promise<{ member: string; detail: string } | undefined> {
  for (const member of members) {
    const r = await stack.exec(member, ["sh", "-c", RELOAD_MEMBER_CONFIG], { timeoutMs: 120_000 });
    if (r.exitCode !== 0) return { member, detail: (r.stderr || r.stdout).trim().split("\n").at(-1) ?? "" };
  }
  return undefined;
}
