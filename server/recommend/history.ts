import { Counter, type Registry } from "prom-client";
import type { Db } from "../db.js";
import { throttledWarn, type Logger } from "../logger.js";

/** One answered `recommend` call, as the `recommendations` table keeps it. */
export interface HistoryRow {
  requestId: string | null;
  descriptionHash: string;
  profile: unknown;
  model: string;
  mode: string;
  results: unknown;
  latencyMs: number;
}

export interface HistoryWriter {
  /** Queue a row; it is written with the others within `flushMs`. Never throws, never waits. */
  record(row: HistoryRow): void;
  /** Write what is queued now. */
  flush(): Promise<void>;
  /** Write what is queued and stop the timer (graceful shutdown). */
  close(): Promise<void>;
}

export interface HistoryOptions {
  log?: Logger;
  registry?: Registry;
  /** How long a row may wait for its batch (default 250 ms). */
  flushMs?: number;
  /** Rows per INSERT at most (default 500). */
  maxBatch?: number;
  /** Rows held while the database is slow or away; beyond this new rows are dropped and counted (default 20,000). */
  maxQueued?: number;
}

/**
 * The recommendation history, written in batches: one INSERT of many rows (arrays unnested by PostgreSQL) every
 * `flushMs`, instead of one transaction per request. Under load a row per request was the largest cost of a cached
 * answer (a commit, a WAL flush and a pool connection each). A batch that fails is dropped and counted: the history
 * never fails or slows an answer.
 */
export function createHistoryWriter(db: Db, opts: HistoryOptions = {}): HistoryWriter {
  const { log, flushMs = 250, maxBatch = 500, maxQueued = 20_000 } = opts;
  const lost = opts.registry
    ? new Counter({
        name: "stevie_history_rows_dropped_total",
        help: "Recommendation history rows not written (database unavailable or queue full)",
        labelNames: ["reason"],
        registers: [opts.registry],
      })
    : undefined;
  const queue: HistoryRow[] = [];
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const warn = throttledWarn(log);

  async function write(rows: HistoryRow[]): Promise<void> {
    try {
      await db.query(
        `INSERT INTO recommendations (request_id, description_hash, profile, model, mode, results, latency_ms)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::jsonb[], $7::real[])`,
        [
          rows.map((r) => r.requestId),
          rows.map((r) => r.descriptionHash),
          rows.map((r) => JSON.stringify(r.profile)),
          rows.map((r) => r.model),
          rows.map((r) => r.mode),
          rows.map((r) => JSON.stringify(r.results)),
          rows.map((r) => r.latencyMs),
        ],
      );
    } catch (err) {
      lost?.inc({ reason: "database" }, rows.length);
      warn({ err: (err as Error).message, rows: rows.length }, "could not record recommendation history");
    }
  }

  /** Writes batches until the queue is empty; one statement at a time, so a slow database never gets a pile of them. */
  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (running || !queue.length) return running ?? Promise.resolve();
    running = (async () => {
      try {
        while (queue.length) await write(queue.splice(0, maxBatch));
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    record(row) {
      if (queue.length >= maxQueued) {
        lost?.inc({ reason: "queue_full" });
        return;
      }
      queue.push(row);
      if (queue.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), flushMs).unref();
    },
    flush,
    close: flush,
  };
}
