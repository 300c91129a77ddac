import { join, resolve } from "node:path";
import { mkdir } from "node:fs/promises";
import { Listr, type ListrTask } from "listr2";
import { UserError } from "../errors.js";
import { progressRenderer } from "../output.js";
import { renderApiUpstream } from "../../nginx/render.js";
import { acmePreflight, issueCertificate, needsIssue, prepareAcme } from "./acme.js";
import { applyDcsSettings } from "./cluster.js";
import { syncDbRoles } from "./credentials.js";
import { ensureEtcdAuth } from "./etcd.js";
import { applyFiles, snapshotFiles, writeAtomic, type FileOutcome } from "./files.js";
import { measuredFilesystems, recordFilesystems } from "./filesystems.js";
import { opsHost } from "./ops.js";
import { withStackLock } from "./lock.js";
import { expectedContainers, renderAssets, renderKeepingEdits, renderStackFiles } from "./generate.js";
import { unhealthyReport, waitForHealthy } from "./health.js";
import { buildPlannedImage, imageRefs, tagPlannedImage, type ImagePlan } from "./images.js";
import { ensureOpenAIKey } from "./openai.js";
import { API_UPSTREAM, convergeRunning } from "./rolling.js";
import { ensureS3Access } from "./s3.js";
import { ensureAlertAccess } from "./alert-access.js";
import { ensureSecrets } from "./secrets.js";
import { writeCliMetrics } from "./stack-metrics.js";
import { chooseDataSubnet } from "./subnet.js";
import { caBundleHash, certificateHashes, ensureStackCertificates, syncEdgeTls } from "./tls.js";
import { topology, type Topology } from "./topology.js";
import { Stack } from "./handle.js";
import { planSummary, type Desired, type PlanSummary, type StackPlan } from "./plan.js";

/**
 * The one applier behind install (and so `config set`, `scale` and `rotate-secrets openai`, which edit stevie.yaml
 * and install) and upgrade: it applies a plan (stack/plan.ts) with named steps, each safe to run twice, in this order:
 * images -> (the caller's step, e.g. upgrade's verified backup) -> secrets, certificates and files -> services ->
 * health -> ACME certificate -> database roles -> Patroni settings -> etcd authentication.
 * Images come first: nothing changes while a build could still fail.
 */
export interface ApplyOptions {
  log: (line: string) => void;
  /** The caller's own steps, after the images and before any file changes. */
  before?: ApplyStep[];
  healthTimeoutMs: number;
  /** How long one new API replica may take to become healthy during a rollout. */
  replicaTimeoutMs: number;
  /** When .stevie/version is written: with the files (install) or once the stack is healthy on them (upgrade). */
  stampVersion: "with-files" | "when-healthy";
}

/** What each step sees: the desired state, the plan's verdict, the stack's handle and the options. */
export interface ApplyInput extends Desired, Omit<ApplyOptions, "log" | "before"> {
  stack: Stack;
  plan: PlanSummary;
  /** The stack served when planned (whatever its replica count): changes roll out without dropping a request. */
  serving: boolean;
  /** Every expected container was running and healthy when planned. */
  healthy: boolean;
}

export interface ApplyResult {
  files: Record<string, FileOutcome>;
  /** Anything had to happen (see hasChanges). */
  changes: boolean;
  /** The rollout put the previous files and replicas back, and why; no step after it ran. */
  rolledBack?: string;
  /** API replicas replaced one at a time. */
  replaced?: number;
}

/** What the steps learn as they run. */
export interface ApplyState {
  files: Record<string, FileOutcome>;
  secretsOrTlsChanged: boolean;
  dataTier: Pick<Topology, "postgres" | "synchronous">;
  previous?: Awaited<ReturnType<typeof snapshotFiles>>;
  rolledBack?: string;
  replaced?: number;
}

export interface ApplyStep {
  title: string;
  run: (report: (line: string) => void) => Promise<unknown>;
}

