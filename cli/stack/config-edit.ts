import { readFile } from "node:fs/promises";
import { parse, parseDocument, stringify, type Document } from "yaml";
import { parseConfigText } from "../config/load.js";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { recordAudit } from "./audit.js";
import { writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { runInstall } from "./install.js";
import { checkOpenAIKey, writeOpenAIKey } from "./openai.js";
import { loadStack } from "./load.js";
import { Stack } from "./handle.js";
import { withStackLock } from "./lock.js";

/**
 * `config show` and `config set`, and the one way the CLI changes an installed stack's stevie.yaml (scale uses it
 * too): edit the document (comments and order kept), validate it, write it, apply it as install does (only what the
 * change touches is recreated), and put the previous file back and converge to it if applying fails.
 */

/** Apply an edit of stevie.yaml to the running stack; the previous file comes back if it fails. */
export async function applyConfigEdit(
  dir: string,
  edit: (doc: Document) => void,
  log: (l: string) => void,
  reason: string,
): Promise<{ paths: StackPaths; before: StevieConfig; after: StevieConfig; changed: boolean }> {
  const { paths } = await loadStack(dir);
  // Held from the read to the install: a change that finds the stack busy leaves stevie.yaml untouched.
  return withStackLock(paths, `stevie-stack ${reason.split(":")[0]}`, () => editAndInstall(dir, edit, log, reason));
}

async function editAndInstall(
  dir: string,
  edit: (doc: Document) => void,
  log: (l: string) => void,
  reason: string,
): Promise<{ paths: StackPaths; before: StevieConfig; after: StevieConfig; changed: boolean }> {
  const { paths, config: before } = await loadStack(dir);
  const text = await readFile(paths.config, "utf8");
  const doc = parseDocument(text);
  edit(doc);
  const next = doc.toString();
  const after = parseConfigText(next, `${paths.config} (after the change)`);
  if (JSON.stringify(after) === JSON.stringify(before)) return { paths, before, after, changed: false };
  await writeAtomic(paths.config, next);
  const install = (why: string) =>
    runInstall(
      { dir, overrides: {}, yes: true, dryRun: false, interactive: false, healthTimeoutMs: 10 * 60_000, reason: why },
      { log, confirm: async () => true },
    );
  try {
    await install(reason);
  } catch (err) {
    await writeAtomic(paths.config, text);
    await install(`${reason}: failed (${(err as Error).message.slice(0, 200)}), put back`).catch(() => undefined);
    throw err;
  }
  return { paths, before, after, changed: true };
}

/** The one key that is not in stevie.yaml: `config set openai.apiKey -` reads it from stdin into secrets/. */
export const OPENAI_KEY_SETTING = "openai.apiKey";

/**
 * Put an OpenAI key in place (empty: remove it, back to the offline model) and apply it as install does: the migration
 * job embeds the catalogue with the key's model first, then the API replicas are replaced one at a time, so answers
 * keep coming from the old ones meanwhile. If that fails (a key OpenAI refuses, say), the previous key comes back.
 */
export async function setOpenAIKey(
  dir: string,
  value: string,
  log: (l: string) => void,
  action = "config-set",
): Promise<{ changed: boolean; changes: { key: string; from: string; to: string }[] }> {
  const key = checkOpenAIKey(value);
  const { paths, config } = await loadStack(dir);
  const previous = await writeOpenAIKey(paths, key);
  const shown = (k: string | undefined) => (k ? "[set]" : "[none]");
  if ((previous ?? "") === key) return { changed: false, changes: [] };
  const install = (why: string, openaiKey: string) =>
    runInstall(
      {
        dir,
        overrides: {},
        openaiKey,
        yes: true,
        dryRun: false,
        interactive: false,
        healthTimeoutMs: 10 * 60_000,
        reason: why,
      },
      { log, confirm: async () => true },
    );
  const reason = `${action === "config-set" ? "config set" : action} ${OPENAI_KEY_SETTING} (${key ? "a new key" : "removed"})`;
  try {
    await install(reason, key);
  } catch (err) {
    await writeOpenAIKey(paths, previous ?? "");
    await install(`${reason}: failed (${(err as Error).message.slice(0, 200)}), put back`, previous ?? "").catch(
      () => undefined,
    );
    throw err;
  }
  const changes = [{ key: OPENAI_KEY_SETTING, from: shown(previous), to: shown(key) }];
  await recordAudit(new Stack(paths, config.projectName), {
    action,
    target: "secrets/openai_api_key",
    details: { changes },
  });
  return { changed: true, changes };
}

const keyPath = (key: string) => {
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(key))
    throw new UserError(
      `"${key}" is not a configuration key`,
      "keys are dotted paths such as api.replicas or monitoring.alerts.webhookUrl; see `stevie-stack config show`",
    );
  return key.split(".");
};

function valueAt(config: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    config,
  );
}

/** `config set KEY VALUE...`: VALUE is YAML (4, true, [a, b], "text"); every pair is validated before anything applies. */
export async function setConfig(dir: string, pairs: [string, string][], log: (l: string) => void) {
  const parsed = pairs.map(([key, value]) => {
    let v: unknown;
    try {
      v = parse(value);
    } catch (err) {
      throw new UserError(
        `the value for ${key} is not valid YAML: ${(err as Error).message.split("\n")[0]}`,
        'quote text values: config set domain "api.example.com"',
      );
    }
    return { key, path: keyPath(key), value: v };
  });
  const reason = `config set ${parsed.map((p) => `${p.key}=${JSON.stringify(redactValue(p.key, p.value))}`).join(" ")}`;
  const r = await applyConfigEdit(
    dir,
    (doc) => {
      for (const p of parsed) doc.setIn(p.path, p.value);
    },
    log,
    reason,
  );
  const changes = parsed
    .map((p) => ({ key: p.key, from: valueAt(r.before, p.path), to: valueAt(r.after, p.path) }))
    .filter((c) => JSON.stringify(c.from) !== JSON.stringify(c.to));
  const shown = changes.map((c) => ({ key: c.key, from: redactValue(c.key, c.from), to: redactValue(c.key, c.to) }));
  if (r.changed)
    await recordAudit(new Stack(r.paths, r.after.projectName), {
      action: "config-set",
      target: "stevie.yaml",
      details: { changes: shown },
    });
  return { changed: r.changed, changes: shown };
}

/** A webhook URL carries its token in the path or query (Slack, Teams, PagerDuty): show where it goes, not the key. */
function redactValue(key: string, value: unknown): unknown {
  if (!/webhookurl$/i.test(key) || typeof value !== "string") return value;
  try {
    const u = new URL(value);
    return `${u.protocol}//${u.host}/[redacted]`;
  } catch {
    return "[redacted]";
  }
}

/** The configuration in effect (defaults filled in), with secrets redacted; secret values live in secrets/, never here. */
export async function showConfig(dir: string): Promise<{ file: string; config: StevieConfig; yaml: string }> {
  const { paths, config } = await loadStack(dir);
  const redacted = structuredClone(config);
  const alerts = redacted.monitoring.alerts;
  if (alerts.webhookUrl) alerts.webhookUrl = String(redactValue("webhookUrl", alerts.webhookUrl));
  return { file: paths.config, config: redacted, yaml: stringify(redacted) };
}
