import { join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { Listr } from "listr2";
import { parseConfig, parseConfigText } from "../config/load.js";
import type { StevieConfig, StevieConfigInput } from "../config/schema.js";
import { OPENAI_KEY_ENV } from "../config/schema.js";
import { ProblemsError, UserError } from "../errors.js";
import { progressRenderer } from "../output.js";
import { evaluatePreflight, probeHost, renderChecks, type CheckResult } from "../host/preflight.js";
import { prepareHost } from "../host/prepare.js";
import { packageVersion } from "../package-root.js";
import { compose } from "./compose-cli.js";
import { applyFiles, snapshotFiles, writeAtomic, type FileOutcome } from "./files.js";
import { API_UPSTREAM, convergeRunning } from "./rolling.js";
import { renderApiUpstream } from "../../nginx/render.js";
import { expectedContainers, renderConfigYaml, renderKeepingEdits, renderStackFiles } from "./generate.js";
import { allHealthy, runningHealthy, summarise, unhealthyReport, waitForHealthy } from "./health.js";
import { buildPlannedImage, planImages, tagPlannedImage, type ImagePlan } from "./images.js";
import { stackPaths, type StackPaths } from "./paths.js";
import { ensureS3Access } from "./s3.js";
import { ensureOpenAIKey } from "./openai.js";
import { acmePreflight, issueCertificate, needsIssue, prepareAcme } from "./acme.js";
import { ensureSecrets } from "./secrets.js";
import { syncDbRoles } from "./credentials.js";
import { recordAudit } from "./audit.js";
import { commitStack } from "./history.js";
import { hostSizing } from "./sizing.js";
import { applyDcsSettings } from "./cluster.js";
import { chooseDataSubnet } from "./subnet.js";
import { measuredFilesystems } from "./filesystems.js";
import { ensureEtcdAuth } from "./etcd.js";
import { caBundleHash, ensureStackCertificates, syncEdgeTls } from "./tls.js";
import { topology, type Topology } from "./topology.js";
import { writeCliMetrics } from "./stack-metrics.js";
import { planInstall, type StackPlan } from "./plan.js";
import * as docker from "../docker.js";
import { imageRefs } from "./images.js";

export interface InstallOptions {
  dir: string;
  configFile?: string;
  /** Values from flags (or the wizard); they override the config file. */
  overrides: StevieConfigInput;
  yes: boolean;
  dryRun: boolean;
  interactive: boolean;
  healthTimeoutMs: number;
  /** Why, for the stack directory's history (default: "install VERSION"). */
  reason?: string;
  /** From the wizard; otherwise STEVIE_OPENAI_API_KEY in the environment, if set. */
  openaiKey?: string;
}

export interface InstallDeps {
  log: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object"
        ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** The config to install: --config, else the stack's own stevie.yaml (a re-run), else defaults; then flags on top. */
export async function resolveConfig(
  opts: Pick<InstallOptions, "configFile" | "overrides">,
  paths: StackPaths,
): Promise<{ config: StevieConfig; text: string }> {
  const source = opts.configFile ?? (existsSync(paths.config) ? paths.config : undefined);
  let fileText: string | undefined;
  let base: StevieConfig | undefined;
  if (source) {
    fileText = await readFile(source, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new UserError(
        `cannot read config file ${source} (${err.code ?? err.message})`,
        "check the path given to --config",
      );
    });
    base = parseConfigText(fileText, source);
  }
  const hasOverrides = JSON.stringify(opts.overrides) !== "{}";
  if (!hasOverrides && fileText !== undefined && base) return { config: base, text: fileText };
  const config = parseConfig(
    merge((base ?? {}) as Record<string, unknown>, opts.overrides as Record<string, unknown>),
    "the configuration (file and flags)",
  );
  return { config, text: renderConfigYaml(config) };
}

export interface InstallPlan {
  preflight: CheckResult[];
  files: Record<string, FileOutcome>;
  images: Pick<ImagePlan, "name" | "ref" | "action">[];
  stackRunning: boolean;
  changes: boolean;
  /** --dry-run: everything install would do (see stack/plan.ts). */
  plan?: StackPlan;
}

/** Whether anything must happen. Pure: unchanged files, kept images and a healthy stack mean "nothing to do". */
export function hasChanges(
  files: Record<string, FileOutcome>,
  images: { action: string }[],
  stackHealthy: boolean,
  secretsOrTlsChanged: boolean,
): boolean {
  return (
    secretsOrTlsChanged ||
    !stackHealthy ||
    images.some((i) => i.action === "build") ||
    Object.values(files).some((o) => o === "created" || o === "updated")
  );
}

async function runPreflight(
  config: StevieConfig,
  paths: StackPaths,
  opts: InstallOptions,
  deps: InstallDeps,
): Promise<CheckResult[]> {
  const probe = () =>
    probeHost({
      dir: paths.dir,
      ports: [config.network.httpPort, config.network.httpsPort],
      bindAddress: config.network.bindAddress,
      projectName: config.projectName,
    });
  let checks = evaluatePreflight(await probe());
  const dockerMissing = checks.some(
    (c) => ["docker cli", "docker engine", "docker compose", "openssl"].includes(c.name) && c.status === "fail",
  );
  if (dockerMissing && !opts.dryRun && (opts.yes || opts.interactive)) {
    // The same host preparation `stevie-stack host prepare` runs: engine, compose plugin, daemon, base image.
    await prepareHost({ yes: opts.yes, confirm: deps.confirm, log: deps.log });
    checks = evaluatePreflight(await probe());
  }
  const failed = checks.filter((c) => c.status === "fail");
  if (failed.length) {
    throw new ProblemsError(
      "preflight checks failed; nothing was changed:",
      failed.map((c) => `${c.name}: expected ${c.expected}, found ${c.found}${c.fix ? `. Fix: ${c.fix}` : ""}`),
      "fix the problems above and run `stevie-stack install` again",
    );
  }
  return checks;
}

export async function runInstall(opts: InstallOptions, deps: InstallDeps): Promise<InstallPlan> {
  const paths = stackPaths(opts.dir);
  const { config, text } = await resolveConfig(opts, paths);
  const version = packageVersion();
  const preflight = await runPreflight(config, paths, opts, deps);
  deps.log(renderChecks(preflight));
  const sizing = hostSizing(config);
  const expected = expectedContainers(config, sizing);

  // A dry run does not fetch Node for the API's image (its image then counts as one to build).
  const images = await planImages(version, deps.log, { fetch: !opts.dryRun });
  const observed = summarise(await docker.listContainers(docker.PROJECT_LABEL, config.projectName), expected);
  const stackRunning = allHealthy(observed);
  // Changes to a stack that serves (whatever its replica count) roll out without dropping requests.
  const serving = runningHealthy(observed);

  if (opts.dryRun) {
    const plan = await planInstall({ paths, config, text, version, sizing, images });
    return { preflight, files: plan.files, images: plan.images, stackRunning, changes: plan.changes, plan };
  }

  await mkdir(paths.dir, { recursive: true, mode: 0o750 });
  let files: Record<string, FileOutcome> = {};
  let secretsOrTlsChanged = false;
  let dataTier: Pick<Topology, "postgres" | "synchronous"> = { postgres: [], synchronous: true };
  let previous: Awaited<ReturnType<typeof snapshotFiles>> | undefined;
  // Changed alert rules or thresholds (stack.yml follows api.replicas): Prometheus re-reads them on SIGHUP.
  const signalPrometheus = async () => {
    if (Object.entries(files).some(([f, o]) => f.startsWith("monitoring/rules/") && o === "updated")) {
      await compose(paths, config.projectName, ["kill", "-s", "SIGHUP", "prometheus"], {
        reject: false,
        timeoutMs: 30_000,
      });
    }
  };
  const tasks = new Listr(
    [
      {
        title: "Generate secrets, certificates and configuration",
        task: async () => {
          const s = await ensureSecrets(paths.secrets);
          const subnet = await chooseDataSubnet(config);
          const topo = topology(config, sizing, subnet);
          dataTier = topo;
          const certs = await ensureStackCertificates(paths, config, (f) => resolve(paths.dir, f), topo);
          // acme: nginx starts on the local CA's certificate; the CA's own arrives after the stack is up (below).
          const acme = config.tls.mode === "acme" ? await prepareAcme(paths, config) : { changed: false };
          const edgeTls = await syncEdgeTls(paths.tls, config);
          const s3 = await ensureS3Access(paths, config.backup.s3);
          const openai = await ensureOpenAIKey(
            paths,
            opts.openaiKey ? { [OPENAI_KEY_ENV]: opts.openaiKey } : process.env,
          );
          secretsOrTlsChanged =
            s.created.length > 0 ||
            certs.edge ||
            acme.changed ||
            certs.postgres ||
            certs.etcd ||
            certs.redis ||
            certs.patroniClient ||
            edgeTls ||
            s3.changed ||
            openai.changed;
          const host = { dataSubnet: subnet, filesystems: await measuredFilesystems(paths.dir) };
          const access = { s3: s3.hash, openai: openai.hash, ca: await caBundleHash(paths.tls) };
          const generated = await renderKeepingEdits(paths, (kept) =>
            renderStackFiles(paths, config, sizing, version, text, host, imageRefs(images), access, kept),
          );
          previous = await snapshotFiles(
            paths,
            generated.map((f) => f.path),
          );
          files = await applyFiles(paths, generated);
          // nginx reaches the API by its service name; a rollout that stopped half-way may have left addresses here.
          await writeAtomic(paths.nginxUpstream, renderApiUpstream(API_UPSTREAM));
          await writeAtomic(paths.versionStamp, `${version}\n`);
          await writeCliMetrics(paths, config.tls.mode);
        },
      },
      {
        title: "Build images",
        task: (_ctx, task) =>
          task.newListr(
            images.map((img) => ({
              title: `${img.ref}${img.action === "keep" ? " (up to date)" : ""}`,
              skip: () => img.action === "keep",
              task: async (_c, t) => {
                if (img.action === "tag") return tagPlannedImage(img);
                await buildPlannedImage(img, (line) => {
                  if (line.startsWith("Step ")) t.output = line;
                });
              },
            })),
            // Three at a time: the package downloads overlap; more only contend for the same two or four CPUs.
            { concurrent: 3 },
          ),
      },
      {
        title: "Start the stack",
        skip: () =>
          !hasChanges(files, images, stackRunning, secretsOrTlsChanged) && "already running with this configuration",
        task: async (_ctx, task) => {
          // A healthy stack changes without dropping a request: the API replica by replica, then only what changed.
          const before = previous?.content.get(paths.compose);
          if (serving && previous && before !== undefined) {
            const c = await convergeRunning(paths, config.projectName, {
              previousCompose: before,
              restore: previous.restore,
              timeoutMs: 150_000,
              log: (l) => (task.output = l),
            });
            if (c.rolledBack)
              throw new UserError(
                `${c.rolledBack}; the previous configuration is back in place and serving`,
                "see `stevie-stack logs api`, fix the cause and run install again",
              );
            await signalPrometheus();
            return;
          }
          const r = await compose(paths, config.projectName, ["up", "-d", "--remove-orphans"], { reject: false });
          if (r.exitCode !== 0) {
            const why = (r.stderr || r.stdout)
              .split("\n")
              .filter((l) => /error|failed|unhealthy|denied|address/i.test(l))
              .slice(-3)
              .join("; ");
            throw new UserError(
              `starting the stack failed: ${why || `docker compose exited with ${r.exitCode}`}`,
              `see the container logs printed above (or \`stevie-stack status --dir ${paths.dir}\`), fix the cause and run install again`,
            );
          }
          await signalPrometheus();
        },
      },
      {
        title: "Wait for every service to be healthy",
        task: async (_ctx, task) => {
          await waitForHealthy(config.projectName, expected, {
            timeoutMs: opts.healthTimeoutMs,
            onProgress: (s) => {
              // Without a terminal each new output is a line of its own: only a change is news.
              const line = s.map((x) => `${x.service} ${x.healthy}/${x.expected}`).join("  ");
              if (line !== task.output) task.output = line;
            },
          });
          // nginx resolves the \`api\` upstream when it loads its config: now that every replica is healthy, a reload
          // makes it look them up again (in-flight requests finish on the old workers).
          await compose(paths, config.projectName, ["exec", "-T", "nginx", "nginx", "-s", "reload"], {
            reject: false,
            timeoutMs: 30_000,
          });
        },
      },
      {
        title: "TLS certificate from the ACME CA",
        enabled: () => config.tls.mode === "acme",
        skip: async () =>
          !(await needsIssue(paths, config.domain)) && "issued; the renewal loop in nginx keeps it current",
        task: async (_ctx, task) => {
          const acme = config.tls.acme!;
          const port = config.network.httpPort;
          if (port !== 80 && !acme.directoryUrl)
            task.output = `Let's Encrypt checks on port 80: forward it to this host's port ${port}`;
          if (acme.preflight)
            await acmePreflight({ domain: config.domain, port, webroot: join(paths.acme, "webroot") });
          await issueCertificate(paths, config);
        },
      },
      {
        // The login roles as secrets/ says: a cluster created before monitoring (or before the second app role)
        // gets the missing role, and a changed secret reaches the database. The idle app role loses its password
        // unless something still logs in with it (see cli/stack/credentials.ts).
        title: "Database roles",
        skip: () => !hasChanges(files, images, stackRunning, secretsOrTlsChanged) && "nothing to do",
        task: async () => {
          await syncDbRoles(paths, config.projectName, "if-idle");
        },
      },
      {
        title: "Cluster settings (Patroni)",
        skip: () => !hasChanges(files, images, stackRunning, secretsOrTlsChanged) && "nothing to do",
        task: async () => {
          await applyDcsSettings(paths, config.projectName, dataTier).catch((err: Error) => {
            throw new UserError(
              `Patroni's settings could not be applied: ${err.message}`,
              "check `stevie-stack status` (is there a leader?) and run install again",
            );
          });
        },
      },
      {
        // Once per cluster: the members started with their etcd password; from now on etcd asks for it.
        title: "etcd authentication",
        skip: () => !hasChanges(files, images, stackRunning, secretsOrTlsChanged) && "nothing to do",
        task: async (_ctx, task) => {
          task.output = (await ensureEtcdAuth(paths, config.projectName, dataTier.postgres)) ? "turned on" : "on";
        },
      },
    ],
    { ...progressRenderer(), exitOnError: true },
  );
  try {
    await tasks.run();
  } catch (err) {
    const report = await unhealthyReport(config.projectName).catch(() => "");
    if (report) deps.log(`\nContainers that are not healthy:\n${report}`);
    throw err;
  }
  await commitStack(paths.dir, opts.reason ?? `install ${version}`).catch((err: Error) =>
    deps.log(`Warning: could not record this change in the stack directory's history (${err.message}).`),
  );
  const kept = Object.entries(files)
    .filter(([, o]) => o === "kept-edited")
    .map(([f]) => f);
  for (const f of kept) deps.log(`Kept your edited ${f}; the newly generated version is in ${f}.new`);
  const changes = hasChanges(files, images, stackRunning, secretsOrTlsChanged);
  const changedFiles = Object.entries(files)
    .filter(([, o]) => o === "created" || o === "updated")
    .map(([f]) => f);
  const built = images.filter((i) => i.action === "build").map((i) => i.ref);
  if (
    !(await recordAudit(paths, config.projectName, {
      action: "install",
      target: paths.dir,
      details: { version, changes, changedFiles, built },
    }))
  ) {
    deps.log("Warning: could not write the audit log entry for this install (the stack itself is fine).");
  }
  return {
    preflight,
    files,
    images: images.map(({ name, ref, action }) => ({ name, ref, action })),
    stackRunning,
    changes,
  };
}
