import { pino, type Logger } from "pino";

export type { Logger };

/** JSON logs to stdout. Anything that looks like a credential is censored wherever it appears in a log object. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: "api", ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["password", "*.password", "*.PGPASSWORD", "*.REDIS_PASSWORD", "*.REDIS_SENTINEL_PASSWORD", "*.OPENAI_API_KEY", "req.headers.authorization", "req.headers.cookie", "apiKey", "*.apiKey"],
      censor: "[redacted]",
    },
  });
}

/**
 * A warning logged at most once per `everyMs`: a dependency that is down would otherwise log on every request
 * (the metrics count every occurrence).
 */
export function throttledWarn(log: Pick<Logger, "warn"> | undefined, everyMs = 30_000): (fields: Record<string, unknown>, message: string) => void {
  let last = 0;
  return (fields, message) => {
    if (!log || Date.now() - last < everyMs) return;
    last = Date.now();
    log.warn(fields, message);
  };
}
