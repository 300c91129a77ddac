import { inspect } from "node:util";

/**
 * A value that must never be printed. toString/JSON/inspect all show a placeholder, so logging a config
 * object or an error that carries one cannot leak it. Call reveal() only where the value is handed to its consumer.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[redacted]";
  }
  toJSON(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "Secret([redacted])";
  }
}

/** Replace every occurrence of the given secret values in a text. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join("[redacted]");
  }
  return out;
}

const known = new Set<string>();

/** Secrets known process-wide (generated passwords, keys read from secrets/) are redacted from every command error. */
export function registerSecret(value: string): void {
  if (value.length >= 4) known.add(value);
}

export const registeredSecrets = (): Iterable<string> => known;
