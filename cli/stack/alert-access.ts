import { chown, rm } from "node:fs/promises";
import { join } from "node:path";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { registerSecret } from "../secret.js";
import { readCaFile, readIfExists, sha256, writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { SERVICE_USER } from "./topology.js";

/**
 * What Alertmanager needs beyond alertmanager.yml to reach the operator: the SMTP password, the Slack webhook's URL
 * and PagerDuty's routing key (each given once in the environment at install, then kept in secrets/, 0600, as
 * Alertmanager's user owns it: it reads them as files, so they never appear in its configuration or its API), and the
 * CA of a private mail relay, copied into tls/.
 */
export type AlertsConfig = StevieConfig["monitoring"]["alerts"];

export const ALERT_SECRETS = [
  {
    name: "alert_smtp_password",
    env: "STEVIE_SMTP_PASSWORD",
    wanted: (a: AlertsConfig) => Boolean(a.email?.username),
    what: "monitoring.alerts.email.username",
  },
  {
    name: "alert_slack_url",
    env: "STEVIE_SLACK_WEBHOOK_URL",
    wanted: (a: AlertsConfig) => Boolean(a.slack),
    what: "monitoring.alerts.slack",
  },
  {
    name: "alert_pagerduty_key",
    env: "STEVIE_PAGERDUTY_ROUTING_KEY",
    wanted: (a: AlertsConfig) => Boolean(a.pagerduty),
    what: "monitoring.alerts.pagerduty",
  },
] as const;
export type AlertSecretName = (typeof ALERT_SECRETS)[number]["name"];
/** monitoring.alerts.email.caFile, copied into tls/. */
export const SMTP_CA_FILE = "alert-smtp-ca.crt";
export const SMTP_CA_SECRET = "alert_smtp_ca";

/** The secrets (and the relay's CA) the alerts configuration asks for: what Compose mounts into Alertmanager. */
export function alertSecretsWanted(alerts: AlertsConfig): string[] {
  return [
    ...ALERT_SECRETS.filter((s) => s.wanted(alerts)).map((s) => s.name),
    ...(alerts.email?.caFile ? [SMTP_CA_SECRET] : []),
  ];
}

function checkSecret(name: AlertSecretName, value: string): string {
  if (/[\r\n]/.test(value)) throw new UserError(`the value for ${name} spans several lines`, "give it on one line");
  if (name === "alert_slack_url" && !/^https?:\/\/\S+$/.test(value))
    throw new UserError(
      "STEVIE_SLACK_WEBHOOK_URL is not an http(s) URL",
      "give the incoming webhook's URL, such as https://hooks.slack.com/services/...",
    );
  return value;
}

/**
 * Write the values given in the environment to secrets/ (or check that earlier ones are there), remove those no
 * longer wanted, and copy the relay's CA. Returns a short hash of what Alertmanager reads, so that a change recreates
 * it. `write: false` (a dry run): the same answer, nothing written.
 */
export async function ensureAlertAccess(
  paths: StackPaths,
  alerts: AlertsConfig,
  env: NodeJS.ProcessEnv = process.env,
  { write } = { write: true },
): Promise<{ changed: boolean; hash?: string }> {
  let changed = false;
  const values: string[] = [];
  for (const s of ALERT_SECRETS) {
    const file = join(paths.secrets, s.name);
    const old = (await readIfExists(file))?.trim();
    if (!s.wanted(alerts)) {
      if (old !== undefined && write) await rm(file, { force: true });
      continue;
    }
    const given = env[s.env]?.trim() ? checkSecret(s.name, env[s.env]!.trim()) : undefined;
    const now = given ?? old;
    if (!now)
      throw new UserError(
        `${s.what} is set but ${s.env} was never given`,
        `run install with ${s.env} set in the environment; it is kept in ${paths.secrets} (0600)`,
      );
    registerSecret(now);
    if (given && given !== old) {
      changed = true;
      if (write) await writeAtomic(file, `${given}\n`, 0o600);
    }
    // Alertmanager runs as the monitoring image's user from the start, and Compose keeps a file secret's owner.
    if (write) await chown(file, SERVICE_USER.uid, SERVICE_USER.gid);
    values.push(`${s.name}=${now}`);
  }
  const caFile = alerts.email?.caFile;
  if (caFile) {
    const pem = await readCaFile(paths.dir, caFile, "monitoring.alerts.email.caFile", "the mail relay's certificate");
    const to = join(paths.tls, SMTP_CA_FILE);
    if ((await readIfExists(to)) !== pem) {
      if (write) await writeAtomic(to, pem);
      changed = true;
    }
    values.push(pem);
  }
  return { changed, ...(values.length ? { hash: sha256(values.join("\0")).slice(0, 16) } : {}) };
}
