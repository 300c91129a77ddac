import type pg from "pg";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * Database metrics of one API process: the pool's connections (in use, idle, callers waiting for one) and the
 * duration of every query sent through `pool.query` (the hand-written vector, full-text and health queries; the
 * Prisma client checks out its own connections and is not timed here). Slow-query alerts use the histogram.
 */
export function instrumentPool(pool: pg.Pool, registry: Registry): void {
  const registers = [registry];
  new Gauge({
    name: "stevie_db_pool_connections",
    help: "PostgreSQL pool connections of this process, by state (in_use, idle, waiting = callers queued for one)",
    labelNames: ["state"],
    registers,
    collect() {
      this.set({ state: "in_use" }, pool.totalCount - pool.idleCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });
  new Gauge({
    name: "stevie_db_pool_max",
    help: "Largest number of connections the pool opens",
    registers,
    collect() {
      this.set(pool.options.max ?? 10);
    },
  });
  const duration = new Histogram({
    name: "stevie_db_query_duration_seconds",
    help: "Duration of queries through the pool, by outcome (ok, error)",
    labelNames: ["outcome"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const failures = new Counter({
    name: "stevie_db_connection_errors_total",
    help: "Failures to get a PostgreSQL connection (refused, timed out, authentication)",
    registers,
  });
  // Series from the start, so the slow-query and connection alerts have something to read before the first query.
  duration.zero({ outcome: "ok" });
  duration.zero({ outcome: "error" });
  failures.inc(0);

  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  // Only the promise form is timed (the form the API uses); a callback or a Submittable passes through unchanged.
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (typeof args.at(-1) === "function" || typeof (args[0] as { submit?: unknown })?.submit === "function")
      return query(...args);
    const end = duration.startTimer();
    return (query(...args) as Promise<unknown>).then(
      (r) => (end({ outcome: "ok" }), r),
      (err: Error) => {
        end({ outcome: "error" });
        if (isConnectionError(err)) failures.inc();
        throw err;
      },
    );
  };
}

/**
 * Errors that mean no connection could be had or the one in use was lost, as opposed to a query that failed on a
 * working one. Prisma's adapter turns pg's into errors of its own: a connection closed under a query (HAProxy
 * replaced, a member gone) is P1017, a server not reachable P1001, a timeout P1002 or P1008.
 */
export function isConnectionError(err: Error & { code?: string }): boolean {
  return (
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|57P0[1-3]|28P01|28000|53300|P1001|P1002|P1008|P1017)$/.test(
      err.code ?? "",
    ) || /timeout exceeded when trying to connect|Connection terminated|is not queryable/i.test(err.message)
  );
}
