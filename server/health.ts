import type { Deps } from "./context.js";

export type CheckState = "up" | "down";
export interface Readiness {
  status: "ready" | "degraded" | "down";
  checks: Record<string, { state: CheckState; ms: number; error?: string }>;
}

async function timed(
  fn: () => Promise<unknown>,
  timeoutMs: number,
): Promise<{ state: CheckState; ms: number; error?: string }> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { state: "up", ms: Math.round(performance.now() - start) };
  } catch (err) {
    return { state: "down", ms: Math.round(performance.now() - start), error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ready means this replica can answer API calls: the database is required. Redis only speeds things up,
 * so a Redis outage makes the replica "degraded" (still 200) rather than pulling it out of the load balancer.
 */
export async function checkReadiness(
  deps: Pick<Deps, "db" | "redis">,
  embeddingsReady: () => Promise<unknown>,
): Promise<Readiness> {
  const [db, redis, embeddings] = await Promise.all([
    timed(() => deps.db.query("select 1"), 2_000),
    timed(() => deps.redis.ping(), 1_000),
    timed(embeddingsReady, 2_000),
  ]);
  const status =
    db.state === "down" || embeddings.state === "down" ? "down" : redis.state === "down" ? "degraded" : "ready";
  return { status, checks: { database: db, redis, embeddings } };
}