/**
 * What the steps do to the world, one function each; `applyStack` takes them so that its order, skips and stops are
 * tested without Docker (apply.test.ts). `REAL_EFFECTS` is what install and upgrade use.
 */
export interface ApplyEffects {
  image: (img: ImagePlan, onLine: (line: string) => void) => Promise<unknown>;
  writeStack: (input: ApplyInput, s: ApplyState) => Promise<void>;
  startServices: (input: ApplyInput, s: ApplyState, report: (l: string) => void) => Promise<void>;
  waitUntilHealthy: (input: ApplyInput, report: (l: string) => void) => Promise<void>;
  edgeCertificateDue: (input: ApplyInput) => Promise<boolean>;
  issueEdgeCertificate: (input: ApplyInput, report: (l: string) => void) => Promise<void>;
  syncRoles: (input: ApplyInput) => Promise<unknown>;
  clusterSettings: (input: ApplyInput, s: ApplyState) => Promise<unknown>;
  /** Whether it turned etcd's authentication on now. */
  etcdAuth: (input: ApplyInput, s: ApplyState) => Promise<boolean>;
  unhealthyReport: (input: ApplyInput) => Promise<string>;
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

/** The plan had work, or applying it found some (a file or secret that changed since it was planned). */
const changed = (input: ApplyInput, s: ApplyState) =>
  input.plan.changes || hasChanges(s.files, input.images, input.healthy, s.secretsOrTlsChanged);

/** Secrets and certificates that are missing or due, the S3 and OpenAI keys, then every generated file. */
async function writeStack(input: ApplyInput, s: ApplyState): Promise<void> {
  const { paths, config, sizing, version } = input;
  await mkdir(paths.dir, { recursive: true, mode: 0o750 });
  const secrets = await ensureSecrets(paths.secrets);
  const subnet = await chooseDataSubnet(config);
  const topo = topology(config, sizing, subnet);
  s.dataTier = topo;
  const certs = await ensureStackCertificates(paths, config, (f) => resolve(paths.dir, f), topo);
  // acme: nginx starts on the local CA's certificate; the CA's own arrives after the stack is up (below).
  const acme = config.tls.mode === "acme" ? await prepareAcme(paths, config) : { changed: false };
  const edgeTls = await syncEdgeTls(paths.tls, config);
  const s3 = await ensureS3Access(paths, config.backup.s3, input.credentials);
  const openai = await ensureOpenAIKey(paths, input.credentials);
  const alerts = await ensureAlertAccess(paths, config.monitoring.alerts, input.credentials);
  s.secretsOrTlsChanged =
    secrets.created.length > 0 ||
    Object.values(certs).some(Boolean) ||
    acme.changed ||
    edgeTls ||
    s3.changed ||
    openai.changed ||
    alerts.changed;
  const host = { dataSubnet: subnet, filesystems: await measuredFilesystems(paths), ops: opsHost() };
  await recordFilesystems(paths, host.filesystems);
  // Rendered again now that the secrets and certificates exist: the files the plan showed, except that a CA or a
  // certificate made just now has a hash the plan could not know.
  const access = {
    ...{ s3: s3.hash, openai: openai.hash, alerts: alerts.hash },
    ...{ ca: await caBundleHash(paths.tls), certificates: await certificateHashes(paths.tls) },
  };
  const generated = await renderKeepingEdits(paths, (kept) =>
    renderStackFiles(
      { ...input, host, images: imageRefs(input.images), access, assets: renderAssets(paths, config) },
      kept,
    ),
  );
  s.previous = await snapshotFiles(
    paths,
    generated.map((f) => f.path),
  );
  s.files = await applyFiles(paths, generated);
  // nginx reaches the API by its service name; a rollout that stopped half-way may have left addresses here.
  await writeAtomic(paths.nginxUpstream, renderApiUpstream(API_UPSTREAM));
  if (input.stampVersion === "with-files") await writeAtomic(paths.versionStamp, `${version}\n`);
  await writeCliMetrics(paths, config.tls.mode);
}

/** A serving stack changes without dropping a request (the API replica by replica, then only what changed). */
async function startServices(input: ApplyInput, s: ApplyState, report: (l: string) => void): Promise<void> {
  const { paths } = input;
  const before = s.previous?.content.get(paths.compose);
  if (input.serving && s.previous && before !== undefined) {
    const c = await convergeRunning(input.stack, {
      previousCompose: before,
      restore: s.previous.restore,
      timeoutMs: input.replicaTimeoutMs,
      log: report,
    });
    s.rolledBack = c.rolledBack;
    s.replaced = c.replaced;
  } else {
    const r = await input.stack.compose(["up", "-d", "--remove-orphans"], { reject: false });
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
  }
  // Changed alert rules or thresholds (stack.yml follows api.replicas): Prometheus re-reads them on SIGHUP.
  if (!s.rolledBack && Object.entries(s.files).some(([f, o]) => f.startsWith("monitoring/rules/") && o === "updated"))
    await input.stack.compose(["kill", "-s", "SIGHUP", "prometheus"], { reject: false, timeoutMs: 30_000 });
}

async function waitUntilHealthy(input: ApplyInput, report: (l: string) => void): Promise<void> {
  const { paths, config } = input;
  let last = "";
  await waitForHealthy(input.stack, expectedContainers(config, input.sizing), {
    timeoutMs: input.healthTimeoutMs,
    onProgress: (s) => {
      // Without a terminal each new output is a line of its own: only a change is news.
      const line = s.map((x) => `${x.service} ${x.healthy}/${x.expected}`).join("  ");
      if (line !== last) report((last = line));
    },
  });
  // nginx resolves the `api` upstream when it loads its config: now that every replica is healthy, a reload makes it
  // look them up again (in-flight requests finish on the old workers).
  await input.stack.exec("nginx", ["nginx", "-s", "reload"], { timeoutMs: 30_000 });
  if (input.stampVersion === "when-healthy") await writeAtomic(paths.versionStamp, `${input.version}\n`);
}

async function issueEdgeCertificate(input: ApplyInput, report: (l: string) => void): Promise<void> {
  const { paths, config } = input;
  const acme = config.tls.acme!;
  const port = config.network.httpPort;
  if (port !== 80 && !acme.directoryUrl)
    report(`Let's Encrypt checks on port 80: forward it to this host's port ${port}`);
  if (acme.preflight) await acmePreflight({ domain: config.domain, port, webroot: join(paths.acme, "webroot") });
  await issueCertificate(paths, config);
}

/** A caller's step as a task: its progress lines shown under its title. */
export const stepTask = (b: ApplyStep): ListrTask => ({
  title: b.title,
  task: async (_c, t) => b.run((l) => (t.output = l)),
});

/**
 * Runs TASKS in order with progress (the applier's runner, and rotate-secrets'): a failed one stops the rest, and the
 * containers that are not healthy are logged before its error is rethrown.
 */
export async function runSteps(
  tasks: ListrTask[],
  log: (line: string) => void,
  unhealthy: () => Promise<string>,
): Promise<void> {
  try {
    await new Listr(tasks, { ...progressRenderer(), exitOnError: true }).run();
  } catch (err) {
    const report = await unhealthy().catch(() => "");
    if (report) log(`\nContainers that are not healthy:\n${report}`);
    throw err;
  }
}

/** The steps as a task list; `skip` returns why a step has nothing to do. */
function applyTasks(input: ApplyInput, s: ApplyState, before: ApplyStep[], fx: ApplyEffects): ListrTask[] {
  const { config } = input;
  const halted = () => (s.rolledBack ? "the rollout was rolled back" : false);
  const unchanged = () => halted() || (!changed(input, s) && "nothing to do");
  return [
    {
      title: "Build images",
      task: (_ctx, task) =>
        task.newListr(
          input.images.map((img) => ({
            title: `${img.ref}${img.action === "keep" ? " (up to date)" : ""}`,
            skip: () => img.action === "keep",
            task: async (_c, t) => {
              await fx.image(img, (line) => {
                if (line.startsWith("Step ")) t.output = line;
              });
            },
          })),
          // Three at a time: the package downloads overlap; more only contend for the same two or four CPUs.
          { concurrent: 3 },
        ),
    },
    ...before.map(stepTask),
    { title: "Generate secrets, certificates and configuration", task: () => fx.writeStack(input, s) },
    {
      title: "Start the stack",
      skip: () => !changed(input, s) && "already running with this configuration",
      task: (_c, t) => fx.startServices(input, s, (l) => (t.output = l)),
    },
    {
      title: "Wait for every service to be healthy",
      skip: halted,
      task: (_c, t) => fx.waitUntilHealthy(input, (l) => (t.output = l)),
    },
    {
      title: "TLS certificate from the ACME CA",
      enabled: () => config.tls.mode === "acme",
      skip: async () =>
        halted() || (!(await fx.edgeCertificateDue(input)) && "issued; the renewal loop in nginx keeps it current"),
      task: (_c, t) => fx.issueEdgeCertificate(input, (l) => (t.output = l)),
    },
    // The login roles as secrets/ says: a cluster created before monitoring (or before the second app role) gets the
    // missing role, and a changed secret reaches the database. The idle app role loses its password unless something
    // still logs in with it (see cli/stack/credentials.ts).
    { title: "Database roles", skip: unchanged, task: () => fx.syncRoles(input) },
    {
      title: "Cluster settings (Patroni)",
      skip: unchanged,
      task: () =>
        fx.clusterSettings(input, s).catch((err: Error) => {
          throw new UserError(
            `Patroni's settings could not be applied: ${err.message}`,
            "check `stevie-stack status` (is there a leader?) and run install again",
          );
        }),
    },
    {
      // Once per cluster: the members started with their etcd password; from now on etcd asks for it.
      title: "etcd authentication",
      skip: unchanged,
      task: async (_c, t) => {
        t.output = (await fx.etcdAuth(input, s)) ? "turned on" : "on";
      },
    },
  ];
}

/**
 * Applies PLAN to STACK: every step in order, the caller's `before` after the images. A failed step stops the apply
 * (the containers that are not healthy are logged); a rollout that rolled itself back is a result, not an error.
 */
export async function applyStack(
  plan: StackPlan,
  stack: Stack,
  opts: ApplyOptions,
  fx: ApplyEffects = REAL_EFFECTS,
): Promise<ApplyResult> {
  const { log, before = [], ...how } = opts;
  const input: ApplyInput = {
    ...plan.desired,
    ...how,
    stack,
    plan: planSummary(plan),
    serving: plan.serving,
    healthy: plan.healthy,
  };
  const s: ApplyState = { files: {}, secretsOrTlsChanged: false, dataTier: { postgres: [], synchronous: true } };
  // `stevie-stack install`, `scale`, …: what another command that finds the stack busy is told.
  await withStackLock(stack.paths, `stevie-stack ${process.argv[2] ?? "apply"}`, () =>
    runSteps(applyTasks(input, s, before, fx), log, () => fx.unhealthyReport(input)),
  );
  return {
    files: s.files,
    changes: changed(input, s),
    ...(s.rolledBack ? { rolledBack: s.rolledBack } : {}),
    ...(s.replaced !== undefined ? { replaced: s.replaced } : {}),
  };
}

export const REAL_EFFECTS: ApplyEffects = {
  image: (img, onLine) => (img.action === "tag" ? tagPlannedImage(img) : buildPlannedImage(img, onLine)),
  writeStack,
  startServices,
  waitUntilHealthy,
  edgeCertificateDue: (input) => needsIssue(input.paths, input.config.domain),
  issueEdgeCertificate,
  syncRoles: (input) => syncDbRoles(input.stack, "if-idle"),
  clusterSettings: (input, s) => applyDcsSettings(input.stack, s.dataTier),
  etcdAuth: (input, s) => ensureEtcdAuth(input.stack, s.dataTier.postgres),
  unhealthyReport: (input) => unhealthyReport(input.stack),
};
