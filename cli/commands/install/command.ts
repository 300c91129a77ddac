import { type Command, Option } from "commander";
import { existsSync } from "node:fs";
import type { StevieConfigInput } from "../../config/schema.js";
import { UserError } from "../../errors.js";
import { type GlobalFlags, confirmOrRefuse, intArg, isTTY, note, out, stackDir, withShared } from "../shared.js";

type InstallFlags = GlobalFlags & Record<string, string | number | boolean | undefined>;

export function register(program: Command): void {
  withShared(program.command("install"))
    .description("check the host, generate the stack, build images, start it and wait until healthy")
    .option("-c, --config <file>", "stevie.yaml to install from")
    .option("--non-interactive", "never ask questions (the default without a TTY)")
    .option(
      "--dry-run",
      "look, change nothing, and print what install would do: files, images, secrets, certificates, services",
    )
    .option("--plan", "the same as --dry-run")
    .addOption(new Option("--environment <env>", "dev, staging or prod").choices(["dev", "staging", "prod"]))
    .option("--project-name <name>", "Compose project name")
    .option("--domain <host>", "host name for the API and its certificate")
    .option("--bind-address <ip>", "host address nginx listens on")
    .option("--http-port <port>", "HTTP port", intArg("--http-port", 1, 65535))
    .option("--https-port <port>", "HTTPS port", intArg("--https-port", 1, 65535))
    .option("--api-replicas <n>", "API containers", intArg("--api-replicas", 2, 20))
    .addOption(
      new Option(
        "--profile <profile>",
        "resource profile: auto sizes from the host's RAM, small suits 2-4 GB hosts",
      ).choices(["auto", "small", "standard"]),
    )
    .option("--postgres-nodes <n>", "PostgreSQL members under Patroni (2 or 3)", intArg("--postgres-nodes", 2, 3))
    .option("--alert-webhook <url>", "Alertmanager posts alerts to this URL (JSON webhook)")
    .option("--alert-email <to>", "alerts by mail to this address (with --alert-email-from and --alert-smtp)")
    .option("--alert-email-from <from>", "sender address of alert mail")
    .option("--alert-smtp <host:port>", "SMTP relay for alert mail")
    .option(
      "--health-timeout <seconds>",
      "how long to wait for the stack to become healthy",
      intArg("--health-timeout", 10, 3600),
      600,
    )
    .action(install);
}

/** --alert-* flags as config: the schema checks them (URL, addresses, host:port) with the rest. */
export function alertOverrides(f: Record<string, unknown>): StevieConfigInput {
  const mail = f.alertEmail || f.alertEmailFrom || f.alertSmtp;
  if (!f.alertWebhook && !mail) return {};
  if (mail && !(f.alertEmail && f.alertEmailFrom && f.alertSmtp))
    throw new UserError("alert mail needs all three of --alert-email, --alert-email-from and --alert-smtp");
  return {
    monitoring: {
      alerts: {
        ...(f.alertWebhook ? { webhookUrl: String(f.alertWebhook) } : {}),
        ...(mail
          ? { email: { to: String(f.alertEmail), from: String(f.alertEmailFrom), smarthost: String(f.alertSmtp) } }
          : {}),
      },
    },
  };
}

/** The flags that set configuration keys, as a partial stevie.yaml. */
function flagOverrides(f: InstallFlags): StevieConfigInput {
  return {
    ...(f.environment ? { environment: f.environment as "dev" | "staging" | "prod" } : {}),
    ...(f.projectName ? { projectName: String(f.projectName) } : {}),
    ...(f.domain ? { domain: String(f.domain) } : {}),
    ...(f.bindAddress || f.httpPort || f.httpsPort
      ? {
          network: {
            bindAddress: f.bindAddress as string | undefined,
            httpPort: f.httpPort as number | undefined,
            httpsPort: f.httpsPort as number | undefined,
          },
        }
      : {}),
    ...(f.apiReplicas ? { api: { replicas: f.apiReplicas as number } } : {}),
    ...(f.profile ? { resources: { profile: f.profile as "auto" | "small" | "standard" } } : {}),
    ...(f.postgresNodes ? { postgres: { nodes: f.postgresNodes as number } } : {}),
    ...alertOverrides(f),
  };
}

async function install(f: InstallFlags): Promise<void> {
  const { runInstall, resolveConfig } = await import("../../stack/install.js");
  const { stackPaths } = await import("../../stack/paths.js");
  const overrides = flagOverrides(f);
  const dir = stackDir(f);
  const interactive = !f.nonInteractive && isTTY();
  let answers: { config: StevieConfigInput; openaiKey?: string } = { config: overrides };
  if (interactive && !f.config) {
    const { askInstallQuestions } = await import("../../wizard.js");
    // A re-run offers the installed stack's settings (with any flags on top), not the defaults: pressing Enter
    // through the questions changes nothing.
    const paths = stackPaths(dir);
    const current = existsSync(paths.config) ? (await resolveConfig({ overrides }, paths)).config : undefined;
    answers = await askInstallQuestions(current ?? overrides);
  }
  const opts = {
    dir,
    configFile: f.config as string | undefined,
    overrides: answers.config,
    openaiKey: answers.openaiKey,
    yes: Boolean(f.yes),
    dryRun: Boolean(f.dryRun || f.plan),
    interactive,
    healthTimeoutMs: Number(f.healthTimeout) * 1000,
  };
  const plan = await runInstall(opts, { log: f.json ? note : out, confirm: confirmOrRefuse });
  const { config } = await resolveConfig(opts, stackPaths(dir));
  const { apiUrl, caUrl, localCa } = await import("../../stack/urls.js");
  if (f.json) return out(JSON.stringify({ ...plan, url: apiUrl(config) }, null, 2));
  if (opts.dryRun) {
    const { renderPlan } = await import("../../stack/plan.js");
    return out(["", "Dry run: nothing was changed.", ...renderPlan(plan.plan!)].join("\n"));
  }
  out(
    plan.changes
      ? `\nThe stack is up and healthy.`
      : `\nNo changes: the stack is already installed with this configuration and healthy.`,
  );
  out(`API: ${apiUrl(config)}`);
  if (config.tls.mode === "self-signed") {
    const ca = await localCa(stackPaths(dir));
    out(`Clients trust the stack's CA: ${ca.path}, also at ${caUrl(config)} (SHA-256 ${ca.fingerprint})`);
  }
  out(`Next: stevie-stack status --dir ${stackPaths(dir).dir}`);
}
