import { UserError } from "../errors.js";
import { poll } from "../wait.js";
import { Project, type ContainerState } from "./handle.js";

export interface ServiceHealth {
  service: string;
  expected: number;
  running: number;
  healthy: number;
  containers: ContainerState[];
}

/** Group a project's containers by compose service and count how many are up and healthy. Pure. */
export function summarise(containers: ContainerState[], expected: Record<string, number>): ServiceHealth[] {
  return Object.entries(expected).map(([service, n]) => {
    const mine = containers.filter((c) => c.service === service);
    return {
      service,
      expected: n,
      running: mine.filter((c) => c.state === "running").length,
      healthy: mine.filter((c) => c.state === "running" && (c.health === "healthy" || c.health === "none")).length,
      containers: mine,
    };
  });
}

export const allHealthy = (s: ServiceHealth[]) => s.every((x) => x.healthy >= x.expected && x.running === x.expected);

/**
 * Healthy as it runs now: every service complete, except that the API may run another number of replicas (all
 * healthy), and the ops service does not count: it serves no request, and it may be what runs this change.
 */
export const runningHealthy = (s: ServiceHealth[]) =>
  s.every((x) =>
    x.service === "ops"
      ? true
      : x.service === "api"
        ? x.running > 0 && x.healthy >= x.running
        : x.healthy >= x.expected && x.running === x.expected,
  );

/**
 * Refuses ACTION unless the stack serves as it runs now (runningHealthy): replacing replicas one at a time keeps the
 * API serving only if every service serves before.
 */
export function requireServing(health: ServiceHealth[], action: string): void {
  if (runningHealthy(health)) return;
  const bad = health.filter((x) => !runningHealthy([x])).map((x) => `${x.service} ${x.healthy}/${x.expected} healthy`);
  throw new UserError(
    `cannot ${action}: the stack is not healthy (${bad.join(", ")})`,
    "fix it first (`stevie-stack doctor`, `stevie-stack status`); nothing was changed",
  );
}

/** Poll the engine until every service has its expected number of healthy containers. */
export async function waitForHealthy(
  project: Project,
  expected: Record<string, number>,
  opts: { timeoutMs: number; onProgress?: (s: ServiceHealth[]) => void },
): Promise<ServiceHealth[]> {
  let last: ServiceHealth[] = [];
  const healthy = await poll(
    async () => {
      last = summarise(await project.containers(), expected);
      opts.onProgress?.(last);
      return allHealthy(last) ? last : undefined;
    },
    { timeoutMs: opts.timeoutMs },
  );
  if (healthy) return healthy;
  const bad = last
    .filter((x) => x.healthy < x.expected)
    .map((x) => `${x.service} (${x.healthy}/${x.expected} healthy)`);
  throw new UserError(
    `services did not become healthy within ${Math.round(opts.timeoutMs / 1000)} s: ${bad.join(", ")}`,
    `see \`stevie-stack logs SERVICE\` or \`docker compose -p ${project.project} ps\`, fix the cause, then run install again`,
  );
}

/** The last log lines of every container that is not healthy: printed when something fails. */
export async function unhealthyReport(project: Project, lines = 30): Promise<string> {
  const list = await project.containers();
  const parts: string[] = [];
  for (const c of list.filter((c) => c.state !== "running" || c.health === "unhealthy" || c.health === "starting")) {
    const logs = await project.logs(c.id, lines).catch((e: Error) => `(no logs: ${e.message})`);
    parts.push(`--- ${c.name} (${c.state}, ${c.health}) ---\n${logs.trimEnd()}`);
  }
  return parts.join("\n");
}
