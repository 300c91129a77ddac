import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { UserError } from "../errors.js";
import { poll, sleep, waitFor } from "../wait.js";
import { leaderService, whilePatroniPaused } from "./cluster.js";
import { rollMembers } from "./roll-members.js";
import { FOLLOW_FILE, renderApiUpstream, upstreamAddresses } from "../../nginx/render.js";
import { writeAtomic } from "./files.js";
import { API_PORT } from "./services/api.js";
import { Stack } from "./handle.js";
import { Project, type ContainerState } from "./handle.js";

/**
 * Replacing API replicas one at a time, for `upgrade`, `install` and `scale`. compose.yaml on disk says what a
 * replica should be; each round starts one new replica beside the old ones (`up --no-recreate --scale`), waits for its
 * own health check (`/api/health/ready`), waits until nginx sends it traffic (the follow loop in the nginx image adds
 * a replica once it answers ready, and reloads nginx), and then takes one old replica out (see retire). A new replica
 * that never becomes healthy is removed before nginx ever sees it, and the caller learns why.
 */

export class ReplicaFailed extends Error {
  constructor(
    readonly container: string,
    readonly why: string,
  ) {
    super(`the new API replica ${container} did not become healthy: ${why}`);
  }
}

export const apiReplicas = async (project: string) =>
  (await new Project(project).containers()).filter(
    (c) => c.service === "api" && c.state !== "exited" && c.state !== "dead",
  );

export async function reloadNginx(stack: Stack): Promise<void> {
  const r = await stack.exec("nginx", ["nginx", "-s", "reload"], {
    timeoutMs: 30_000,
  });
  if (r.exitCode !== 0)
    throw new UserError(
      `nginx did not reload: ${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""}`,
      "check `stevie-stack logs nginx`",
    );
  // The old workers finish what they have; new requests go to the new list. A moment for the new workers to start.
  await sleep(1_000);
}

/**
 * Wait for one container's health check: healthy (or, sooner, `ready()` says so: an API replica nginx's follow loop
 * already lists, as Docker's check runs only every 5 s), or why not (unhealthy, exited, or still starting at the
 * deadline).
 */
