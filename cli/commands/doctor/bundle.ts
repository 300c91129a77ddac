import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { UserError } from "../../errors.js";
import { stackHistory } from "../../stack/history.js";
import { showConfig } from "../../stack/config-edit.js";
import { runDoctor } from "./run.js";
import { collectStatus } from "../../stack/status.js";
import { loadStack } from "../../stack/load.js";
import { compose, Engine, host, Project } from "../../stack/handle.js";

/**
 * `doctor --bundle`: one archive an operator can hand to support. What the stack is (redacted configuration, generated
 * files, version, history), how it is (doctor, status, containers, the last log lines of each), and the host (Docker,
 * disks, memory). Every secret's value, credentials in URLs and alert webhook addresses are replaced before anything
 * is written; the archive is 0600 all the same.
 */

/** Replace each secret value, and credentials in URLs, in `text`. Pure. */
export function redact(text: string, secrets: Record<string, string>): { text: string; count: number } {
  let count = 0;
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const [name, value] of Object.entries(secrets).sort((a, b) => b[1].length - a[1].length)) {
    if (value.length < 6) continue;
    const parts = out.split(value);
    count += parts.length - 1;
    out = parts.join(`[REDACTED:${name}]`);
  }
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@"']+:[^/\s@"']+@/gi, (_m, scheme: string) => {
    count++;
    return `${scheme}[REDACTED]@`;
  });
  return { text: out, count };
}

/** Generated files worth reading in a support case (never secrets/ or tls/). */
const STACK_FILES = [
  "compose.yaml",
  ".env",
  "nginx/nginx.conf",
  "nginx/upstream/api.conf",
  "haproxy/haproxy.cfg",
  "monitoring/prometheus.yml",
  "monitoring/rules/stack.yml",
  ".stevie/version",
  ".stevie/manifest.json",
];

async function secretValues(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  // postgres_user names a role ("stevie"), no secret: redacting it would hide every mention of the project.
  for (const name of await readdir(dir))
    if (name !== "postgres_user") out[name] = (await readFile(join(dir, name), "utf8").catch(() => "")).trim();
  return out;
}

export async function writeSupportBundle(
  dir: string,
  to: string | undefined,
): Promise<{ file: string; entries: string[]; redactions: number }> {
  const { paths, config } = await loadStack(dir);
  const project = config.projectName;
  const secrets = await secretValues(paths.secrets);
  if (config.monitoring.alerts.webhookUrl) secrets.alert_webhook_url = config.monitoring.alerts.webhookUrl;
  const file = resolve(to ?? `stevie-support-${project}-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
  if (!existsSync(dirname(file)))
    throw new UserError(`cannot write the bundle to ${file}: ${dirname(file)} does not exist`);

  const work = await mkdtemp(join(tmpdir(), "stevie-bundle-"));
  const root = join(work, `stevie-support-${project}`);
  const entries: string[] = [];
  let redactions = 0;
  const put = async (name: string, content: string) => {
    const r = redact(content, secrets);
    redactions += r.count;
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), r.text, { mode: 0o600 });
    entries.push(name);
  };
  const attempt = async (name: string, produce: () => Promise<string>) =>
    put(name, await produce().catch((e: Error) => `(could not collect: ${e.message})\n`));
  const cmd = async (argv: string[]) => {
    const opts = { reject: false, timeoutMs: 60_000 };
    const r = await (argv[0] === "docker"
      ? new Engine().docker(argv.slice(1), opts)
      : host.run(argv[0]!, argv.slice(1), opts));
    return `$ ${argv.join(" ")}\n${r.stdout}${r.stderr ? `\n${r.stderr}` : ""}\n`;
  };

  try {
    await attempt("doctor.json", async () => JSON.stringify(await runDoctor(dir), null, 2));
    await attempt("status.json", async () => JSON.stringify(await collectStatus(dir), null, 2));
    await attempt("config.yaml", async () => (await showConfig(dir)).yaml);
    await attempt("history.txt", async () =>
      (await stackHistory(paths.dir, 200)).map((c) => `${c.id} ${c.at} ${c.message}`).join("\n"),
    );
    for (const f of STACK_FILES)
      if (existsSync(join(paths.dir, f))) await attempt(join("stack", f), () => readFile(join(paths.dir, f), "utf8"));
    await attempt(
      "containers.txt",
      async () => (await compose(paths, project, ["ps", "-a"], { reject: false })).stdout,
    );
    for (const c of await new Project(project).containers()) {
      await attempt(join("logs", `${c.name}.log`), () => new Project(project).logs(c.id, 500));
    }
    await attempt("host.txt", async () =>
      (
        await Promise.all(
          [
            ["uname", "-a"],
            ["docker", "version"],
            ["docker", "compose", "version"],
            ["df", "-h"],
            ["free", "-m"],
            ["uptime"],
          ].map(cmd),
        )
      ).join("\n"),
    );
    const tar = await host.run("tar", ["-czf", file, "-C", work, relative(work, root)], { reject: false });
    if (tar.exitCode !== 0)
      throw new UserError(`writing ${file} failed: ${tar.stderr.trim()}`, "pick another place with --bundle FILE");
    await chmod(file, 0o600);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { file, entries: entries.sort(), redactions };
}
