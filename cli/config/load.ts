import { readFile } from "node:fs/promises";
import { parseDocument, isMap, YAMLParseError } from "yaml";
import { z } from "zod";
import { ProblemsError, UserError } from "../errors.js";
import { configSchema, type StevieConfig } from "./schema.js";

/** Turn zod issues into "path: message" lines, every one of them. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const path = i.path.length ? i.path.join(".") : "(top level)";
    if (i.code === "unrecognized_keys") {
      const where = i.path.length ? `${i.path.join(".")}: ` : "";
      return `${where}unknown key${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}`;
    }
    return `${path}: ${i.message}`;
  });
}

/** A key left empty in YAML (`postgres:`, `logLevel:`) is null: it means "not set", so the default applies. */
function withoutEmptyKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutEmptyKeys(v)]),
  );
}

export function parseConfig(raw: unknown, source: string): StevieConfig {
  const r = configSchema.safeParse(withoutEmptyKeys(raw ?? {}));
  if (!r.success) {
    throw new ProblemsError(
      `${source} is not a valid stevie-stack configuration:`,
      describeIssues(r.error.issues),
      "correct the keys above; `stevie-stack config example` prints every key with its meaning",
    );
  }
  return r.data;
}

export function parseConfigText(text: string, source: string): StevieConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e: YAMLParseError) => e.message.split("\n")[0] ?? e.message);
    throw new ProblemsError(`${source} is not valid YAML:`, problems, "fix the YAML syntax at the lines shown");
  }
  const value: unknown = doc.toJS();
  if (value !== null && value !== undefined && !isMap(doc.contents)) {
    throw new UserError(
      `${source} must be a YAML mapping (key: value lines), found ${typeof value}`,
      "see `stevie-stack config example`",
    );
  }
  return parseConfig(value, source);
}

export async function loadConfigFile(path: string): Promise<StevieConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read config file ${path} (${code ?? String(err)})`, "check the path given to --config");
  }
  return parseConfigText(text, path);
}
