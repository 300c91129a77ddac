import { confirm, input, number, select } from "@inquirer/prompts";
import { cpus, totalmem } from "node:os";
import type { StevieConfigInput } from "./config/schema.js";
import { hostSizing } from "./stack/sizing.js";

/** The install questions, asked only on a TTY. Every answer has a flag twin (see `install --help`). */
export async function askInstallQuestions(defaults: StevieConfigInput): Promise<StevieConfigInput> {
  const environment = await select<"dev" | "staging" | "prod">({
    message: "Environment",
    choices: [
      { value: "prod", name: "prod: 30-day backups, info logs" },
      { value: "staging", name: "staging" },
      { value: "dev", name: "dev: 7-day backups, debug logs" },
    ],
    default: defaults.environment ?? "prod",
  });
  const domain = await input({ message: "Host name the API will be reached at", default: defaults.domain ?? "localhost" });
  const httpsPort = await number({ message: "HTTPS port", default: defaults.network?.httpsPort ?? 443, min: 1, max: 65535, required: true });
  const httpPort = await number({ message: "HTTP port (redirects to HTTPS)", default: defaults.network?.httpPort ?? 80, min: 1, max: 65535, required: true });
  const replicas = await number({ message: "API replicas", default: defaults.api?.replicas ?? 2, min: 2, max: 20, required: true });
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
  return {
    ...defaults,
    environment,
    domain,
    network: { ...defaults.network, httpPort, httpsPort },
    api: { ...defaults.api, replicas },
    resources: { ...defaults.resources, profile },
    postgres: { ...defaults.postgres, nodes },
  };
}

export function confirmPrompt(message: string): Promise<boolean> {
  return confirm({ message, default: false });
}