export async function waitHealthy(
  project: string,
  id: string,
  timeoutMs: number,
  ready?: () => Promise<boolean>,
): Promise<string | undefined> {
  let c: ContainerState | undefined;
  const settle = async () => {
    c = (await new Project(project).containers()).find((x) => x.id === id);
    if (!c) return "gone";
    if (c.state === "running" && (c.health === "healthy" || (c.health !== "unhealthy" && (await ready?.()))))
      return "healthy";
    return c.state !== "running" || c.health === "unhealthy" ? "failed" : undefined;
  };
  const settled = await poll(settle, { timeoutMs, everyMs: ready ? 500 : 1_000 });
  if (settled === "healthy") return undefined;
  if (!c) return "the container disappeared";
  const info = await new Project(project).inspect(id).catch(() => undefined);
  const probe = info?.healthLog.at(-1);
  const lastLog = (await new Project(project).logs(id, 5).catch(() => "")).trim().split("\n").at(-1);
  const state =
    c.state !== "running"
      ? `it ${c.state} (exit code ${info?.exitCode ?? "?"})`
      : c.health === "unhealthy"
        ? "its health check failed"
        : `not healthy after ${Math.round(timeoutMs / 1000)} s`;
  return [
    state,
    probe ? `last probe: ${probe.slice(0, 200)}` : "",
    lastLog ? `last log line: ${lastLog.slice(0, 300)}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

export const API_UPSTREAM = { host: "api", port: API_PORT };

/** The addresses in nginx's follow loop's list (compose/images/nginx/follow.sh); undefined from an nginx without it. */
async function followList(stack: Stack): Promise<string[] | undefined> {
  const r = await stack.exec("nginx", ["cat", FOLLOW_FILE], {
    timeoutMs: 15_000,
  });
  return r.exitCode === 0 ? upstreamAddresses(r.stdout) : undefined;
}

const edgeAddress = async (project: string, id: string) =>
  (await new Project(project).addresses(id))[`${project}_edge`];

/** Ready for traffic, as waitHealthy's `ready`: nginx's follow loop lists the replica (it answered /api/health/ready). */
const inNginx = (stack: Stack, id: string) => async () => {
  const { project } = stack;
  const [address, listed] = [await edgeAddress(project, id), await followList(stack)];
  return Boolean(address && listed?.includes(address));
};

/** The edge-network addresses of the replicas that serve (but `except`): running, and healthy or in nginx's list. */
async function servingAddresses(stack: Stack, except?: string): Promise<string[]> {
  const { project } = stack;
  const listed = (await followList(stack)) ?? [];
  const out: string[] = [];
  for (const c of await apiReplicas(project)) {
    if (c.id === except || c.state !== "running" || c.health === "unhealthy") continue;
    const address = await edgeAddress(project, c.id);
    if (address && (c.health === "healthy" || listed.includes(address))) out.push(address);
  }
  return out;
}

/**
 * Take one replica out without failing a request: nginx first gets the staying replicas' addresses and reloads, so
 * no new request goes to the leaving one while its in-flight requests finish on nginx's old workers (which close
 * their pooled connections themselves: no connection is closed under nginx by the replica); then the replica is
 * stopped (SIGTERM, 30 s to drain) and removed. nginx stays on that list (the follow loop does not reload it then)
 * until the caller's follow().
 */
async function retire(stack: Stack, id: string): Promise<void> {
  const { paths, project } = stack;
  const addresses = await servingAddresses(stack, id);
  if (addresses.length) {
    await writeAtomic(paths.nginxUpstream, renderApiUpstream(API_UPSTREAM, addresses));
    await reloadNginx(stack);
    // nginx's old workers finish what they were doing with the leaving replica.
    await sleep(2_000);
  }
  await new Project(project).docker(["stop", "-t", "30", id], { reject: false, timeoutMs: 60_000 });
  await new Project(project).remove(id);
}

/**
 * nginx back on the follow loop's list (compose/images/nginx/follow.sh), once that lists exactly the serving
 * replicas (the loop probes every second; a minute at most, then the loop's list as it is). When api.conf already
 * includes the list, the loop has reloaded nginx itself: no second reload, as each one ends idle client connections.
 * An nginx from before the loop (an upgrade, until nginx is recreated) gets the serving replicas' addresses.
 * `reload`: reload even if api.conf stays the same (a new certificate, recreated neighbours).
 */
async function follow(stack: Stack, reload = false): Promise<void> {
  const { paths } = stack;
  const want = (await servingAddresses(stack)).sort().join(" ");
  const listed = async () => (await followList(stack))?.sort().join(" ");
  let seen: string | undefined;
  const caughtUp = async () => {
    seen = await listed();
    return seen === undefined || seen === want || undefined;
  };
  await poll(caughtUp, { timeoutMs: 60_000, everyMs: 500 });
  const text =
    seen === undefined
      ? renderApiUpstream(API_UPSTREAM, want.split(" ").filter(Boolean))
      : renderApiUpstream(API_UPSTREAM);
  const current = await readFile(paths.nginxUpstream, "utf8").catch(() => "");
  if (text === current && !reload) {
    await sleep(1_000); // the loop's reload: a moment for the new workers
    return;
  }
  await writeAtomic(paths.nginxUpstream, text);
  await reloadNginx(stack);
}

/**
 * Replace each of `old` (container ids) by a replica built from the compose file on disk, one at a time.
 * Throws ReplicaFailed (after removing the failed replica) when a new one does not become healthy.
 */
export async function rollApi(
  stack: Stack,
  old: string[],
  opts: { timeoutMs: number; log: (l: string) => void },
): Promise<string[]> {
  const { project } = stack;
  const started: string[] = [];
  for (const [i, id] of old.entries()) {
    const before = await apiReplicas(project);
    const r = await stack.compose(
      ["up", "-d", "--no-deps", "--no-recreate", "--scale", `api=${before.length + 1}`, "api"],
      { reject: false, timeoutMs: 5 * 60_000 },
    );
    const fresh = (await apiReplicas(project)).filter((c) => !before.some((b) => b.id === c.id));
    if (r.exitCode !== 0 || fresh.length !== 1) {
      for (const f of fresh) await new Project(project).remove(f.id).catch(() => undefined);
      throw new ReplicaFailed(
        "(none started)",
        (r.stderr || r.stdout).trim().split("\n").at(-1) ?? `docker compose exited with ${r.exitCode}`,
      );
    }
    const next = fresh[0]!;
    opts.log(`replica ${i + 1}/${old.length}: started ${next.name}, waiting for /api/health/ready`);
    const why = await waitHealthy(project, next.id, opts.timeoutMs, inNginx(stack, next.id));
    if (why) {
      await new Project(project).remove(next.id).catch(() => undefined);
      throw new ReplicaFailed(next.name, why);
    }
    started.push(next.id);
    await follow(stack);
    const name = before.find((b) => b.id === id)?.name ?? id.slice(0, 12);
    opts.log(`replica ${i + 1}/${old.length}: ${next.name} takes traffic; draining ${name}`);
    await retire(stack, id);
  }
  if (old.length) await follow(stack);
  return started;
}

/**
 * The services of compose.yaml whose definition differs between two versions of the file (added ones too), not
 * counting the number of replicas (setReplicaCount's business, no reason to replace any). Pure.
 */
export function changedServices(before: string | undefined, after: string): string[] {
  const services = (text: string | undefined) =>
    ((text ? parse(text) : {}) as { services?: Record<string, { deploy?: Record<string, unknown> }> }).services ?? {};
  const definition = (s: { deploy?: Record<string, unknown> } | undefined) =>
    JSON.stringify(s && { ...s, deploy: { ...s.deploy, replicas: undefined } });
  const [a, b] = [services(before), services(after)];
  return Object.keys(b).filter((name) => definition(a[name]) !== definition(b[name]));
}

/** api's deploy.replicas in a compose file. Pure. */
export function desiredReplicas(composeText: string): number {
  const n = (parse(composeText) as { services?: { api?: { deploy?: { replicas?: number } } } }).services?.api?.deploy
    ?.replicas;
  if (!Number.isInteger(n)) throw new Error("compose.yaml has no api.deploy.replicas");
  return n!;
}

/**
 * Add or remove API replicas: new ones take traffic once healthy (see follow); each removed one leaves nginx's list
 * before it stops (see retire).
 */
export async function setReplicaCount(
  stack: Stack,
  want: number,
  opts: { timeoutMs: number; log: (l: string) => void },
): Promise<boolean> {
  const { project } = stack;
  let have = await apiReplicas(project);
  const added = have.length < want;
  if (added) {
    opts.log(`starting ${want - have.length} API replica(s)`);
    const r = await stack.compose(["up", "-d", "--no-deps", "--no-recreate", "--scale", `api=${want}`, "api"], {
      reject: false,
      timeoutMs: 5 * 60_000,
    });
    if (r.exitCode !== 0)
      throw new UserError(
        `starting API replicas failed: ${(r.stderr || r.stdout).trim().split("\n").at(-1)}`,
        "see `stevie-stack logs api`; the running replicas serve on",
      );
    for (const c of (await apiReplicas(project)).filter((x) => !have.some((h) => h.id === x.id))) {
      const why = await waitHealthy(project, c.id, opts.timeoutMs, inNginx(stack, c.id));
      if (why)
        throw new UserError(
          `the new API replica ${c.name} did not become healthy: ${why}`,
          "see `stevie-stack logs api`; the other replicas serve on",
        );
    }
    await follow(stack);
  }
  // Newest first (the highest compose number), as compose itself would.
  const number = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  have = (await apiReplicas(project)).sort((a, b) => number(b.name) - number(a.name));
  const extras = have.slice(0, Math.max(0, have.length - want));
  for (const extra of extras) {
    opts.log(`draining ${extra.name}`);
    await retire(stack, extra.id);
  }
  if (extras.length) await follow(stack);
  return added || extras.length > 0;
}

/** The one-shot migration job of the compose file on disk, run beside the serving replicas; throws if it fails. */
export async function runMigrations(stack: Stack): Promise<void> {
  const { project } = stack;
  const up = await stack.compose(["up", "-d", "--no-deps", "migrate"], {
    reject: false,
    timeoutMs: 5 * 60_000,
  });
  if (up.exitCode !== 0)
    throw new UserError(
      `starting the migrations failed: ${(up.stderr || up.stdout).trim().split("\n").at(-1)}`,
      "no API replica was replaced; fix the cause and run the command again",
    );
  const finished = async () => {
    const job = (await new Project(project).containers()).find((c) => c.service === "migrate");
    if (!job || job.state !== "exited") return undefined;
    const { exitCode } = await new Project(project).inspect(job.id);
    if (exitCode === 0) return true;
    const last = (await new Project(project).logs(job.id, 5)).trim().split("\n").at(-1) ?? "";
    throw new UserError(
      `the database migrations failed (exit code ${exitCode}): ${last.slice(0, 300)}`,
      "the API replicas serve on unchanged (migrations run in a transaction); see `stevie-stack logs migrate`",
    );
  };
  await waitFor("the database migrations to finish", finished, {
    timeoutMs: 15 * 60_000,
    fix: "see `stevie-stack logs migrate`",
  });
}

const DATA_TIER = /^(postgres|etcd|haproxy|redis|sentinel)(-\d+)?$/;

/** Recreate these services as compose.yaml now says, --no-deps (compose would otherwise recreate nginx for its dependency on the API). */
async function upNoDeps(stack: Stack, services: string[], log: (l: string) => void): Promise<void> {
  log(`recreating what changed besides the API: ${services.join(", ")}`);
  const up = await stack.compose(["up", "-d", "--no-deps", "--remove-orphans", ...services], {
    reject: false,
  });
  if (up.exitCode !== 0)
    throw new UserError(
      `docker compose up failed: ${
        (up.stderr || up.stdout)
          .trim()
          .split("\n")
          .filter((l) => /error|failed|denied|address/i.test(l))
          .slice(-3)
          .join("; ") || `exit code ${up.exitCode}`
      }`,
      "fix the cause and run the command again",
    );
}

export interface ConvergeResult {
  /** API replicas replaced by new ones. */
  replaced: number;
  /** Other services recreated because their definition changed. */
  recreated: string[];
  /** Set when a new replica failed: the previous files are back and the replicas run the previous definition. */
  rolledBack?: string;
}

/**
 * Bring a running, healthy stack to the compose file now on disk without dropping a request: migrations first, then
 * the API replica by replica (see rollApi), then only the other services whose definition changed (--no-deps, so
 * compose does not recreate nginx for its dependency on the API), and the replica count. If a new replica fails,
 * `restore` puts the previous files back and the replicas already replaced are replaced again by the previous kind.
 */
export async function convergeRunning(
  stack: Stack,
  opts: {
    previousCompose: string | undefined;
    restore: () => Promise<void>;
    timeoutMs: number;
    log: (l: string) => void;
  },
): Promise<ConvergeResult> {
  const { paths, project } = stack;
  const changed = changedServices(opts.previousCompose, await readFile(paths.compose, "utf8"));
  // What the API stands on comes first: new replicas may need it (TLS to PostgreSQL came this way), old ones keep
  // working with it.
  const dataTier = changed.filter((s) => DATA_TIER.test(s));
  const recreate = async (services: string[]) => {
    await upNoDeps(stack, services, opts.log);
    for (const c of (await new Project(project).containers()).filter((x) => services.includes(x.service))) {
      const why = await waitHealthy(project, c.id, 5 * 60_000);
      if (why)
        throw new UserError(
          `${c.name} did not become healthy after it was recreated: ${why}`,
          "check `stevie-stack status` and `stevie-stack logs`; no API replica was replaced",
        );
    }
  };
  // PostgreSQL's members last and one at a time (roll-members.ts); the rest of the data tier first, together. etcd's
  // members together (a new CA needs that; an image refresh gets it too) take its quorum away under a running leader:
  // Patroni is paused meanwhile, which is why the members are not recreated in the same step.
  const members = dataTier.filter((s) => s.startsWith("postgres-"));
  const others = dataTier.filter((s) => !members.includes(s));
  if (others.filter((s) => s.startsWith("etcd-")).length > 1)
    await whilePatroniPaused(stack, () => recreate(others), opts.log);
  else if (others.length) await recreate(others);
  if (members.length) await rollMembers(stack, members, recreate, opts.log);
  // Patroni elects a leader within its TTL; migrations need one.
  if (dataTier.length) await poll(() => leaderService(stack).catch(() => undefined), { timeoutMs: 60_000 });
  let replaced = 0;
  if (changed.includes("api") || changed.includes("migrate")) {
    try {
      opts.log("applying database migrations");
      await runMigrations(stack);
    } catch (err) {
      await opts.restore();
      throw err;
    }
    const old = (await apiReplicas(project)).map((c) => c.id);
    try {
      replaced = (await rollApi(stack, old, opts)).length;
    } catch (err) {
      if (!(err instanceof ReplicaFailed)) throw err;
      opts.log(`${err.message}; rolling back`);
      await opts.restore();
      const newOnes = (await apiReplicas(project)).filter((c) => !old.includes(c.id)).map((c) => c.id);
      await rollApi(stack, newOnes, opts);
      return { replaced: 0, recreated: [], rolledBack: err.message };
    }
  }
  const rest = changed.filter((s) => s !== "api" && s !== "migrate" && !dataTier.includes(s));
  if (rest.length) await upNoDeps(stack, rest, opts.log);
  const recreated = [...dataTier, ...rest];
  const counted = await setReplicaCount(stack, desiredReplicas(await readFile(paths.compose, "utf8")), opts);
  // nginx reloaded already if replicas came or went; otherwise once, for a new certificate or recreated neighbours. A
  // recreated nginx (a new image) goes back on the follow loop's list.
  if ((!replaced && !counted) || rest.includes("nginx")) await follow(stack, true);
  return { replaced, recreated };
}
