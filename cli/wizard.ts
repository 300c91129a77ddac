import { confirm, input, number, password, select } from "@inquirer/prompts";
import { cpus, totalmem } from "node:os";
import type { StevieConfigInput } from "./config/schema.js";
import { checkOpenAIKey } from "./stack/openai.js";
import { hostSizing } from "./stack/sizing.js";

/**
 * The install questions, asked only on a TTY. Every answer has a flag twin (see `install --help`); the OpenAI key's
 * is the STEVIE_OPENAI_API_KEY environment variable. The key is returned apart: it goes to secrets/, not stevie.yaml.
 */
export async function askInstallQuestions(
  defaults: StevieConfigInput,
): Promise<{ config: StevieConfigInput; openaiKey?: string }> {
  const environment = await select<"dev" | "staging" | "prod">({
    message: "Environment",
    choices: [
      { value: "prod", name: "prod: 30-day backups, info logs" },
      { value: "staging", name: "staging" },
      { value: "dev", name: "dev: 7-day backups, debug logs" },
    ],
    default: defaults.environment ?? "prod",
  });
  const domain = await input({
    message: "Host name the API will be reached at",
    default: defaults.domain ?? "localhost",
  });
  const httpsPort = await number({
    message: "HTTPS port",
    default: defaults.network?.httpsPort ?? 443,
    min: 1,
    max: 65535,
    required: true,
  });
  const httpPort = await number({
    message: "HTTP port (redirects to HTTPS)",
    default: defaults.network?.httpPort ?? 80,
    min: 1,
    max: 65535,
    required: true,
  });
  const replicas = await number({
    message: "API replicas",
    default: defaults.api?.replicas ?? 2,
    min: 2,
    max: 20,
    required: true,
  });
  // Memory-aware defaults: the profile and the number of Postgres members follow this host's RAM and CPUs.
  const gb = totalmem() / 1024 ** 3;
  const suggested = hostSizing({ resources: { profile: "auto" } });
  const profile = await select<"auto" | "small" | "standard">({
    message: `Resource profile (this host: ${gb.toFixed(1)} GB RAM, ${cpus().length} CPUs)`,
    choices: [
      { value: "auto", name: `auto: ${suggested.profile} on this host` },
      { value: "small", name: "small: for 2-4 GB hosts (Postgres 160 MB shared buffers, Redis 128 MB)" },
      { value: "standard", name: "standard: sized from the host's RAM" },
    ],
    default: defaults.resources?.profile ?? "auto",
  });
  const nodes = await select<2 | 3>({
    message: "PostgreSQL members (Patroni)",
    choices: [
      { value: 2, name: "2: leader + one replica" },
      { value: 3, name: "3: leader + two replicas, synchronous replication (needs ~16 GB and 4 CPUs)" },
    ],
    default: defaults.postgres?.nodes ?? suggested.postgresNodes,
  });
  const alerts = await askAlertDestinations(defaults.monitoring?.alerts ?? {});
  const openaiKey = await askOpenAIKey();
  const config: StevieConfigInput = {
    ...defaults,
    ...(alerts ? { monitoring: { ...defaults.monitoring, alerts } } : {}),
    environment,
    domain,
    network: { ...defaults.network, httpPort, httpsPort },
    api: { ...defaults.api, replicas },
    resources: { ...defaults.resources, profile },
    postgres: { ...defaults.postgres, nodes },
  };
  return { config, ...(openaiKey ? { openaiKey } : {}) };
}

/** The OpenAI key, checked as typed; undefined for none (or to keep the one installed). */
async function askOpenAIKey(): Promise<string | undefined> {
  const key = await password({
    message: "OpenAI API key (Enter: none, or keep the one installed; the offline model answers without one)",
    mask: "*",
    validate: (v) => {
      try {
        checkOpenAIKey(v);
        return true;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return key.trim() ? checkOpenAIKey(key) : undefined;
}

type Alerts = NonNullable<NonNullable<StevieConfigInput["monitoring"]>["alerts"]>;

/** Where Alertmanager sends alerts: nowhere (status only), a webhook, mail, or both. Each answer is checked as typed. */
async function askAlertDestinations(current: Alerts): Promise<Alerts | undefined> {
  const where = await select<"none" | "webhook" | "email" | "both">({
    message: "Send alerts to",
    choices: [
      { value: "none", name: "nowhere: `stevie-stack status` shows them" },
      { value: "webhook", name: "a webhook (Slack/Teams bridge, PagerDuty, your endpoint)" },
      { value: "email", name: "email through an SMTP relay" },
      { value: "both", name: "both" },
    ],
    default:
      current.webhookUrl && current.email ? "both" : current.webhookUrl ? "webhook" : current.email ? "email" : "none",
  });
  if (where === "none") return undefined;
  const out: Alerts = {};
  if (where === "webhook" || where === "both") {
    out.webhookUrl = await input({
      message: "Webhook URL",
      default: current.webhookUrl,
      validate: (v) => /^https?:\/\/\S+$/.test(v) || "an http(s) URL",
    });
  }
  if (where === "email" || where === "both") {
    const addr = (v: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) || "an email address";
    const to = await input({ message: "Send alert mail to", default: current.email?.to, validate: addr });
    const from = await input({ message: "From address", default: current.email?.from, validate: addr });
    const smarthost = await input({
      message: "SMTP relay (host:port)",
      default: current.email?.smarthost,
      validate: (v) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(v) || "host:port, such as smtp.example.com:587",
    });
    out.email = { to, from, smarthost };
  }
  return out;
}

export function confirmPrompt(message: string): Promise<boolean> {
  return confirm({ message, default: false });
}
