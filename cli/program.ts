import { Command, InvalidArgumentError, Option } from "commander";
import { existsSync } from "node:fs";
import type { StevieConfigInput } from "./config/schema.js";
import { originListProblems } from "../server/cors.js";
import { EXIT_CODES, UserError } from "./errors.js";
import { packageVersion } from "./package-root.js";
import { defaultStackDir } from "./stack/paths.js";
import { sleep } from "./wait.js";

/**
 * Every command, registered in one place. Actions only turn flags into a typed options object and call the
 * module that does the work (loaded lazily, so `--help` stays fast).
 */
interface GlobalFlags {
  dir?: string;
  yes?: boolean;
  json?: boolean;
  verbose?: boolean;
}

const intArg = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

const isTTY = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/** A secret from stdin: typed behind a mask on a terminal, otherwise everything piped in (trimmed). */
async function readSecretInput(what: string): Promise<string> {
  if (isTTY()) {
    const { password } = await import("@inquirer/prompts");
    return password({ message: what, mask: "*" });
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function confirmOrRefuse(question: string): Promise<boolean> {
  if (!isTTY()) return false;
  const { confirmPrompt } = await import("./wizard.js");
  return confirmPrompt(question);
}

/**
 * A subcommand's flags together with its parent's (`backup --dir X list` and `backup list --dir X` mean the same).
 */
function flagsOf<T = object>(cmd: Command): GlobalFlags & T {
  return cmd.optsWithGlobals<GlobalFlags & T>();
}

function withShared(cmd: Command): Command {
  return cmd
    .option(
      "--dir <path>",
      "stack directory (default: $STEVIE_STACK_DIR, else /opt/stevie-stack as root, else ./stevie-stack)",
    )
    .option("-y, --yes", "answer yes to every question (needed for destructive actions without a TTY)")
    .option("--json", "machine-readable output")
    .option("--verbose", "show stack traces and commands");
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

export function buildProgram(): Command {
  const program = new Command("stevie-stack")
    .description("Install and operate the Stevie Awards Recommendation API on this host")
    .version(packageVersion())
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (s, write) => write(s) })
    .addHelpText(
      "after",
      `\nExit codes:\n${EXIT_CODES.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join("\n")}\n`,
    );
  program.exitOverride();
  program.hook("preAction", async (_program, action) => {
    if (action.optsWithGlobals<GlobalFlags>().json) (await import("./output.js")).reserveStdoutForJson();
  });

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
    .action(async (f: GlobalFlags & Record<string, string | number | boolean | undefined>) => {
      const { runInstall, apiUrl, caUrl, localCa, resolveConfig } = await import("./commands/install.js");
      const { stackPaths } = await import("./stack/paths.js");
      const overrides: StevieConfigInput = {
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
      const dir = f.dir ?? defaultStackDir();
      const interactive = !f.nonInteractive && isTTY();
      let answers: { config: StevieConfigInput; openaiKey?: string } = { config: overrides };
      if (interactive && !f.config) {
        const { askInstallQuestions } = await import("./wizard.js");
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
      const plan = await runInstall(opts, {
        log: f.json ? (l) => process.stderr.write(`${l}\n`) : out,
        confirm: confirmOrRefuse,
      });
      const { config } = await resolveConfig(opts, stackPaths(dir));
      if (f.json) return out(JSON.stringify({ ...plan, url: apiUrl(config) }, null, 2));
      if (opts.dryRun) {
        const { renderPlan } = await import("./stack/plan.js");
        out(["", "Dry run: nothing was changed.", ...renderPlan(plan.plan!)].join("\n"));
        return;
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
    });

  withShared(program.command("status"))
    .description("show every service of the stack and its health")
    .action(async (f: GlobalFlags) => {
      const { collectStatus, renderStatus } = await import("./commands/status.js");
      const s = await collectStatus(f.dir ?? defaultStackDir());
      out(f.json ? JSON.stringify(s, null, 2) : renderStatus(s));
      if (!s.healthy) process.exitCode = 3;
    });

  withShared(program.command("forward"))
    .description(
      "open an internal web UI (prometheus, alertmanager) on 127.0.0.1 of this host while the command runs; it goes through Docker, so only who may use Docker can",
    )
    .argument("<service>", "prometheus or alertmanager")
    .option("--port <n>", "the local port (default: the service's own)", intArg("--port", 1, 65535))
    .action(async (service: string, f: GlobalFlags & { port?: number }) => {
      const { startForward } = await import("./commands/forward.js");
      const { url, stop } = await startForward({ dir: f.dir ?? defaultStackDir(), service, port: f.port });
      out(f.json ? JSON.stringify({ service, url }) : `${service} on ${url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const end = () => void stop().then(resolve);
        process.once("SIGINT", end);
        process.once("SIGTERM", end);
      });
    });

  withShared(program.command("doctor"))
    .description(
      "the preflight checks plus deep checks of the running stack (leader, replication, quorum, disk, certificate, backups, drills, logs, clock), each with a fix",
    )
    .option(
      "--bundle [file]",
      "write a support archive instead (doctor, status, redacted configuration, generated files, recent logs, host facts); secrets are replaced, the file is 0600",
    )
    .action(async (f: GlobalFlags & { bundle?: string | boolean }) => {
      if (f.bundle) {
        const { writeSupportBundle } = await import("./commands/bundle.js");
        const b = await writeSupportBundle(
          f.dir ?? defaultStackDir(),
          typeof f.bundle === "string" ? f.bundle : undefined,
        );
        out(
          f.json
            ? JSON.stringify(b, null, 2)
            : `Support bundle: ${b.file} (${b.entries.length} files, ${b.redactions} secret values replaced)`,
        );
        return;
      }
      const { runDoctor } = await import("./commands/doctor.js");
      const { renderChecks } = await import("./host/preflight.js");
      const r = await runDoctor(f.dir ?? defaultStackDir());
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : `${renderChecks(r.checks)}\n\nVerdict: ${r.verdict === "ok" ? "all good" : r.verdict === "warn" ? "working, with warnings" : "PROBLEMS FOUND"}`,
      );
      if (r.verdict === "fail") process.exitCode = 3;
    });

  withShared(program.command("upgrade"))
    .description(
      "move the stack to this CLI's version: images built first, a verified backup, migrations, API replicas replaced one at a time (rolled back by itself if a new one is unhealthy)",
    )
    .option("--to <version>", "the version to upgrade to (must be this CLI's version)")
    .option("--dry-run", "print what would change (breaking changes, images, files, your edits) and change nothing")
    .option(
      "--replica-timeout <seconds>",
      "how long a new API replica may take to become healthy",
      intArg("--replica-timeout", 10, 3600),
      150,
    )
    .action(async (f: GlobalFlags & { to?: string; dryRun?: boolean; replicaTimeout: number }) => {
      const { runUpgrade, renderUpgrade } = await import("./commands/upgrade.js");
      const r = await runUpgrade({
        dir: f.dir ?? defaultStackDir(),
        ...(f.to ? { to: f.to } : {}),
        dryRun: Boolean(f.dryRun),
        yes: Boolean(f.yes),
        replicaTimeoutMs: Number(f.replicaTimeout) * 1000,
        log: f.json ? () => undefined : out,
        confirm: confirmOrRefuse,
      });
      out(f.json ? JSON.stringify(r, null, 2) : renderUpgrade(r));
      if (r.status === "rolled-back") process.exitCode = 4;
    });

  withShared(program.command("history"))
    .description(
      "what the CLI changed in the stack directory, newest first (a git repository: `git -C DIR log -p` shows the differences)",
    )
    .option("-n, --limit <n>", "how many changes", intArg("--limit", 1, 10_000), 20)
    .action(async (f: GlobalFlags & { limit: number }) => {
      const { stackHistory } = await import("./stack/history.js");
      const { loadStack } = await import("./commands/status.js");
      const { paths } = await loadStack(f.dir ?? defaultStackDir());
      const h = await stackHistory(paths.dir, f.limit);
      out(
        f.json
          ? JSON.stringify(h, null, 2)
          : h.length
            ? h.map((c) => `${c.id}  ${c.at}  ${c.message.split("\n")[0]}`).join("\n")
            : "No history yet: it starts with the next install.",
      );
    });

  withShared(program.command("scale"))
    .description("set the number of API replicas (2 to 20), e.g. `scale api=4`; no request is dropped while it changes")
    .argument("<spec>", "api=N")
    .action(async (spec: string, f: GlobalFlags) => {
      const { parseScaleSpec, scaleApi } = await import("./commands/scale.js");
      const to = parseScaleSpec(spec);
      const r = await scaleApi(f.dir ?? defaultStackDir(), to, f.json ? () => undefined : out);
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : r.changed
            ? `Scaled the API from ${r.from} to ${r.to} replicas.`
            : `The API already runs ${r.to} replicas.`,
      );
    });

  withShared(program.command("autoscale"))
    .description(
      "scale the API by the spec's policy (CPU, memory, requests per replica, p95; cooldowns), reading Prometheus; runs until stopped",
    )
    .option("--once", "one decision, then exit")
    .option("--dry-run", "decide and print, never scale")
    .option("--interval <seconds>", "seconds between decisions", "30")
    .action(async (f: GlobalFlags & { once?: boolean; dryRun?: boolean; interval: string }) => {
      const { autoscaleOnce } = await import("./commands/scale.js");
      const every = Number(f.interval);
      if (!Number.isInteger(every) || every < 5)
        throw new UserError(`--interval ${f.interval}: a whole number of seconds, at least 5`);
      for (;;) {
        const d = await autoscaleOnce(f.dir ?? defaultStackDir(), {
          dryRun: Boolean(f.dryRun),
          log: f.json ? () => undefined : out,
        });
        out(
          f.json
            ? JSON.stringify(d)
            : `${new Date().toISOString()} ${d.action === "hold" ? "hold" : `${d.action} ${d.from} -> ${d.to}${d.applied ? "" : " (dry run)"}`}: ${d.reason}`,
        );
        if (f.once) return;
        await sleep(every * 1000);
      }
    });

  withShared(program.command("rotate-secrets"))
    .description(
      "new passwords for the database, Redis, etcd and Grafana (default: all), with the API serving throughout; the old ones stop working. `openai` reads a new OpenAI key from stdin",
    )
    .argument("[what]", "db, redis, etcd, grafana, all, or openai")
    .option(
      "--replica-timeout <seconds>",
      "how long a new API replica may take to become healthy",
      intArg("--replica-timeout", 10, 3600),
      150,
    )
    .action(async (what: string | undefined, f: GlobalFlags & { replicaTimeout: number }) => {
      if (what === "openai") {
        const { setOpenAIKey } = await import("./commands/config.js");
        const key = await readSecretInput("New OpenAI API key");
        if (!key)
          throw new UserError(
            "no key was given on stdin",
            'printf %s "$KEY" | stevie-stack rotate-secrets openai   (to remove the key: stevie-stack config set openai.apiKey "")',
          );
        const started = Date.now();
        const r = await setOpenAIKey(f.dir ?? defaultStackDir(), key, f.json ? () => undefined : out, "rotate-secrets");
        const seconds = (Date.now() - started) / 1000;
        return out(
          f.json
            ? JSON.stringify({ rotated: r.changed ? ["openai"] : [], seconds }, null, 2)
            : r.changed
              ? `Rotated openai in ${seconds.toFixed(0)} s: the API replicas use the new key.`
              : "No change: that key is already in use.",
        );
      }
      const { runRotateSecrets } = await import("./commands/rotate.js");
      const r = await runRotateSecrets({
        dir: f.dir ?? defaultStackDir(),
        ...(what ? { what } : {}),
        replicaTimeoutMs: Number(f.replicaTimeout) * 1000,
        log: f.json ? () => undefined : out,
      });
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : `Rotated ${r.rotated.join(", ")} in ${r.seconds.toFixed(0)} s; the new values are in the stack's secrets/ directory.`,
      );
    });

  withShared(program.command("audit"))
    .description(
      "the audit log, newest first: every administrative CLI action and catalogue change (append-only: the database refuses to change or delete it)",
    )
    .option("-n, --limit <n>", "how many entries", intArg("--limit", 1, 100_000), 50)
    .option("--action <name>", "only this action, e.g. rotate-secrets, scale, restore")
    .action(async (f: GlobalFlags & { limit: number; action?: string }) => {
      const { readAudit } = await import("./stack/audit.js");
      const { loadStack } = await import("./commands/status.js");
      const { paths, config } = await loadStack(f.dir ?? defaultStackDir());
      const rows = await readAudit(paths, config.projectName, {
        limit: f.limit,
        ...(f.action ? { action: f.action } : {}),
      });
      out(
        f.json
          ? JSON.stringify(rows, null, 2)
          : rows.length
            ? rows
                .map(
                  (e) =>
                    `${e.at}  ${e.actor}  ${e.action}${e.target ? ` ${e.target}` : ""}  ${JSON.stringify(e.details)}`,
                )
                .join("\n")
            : "No entries.",
      );
    });

  const apikey = program
    .command("apikey")
    .description("API keys for callers with a limit of their own (a web app's backend), sent as the x-api-key header");
  const stackOf = async (f: GlobalFlags) => {
    const { loadStack } = await import("./commands/status.js");
    const { paths, config } = await loadStack(f.dir ?? defaultStackDir());
    return { paths, project: config.projectName };
  };
  withShared(apikey.command("create"))
    .description("issue a key (shown once: only its hash is stored)")
    .requiredOption("--name <name>", "a label such as webapp-prod (lower-case letters, digits, . _ -)")
    .option(
      "--rate-limit-per-hour <n>",
      "calls per hour for this key (default: api.rateLimitPerHour)",
      intArg("--rate-limit-per-hour", 1, 100_000_000),
    )
    .action(async (f: GlobalFlags & { name: string; rateLimitPerHour?: number }) => {
      const { createApiKey } = await import("./stack/apikeys.js");
      const { paths, project } = await stackOf(f);
      const k = await createApiKey(paths, project, {
        name: f.name,
        ...(f.rateLimitPerHour ? { rateLimitPerHour: f.rateLimitPerHour } : {}),
      });
      out(
        f.json
          ? JSON.stringify(k, null, 2)
          : `${k.key}\n\nAPI key ${k.name} (${k.prefix}…, ${k.rateLimitPerHour ?? "the default"} calls/hour). It is shown only now: store it as a secret; callers send it as the x-api-key header.`,
      );
    });
  withShared(apikey.command("list"))
    .description("the keys issued, live and revoked (names and prefixes, never the keys)")
    .action(async (f: GlobalFlags) => {
      const { listApiKeys } = await import("./stack/apikeys.js");
      const { paths, project } = await stackOf(f);
      const keys = await listApiKeys(paths, project);
      out(
        f.json
          ? JSON.stringify(keys, null, 2)
          : keys.length
            ? keys
                .map(
                  (k) =>
                    `${k.name}  ${k.prefix}…  ${k.rateLimitPerHour ?? "default"}/h  created ${k.createdAt}${k.revokedAt ? `  revoked ${k.revokedAt}` : ""}`,
                )
                .join("\n")
            : "No API keys.",
      );
    });
  withShared(apikey.command("revoke"))
    .description("revoke a key: the API refuses it within 10 s (each replica caches an answer that long)")
    .argument("<name>", "the key's name")
    .action(async (name: string, f: GlobalFlags) => {
      const { revokeApiKey } = await import("./stack/apikeys.js");
      const { paths, project } = await stackOf(f);
      const r = await revokeApiKey(paths, project, name);
      out(f.json ? JSON.stringify(r, null, 2) : `Revoked API key ${r.name} (${r.prefix}…).`);
    });

  withShared(program.command("switchover"))
    .description("move the PostgreSQL leader to a replica on purpose (maintenance); writes pause for a few seconds")
    .option(
      "--to <member>",
      "the member to promote, e.g. postgres-2 (default: the synchronous standby, else any healthy replica)",
    )
    .action(async (f: GlobalFlags & { to?: string }) => {
      const { runSwitchover } = await import("./commands/switchover.js");
      const r = await runSwitchover({ dir: f.dir ?? defaultStackDir(), to: f.to });
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : `Switched over: ${r.to} is the leader now (was ${r.from}).${r.replicasReady ? "" : " The replicas are not all streaming yet: see `stevie-stack status` before another failover or switchover."}`,
      );
    });

  withShared(program.command("logs"))
    .description("show the containers' logs (all services, or the ones named)")
    .argument("[services...]", "services, e.g. api nginx postgres-1")
    .option("--since <when>", "only newer than this: 30s, 10m, 2h, 1d or a date")
    .option("--tail <n>", "only the last n lines of each container", intArg("--tail", 0, 1_000_000))
    .option("-f, --follow", "keep printing new lines")
    .action(async (services: string[], f: GlobalFlags & { since?: string; tail?: number; follow?: boolean }) => {
      const { runLogs } = await import("./commands/logs.js");
      process.exitCode = await runLogs({
        dir: f.dir ?? defaultStackDir(),
        services,
        since: f.since,
        tail: f.tail,
        follow: Boolean(f.follow),
      });
    });

  const backup = withShared(program.command("backup"))
    .description(
      "back up the database now with pgBackRest (encrypted), with a snapshot of the stack directory and Redis",
    )
    .addOption(
      new Option("--type <type>", "full, diff (since the last full) or incr (since the last backup)")
        .choices(["full", "diff", "incr"])
        .default("full"),
    )
    .addOption(
      new Option("--repo <repo>", "local, s3 (backup.s3) or all (default: every repository the stack has)").choices([
        "local",
        "s3",
        "all",
      ]),
    )
    .action(async (f: GlobalFlags & { type: "full" | "diff" | "incr"; repo?: string }) => {
      const { runBackup } = await import("./commands/backup.js");
      const r = await runBackup({
        dir: f.dir ?? defaultStackDir(),
        type: f.type,
        repo: f.repo,
        onLine: f.json ? undefined : (l) => process.stderr.write(`${l}\n`),
      });
      if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : `Backup ${r.sets.map((b) => `${b.label} (${b.repo})`).join(", ") || "?"}, ${f.type}, done in ${r.seconds.toFixed(1)} s${r.snapshot ? `, with a ${(r.snapshot.bytes / 1024).toFixed(0)} KB stack snapshot` : ""}.`,
      );
    });
  withShared(backup.command("list"))
    .description("the backup sets with type, time, size, WAL range, stack snapshot and drill verification")
    .action(async (_o, cmd: Command) => {
      const f = flagsOf(cmd);
      const { runBackupList, renderBackups } = await import("./commands/backup.js");
      const sets = await runBackupList({ dir: f.dir ?? defaultStackDir() });
      out(f.json ? JSON.stringify(sets, null, 2) : renderBackups(sets));
    });
  withShared(backup.command("export-stack"))
    .description(
      "decrypt a backup set's stack snapshot (configuration, secrets, certificates, Redis dump) into a new directory",
    )
    .option("--set <label>", "the backup set")
    .option("--to <dir>", "a new directory to write the stack directory (and redis-dump.rdb) into")
    .option("--project <name>", "without the stack directory: the project name")
    .option("--key-file <file>", "without the stack directory: a copy of secrets/pgbackrest_cipher")
    .action(async (_o, cmd: Command) => {
      const f = flagsOf<{ set?: string; to?: string; project?: string; keyFile?: string }>(cmd);
      const { runExportStack } = await import("./commands/backup.js");
      const r = await runExportStack({
        dir: f.dir ?? defaultStackDir(),
        set: f.set,
        to: f.to,
        project: f.project,
        keyFile: f.keyFile,
      });
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : `Wrote ${r.files} files into ${r.to}${r.redis ? " (with the Redis dump, redis-dump.rdb)" : ""}.`,
      );
    });

  const drill = withShared(program.command("drill"))
    .description(
      "restore the newest backup (or a point in time) into a throwaway container and verify it against production",
    )
    .option("--set <label>", "a backup set from `backup list` (default: the newest)")
    .option("--time <iso8601>", "restore to this point in time, e.g. 2026-11-30T14:05:00Z")
    .option("--keep", "keep the restored container running for inspection")
    .addOption(
      new Option(
        "--repo <repo>",
        "restore from local (default) or s3 (backup.s3, alone: proves the off-host copy)",
      ).choices(["local", "s3"]),
    )
    .action(async (f: GlobalFlags & { set?: string; time?: string; keep?: boolean; repo?: string }) => {
      const { runDrill, renderDrill } = await import("./commands/backup.js");
      const r = await runDrill({
        dir: f.dir ?? defaultStackDir(),
        set: f.set,
        time: f.time,
        keep: Boolean(f.keep),
        repo: f.repo,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      out(f.json ? JSON.stringify(r, null, 2) : renderDrill(r));
      if (!r.pass) process.exitCode = 4;
    });
  withShared(drill.command("list"))
    .description("every drill so far, run by this CLI or by the stack on its schedule, with its result, RTO and RPO")
    .action(async (_o, cmd: Command) => {
      const f = flagsOf(cmd);
      const { runDrillList, renderDrills } = await import("./commands/backup.js");
      const drills = await runDrillList({ dir: f.dir ?? defaultStackDir() });
      out(f.json ? JSON.stringify(drills, null, 2) : renderDrills(drills));
    });

  const log = (l: string) => process.stderr.write(`${l}\n`);
  const restoreAction = (cmd: Command) => {
    const f = flagsOf<{ latest?: boolean; set?: string; time?: string; repo?: string }>(cmd);
    if (f.latest || f.set || f.time || f.repo)
      throw new UserError(`\`restore ${cmd.name()}\` takes no --latest, --set, --time or --repo`);
    return f;
  };
  const restore = withShared(program.command("restore"))
    .description(
      "restore a backup into a new cluster and switch the stack to it once it passes checks; the old data is kept",
    )
    .option("--latest", "the newest backup and all the WAL archived after it")
    .option("--set <label>", "a backup set from `backup list`, as it was when that backup finished")
    .option("--time <iso8601>", "a point in time, e.g. 2026-11-30T14:05:00Z")
    .addOption(
      new Option(
        "--repo <repo>",
        "restore from local (default) or s3 (backup.s3): when the backup volume is lost",
      ).choices(["local", "s3"]),
    )
    .action(async (f: GlobalFlags & { latest?: boolean; set?: string; time?: string; repo?: string }) => {
      const { runRestore, renderRestore } = await import("./commands/restore.js");
      const r = await runRestore(
        {
          dir: f.dir ?? defaultStackDir(),
          latest: f.latest,
          set: f.set,
          time: f.time,
          repo: f.repo,
          yes: Boolean(f.yes),
          log,
        },
        confirmOrRefuse,
      );
      out(f.json ? JSON.stringify(r, null, 2) : renderRestore(r));
    });
  withShared(restore.command("confirm"))
    .description("delete the data kept from before the last restore")
    .action(async (_o, cmd: Command) => {
      const f = restoreAction(cmd);
      const { runRestoreConfirm } = await import("./commands/restore.js");
      const s = await runRestoreConfirm({ dir: f.dir ?? defaultStackDir(), yes: Boolean(f.yes) }, confirmOrRefuse);
      out(f.json ? JSON.stringify(s, null, 2) : `Deleted the data kept from before the restore of ${s.at}.`);
    });
  withShared(restore.command("rollback"))
    .description("switch the stack back to the data kept from before the last restore")
    .action(async (_o, cmd: Command) => {
      const f = restoreAction(cmd);
      const { runRestoreRollback } = await import("./commands/restore.js");
      const r = await runRestoreRollback(
        { dir: f.dir ?? defaultStackDir(), yes: Boolean(f.yes), log },
        confirmOrRefuse,
      );
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : `Rolled back to the data from before the restore of ${r.state.at}; ${r.leader} leads.${r.snapshot ? ` Snapshot of the restored cluster: backup ${r.snapshot}.` : ""}`,
      );
    });

  withShared(program.command("uninstall"))
    .description("stop and remove the stack (data is kept unless --purge-data)")
    .option("--purge-data", "also delete the data volumes and the stack directory")
    .action(async (f: GlobalFlags & { purgeData?: boolean }) => {
      const { runUninstall } = await import("./commands/uninstall.js");
      const r = await runUninstall(
        { dir: f.dir ?? defaultStackDir(), purgeData: Boolean(f.purgeData), yes: Boolean(f.yes) },
        confirmOrRefuse,
      );
      if (f.json) return out(JSON.stringify(r, null, 2));
      out(
        `Removed ${r.containers} containers, ${r.networks.length} networks${r.volumes.length ? `, ${r.volumes.length} volumes` : ""}${r.removedDir ? " and the stack directory" : "; data volumes kept"}.`,
      );
    });

  program
    .command("dev")
    .description(
      "run the API on localhost without Docker or keys: embedded PostgreSQL (PGlite), offline embeddings, no Redis",
    )
    .option(
      "--port <n>",
      "HTTP port (default: 8790, or a free one when that is taken; 0 picks a free one)",
      intArg("--port", 0, 65535),
    )
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--data-dir <dir>", "keep the database here across runs (default: in memory)")
    // Repeatable; each checked as api.corsOrigins checks its entries.
    .option(
      "--cors-origin <origin>",
      "let browser pages on this exact origin call the API, such as http://localhost:5173 (repeatable; default: any origin)",
      (v: string, previous: string[] = []) => {
        const origins = [...previous, v.toLowerCase()];
        const problem = originListProblems(origins)[0];
        if (problem) throw new InvalidArgumentError(problem);
        return origins;
      },
    )
    .option("--verbose", "show stack traces")
    .action(async (f: { port?: number; host?: string; dataDir?: string; corsOrigin?: string[] }) => {
      const { devCommand } = await import("./commands/dev.js");
      await devCommand(f);
    });

  const catalog = program.command("catalog").description("the Stevie Awards category catalogue inside the stack");
  withShared(catalog.command("import <file>"))
    .description("validate a catalogue file, load it (reporting what changed) and embed new or changed categories")
    .option("--dry-run", "report what would change and change nothing")
    .action(async (file: string, f: GlobalFlags & { dryRun?: boolean }) => {
      const { runCatalogImport } = await import("./commands/catalog.js");
      const progress = (e: Record<string, unknown>) => {
        if (e.event === "embed-progress" && !f.json)
          process.stderr.write(`embedding ${String(e.done)}/${String(e.total)}\n`);
      };
      const r = await runCatalogImport({ dir: f.dir ?? defaultStackDir(), file, dryRun: Boolean(f.dryRun) }, progress);
      if (f.json) return out(JSON.stringify(r.result, null, 2));
      const res = r.result as {
        version?: string;
        previousVersion?: string;
        added?: string[];
        updated?: string[];
        removed?: string[];
        unchanged?: number;
      };
      out(
        `${f.dryRun ? "Would load" : "Loaded"} catalogue ${res.version ?? "?"} (was ${res.previousVersion ?? "none"}): ${res.added?.length ?? 0} added, ${res.updated?.length ?? 0} changed, ${res.removed?.length ?? 0} removed, ${res.unchanged ?? 0} unchanged.`,
      );
      for (const [label, list] of [
        ["added", res.added],
        ["changed", res.updated],
        ["removed", res.removed],
      ] as const) {
        if (list?.length)
          out(`  ${label}: ${list.slice(0, 20).join(", ")}${list.length > 20 ? ` and ${list.length - 20} more` : ""}`);
      }
    });
  withShared(catalog.command("embed"))
    .description("(re)embed categories whose vectors are missing or stale; resumes after an interruption")
    .action(async (f: GlobalFlags) => {
      const { runCatalogEmbed } = await import("./commands/catalog.js");
      const r = await runCatalogEmbed({ dir: f.dir ?? defaultStackDir() }, (e) => {
        if (e.event === "embed-progress" && !f.json)
          process.stderr.write(`embedding ${String(e.done)}/${String(e.total)}\n`);
      });
      out(
        f.json
          ? JSON.stringify(r.result, null, 2)
          : `Embeddings up to date (${String(r.result.done ?? 0)} embedded now).`,
      );
    });

  const host = program.command("host").description("prepare and check this host");
  withShared(host.command("prepare"))
    .description("install Docker Engine and the compose plugin if missing, start the daemon, provide the base image")
    .action(async (f: GlobalFlags) => {
      const { prepareHost } = await import("./host/prepare.js");
      const r = await prepareHost({
        yes: Boolean(f.yes),
        confirm: confirmOrRefuse,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      out(
        f.json
          ? JSON.stringify(r, null, 2)
          : r.actions.length
            ? `Host prepared: ${r.actions.join("; ")}.`
            : "Host already prepared: Docker engine, compose plugin, daemon and base image are present.",
      );
    });
  withShared(host.command("check"))
    .description("run the preflight checks and print their verdicts")
    .option("--http-port <port>", "HTTP port to check", intArg("--http-port", 1, 65535), 80)
    .option("--https-port <port>", "HTTPS port to check", intArg("--https-port", 1, 65535), 443)
    .action(async (f: GlobalFlags & { httpPort: number; httpsPort: number }) => {
      const { probeHost, evaluatePreflight, renderChecks } = await import("./host/preflight.js");
      const checks = evaluatePreflight(
        await probeHost({ dir: f.dir ?? defaultStackDir(), ports: [f.httpPort, f.httpsPort], bindAddress: "0.0.0.0" }),
      );
      out(f.json ? JSON.stringify(checks, null, 2) : renderChecks(checks));
      if (checks.some((c) => c.status === "fail")) process.exitCode = 1;
    });

  const config = program.command("config").description("the stevie.yaml configuration");
  config
    .command("example")
    .description("print a commented stevie.yaml with every key at its default")
    .action(async () => {
      const { renderConfigExample } = await import("./config/example.js");
      process.stdout.write(renderConfigExample());
    });
  config
    .command("schema")
    .description(
      "print the JSON Schema of stevie.yaml (install keeps a copy beside it, stevie.schema.json, for editors)",
    )
    .action(async () => {
      const { configJsonSchema } = await import("./config/json-schema.js");
      out(JSON.stringify(configJsonSchema(), null, 2));
    });
  withShared(config.command("show"))
    .description("the configuration in effect (every default filled in), secrets redacted")
    .action(async (f: GlobalFlags) => {
      const { showConfig } = await import("./commands/config.js");
      const r = await showConfig(f.dir ?? defaultStackDir());
      out(f.json ? JSON.stringify(r.config, null, 2) : `# ${r.file}, with defaults\n${r.yaml}`);
    });
  withShared(config.command("set"))
    .description(
      "change keys of the installed stack's stevie.yaml (e.g. `config set api.rateLimitPerHour 500`), validate, and apply only what changed",
    )
    .argument("<key>", "a dotted key, e.g. api.replicas")
    .argument("<value>", 'the new value, as YAML (4, true, [a, b], "text")')
    .argument("[more...]", "further KEY VALUE pairs, applied together")
    .action(async (key: string, value: string, more: string[], f: GlobalFlags) => {
      if (more.length % 2) throw new UserError(`config set takes KEY VALUE pairs; "${more.at(-1)}" has no value`);
      const pairs: [string, string][] = [[key, value]];
      for (let i = 0; i < more.length; i += 2) pairs.push([more[i]!, more[i + 1]!]);
      const { setConfig, setOpenAIKey, OPENAI_KEY_SETTING } = await import("./commands/config.js");
      const log = f.json ? () => undefined : out;
      let r;
      if (pairs.some(([k]) => k === OPENAI_KEY_SETTING)) {
        if (pairs.length > 1)
          throw new UserError(
            `${OPENAI_KEY_SETTING} is set on its own`,
            `run \`config set ${OPENAI_KEY_SETTING} -\` apart from the other keys`,
          );
        if (value !== "-" && value !== "")
          throw new UserError(
            `${OPENAI_KEY_SETTING} is read from stdin, not the command line (where shell history and the process list would keep it)`,
            `printf %s "$KEY" | stevie-stack config set ${OPENAI_KEY_SETTING} -   (an empty value: back to the offline model)`,
          );
        const given = value === "-" ? await readSecretInput("OpenAI API key") : "";
        // "-" with nothing piped in is a mistake, not a request to remove the key.
        if (value === "-" && !given)
          throw new UserError(
            "no key was given on stdin; nothing was changed",
            `printf %s "$KEY" | stevie-stack config set ${OPENAI_KEY_SETTING} -   (to remove the key: config set ${OPENAI_KEY_SETTING} "")`,
          );
        r = await setOpenAIKey(f.dir ?? defaultStackDir(), given, log);
      } else r = await setConfig(f.dir ?? defaultStackDir(), pairs, log);
      if (f.json) return out(JSON.stringify(r, null, 2));
      out(
        r.changed
          ? r.changes.map((c) => `${c.key}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join("\n") +
              "\nApplied."
          : "No change: the configuration already has these values.",
      );
    });
  config
    .command("validate <file>")
    .description("check a stevie.yaml and report every problem at once")
    .action(async (file: string) => {
      const { loadConfigFile } = await import("./config/load.js");
      await loadConfigFile(file);
      out(`${file} is valid.`);
    });

  return program;
}

export { UserError };
