import { pino, type Logger } from "pino";

export type { Logger };

/**
 * JSON logs to stdout. Anything that looks like a credential is censored wherever it appears in a log object.
 *
 * Written asynchronously: a synchronous write blocks the event loop whenever the pipe to Docker is full (its log
 * reader lags on a busy host), and a flood of refused requests, each logged, then stalled every request on the
 * replica (issue 22). Up to 8 MB waits in memory; beyond that lines are dropped rather than the process stalled.
 * Before exiting, `log.flush(cb)` waits for what is queued (a plain process.exit while the pipe is full loses lines).
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level,
      base: { service: "api", ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          "password",
          "*.password",
          "*.PGPASSWORD",
          "*.REDIS_PASSWORD",
          "*.REDIS_SENTINEL_PASSWORD",
          "*.OPENAI_API_KEY",
          "req.headers.authorization",
          "req.headers.cookie",
          "apiKey",
          "*.apiKey",
        ],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: 1, sync: false, maxLength: 8 * 1024 * 1024 }),
  );
}

/**
 * A warning logged at most once per `everyMs`: a dependency that is down would otherwise log on every request
 * (the metrics count every occurrence).
 */
export function throttledWarn(
  log: Pick<Logger, "warn"> | undefined,
  everyMs = 30_000,
): (fields: Record<string, unknown>, message: string) => void {
  let last = 0;
  return (fields, message) => {
    if (!log || Date.now() - last < everyMs) return;
    last = Date.now();
    log.warn(fields, message);
  };
}
