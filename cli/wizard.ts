import { confirm, input, number, select } from "@inquirer/prompts";
import type { StevieConfigInput } from "./config/schema.js";

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
  return { ...defaults, environment, domain, network: { ...defaults.network, httpPort, httpsPort }, api: { ...defaults.api, replicas } };
}

export function confirmPrompt(message: string): Promise<boolean> {
  return confirm({ message, default: false });
}
