import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { StevieConfig } from "../config/schema.js";
import { planFilesOn, readDisk, type Disk, type FileOutcome, type FilePlan } from "./files.js";
import { measuredFilesystems } from "./filesystems.js";
import { opsHost } from "./ops.js";
import {
  expectedContainers,
  renderAssets,
  renderKeeping,
  renderStackFiles,
  type RenderAssets,
  type RenderInput,
} from "./generate.js";
import { allHealthy, runningHealthy, summarise, type ServiceHealth } from "./health.js";
import { imageRefs, type ImagePlan } from "./images.js";
import { ensureOpenAIKey } from "./openai.js";
import type { StackPaths } from "./paths.js";
import { changedServices, desiredReplicas } from "./rolling.js";
import { ensureS3Access } from "./s3.js";
import { ensureAlertAccess } from "./alert-access.js";
import { SECRET_NAMES } from "./secrets.js";
import type { Sizing } from "./sizing.js";
import { chooseDataSubnet } from "./subnet.js";
import {
  caBundleHash,
  certificateHashes,
  certificatesDue,
  SERVICE_CERTIFICATES,
  type ServiceCertificate,
} from "./tls.js";
import { topology } from "./topology.js";
import type { ContainerState, Stack } from "./handle.js";

/** What `install` would do to a stack, found by looking only: nothing is written, built or started. */
export interface PlanSummary {
  /** Each generated file by its path in the stack directory: created, updated, unchanged, kept-edited. */
  files: Record<string, FileOutcome>;
  images: Pick<ImagePlan, "name" | "ref" | "action">[];
  /** Secret files that do not exist yet. */
  secrets: string[];
  /** Certificates the local CA would issue ("ca": the CA itself, made again for a new scope). */
  certificates: string[];
  /** S3 credentials or the OpenAI key given in the environment differ from the stack's. */
  access: string[];
  services: ServiceChanges;
  /** Services running with fewer healthy containers than they need: install waits for them (and restarts none). */
  unhealthy: string[];
  /** Whether install has anything to do; false: "nothing to do". */
  changes: boolean;
}

export interface ServiceChanges {
  /** Services whose definition changes: recreated (the API's replicas replaced one at a time). */
  recreate: string[];
  /** Services with fewer running containers than the stack needs: started. */
  start: string[];
  /** Services that run but are no longer in the stack (an option turned off): removed. */
  remove: string[];
  /** The API's replica count, when it changes. */
  replicas?: { from: number; to: number };
}

/**
 * Which services an install changes, from the compose file on disk (`before`, absent before the first install), the
 * one it would write (`after`), the services the stack needs (`observed`, with what runs of each) and every service
 * with a running container (`running`). Pure. A service with fewer containers than it needs is started, not recreated.
 */
export function planServices(
  before: string | undefined,
  after: string,
  observed: ServiceHealth[],
  running: Set<string>,
): ServiceChanges {
  const defined = (text: string | undefined) =>
    new Set(Object.keys((text ? (parse(text) as { services?: object }) : {}).services ?? {}));
  const [was, will] = [defined(before), defined(after)];
  const changed = changedServices(before, after).filter((s) => observed.some((o) => o.service === s));
  const start = observed
    .filter((s) => (s.service === "api" ? s.running === 0 : s.running < s.expected))
    .map((s) => s.service);
  const apiRunning = observed.find((s) => s.service === "api")?.running ?? 0;
  const apiWanted = desiredReplicas(after);
  return {
    recreate: changed.filter((s) => running.has(s) && !start.includes(s)),
    start,
    remove: [...running].filter((s) => was.has(s) && !will.has(s)),
    ...(apiRunning > 0 && apiRunning !== apiWanted ? { replicas: { from: apiRunning, to: apiWanted } } : {}),
  };
}

/** What the stack should become: stevie.yaml, this CLI's version, the host's sizing and the images to run. */
export interface Desired {
  paths: StackPaths;
  config: StevieConfig;
  /** stevie.yaml as the stack directory keeps it. */
  configText: string;
  version: string;
  sizing: Sizing;
  images: ImagePlan[];
  /** Where a new S3 key or OpenAI key may come from: the environment (install) or nowhere (upgrade). */
  credentials: Record<string, string | undefined>;
}

/** What is there now, read once by `observeStack`; `planStack` decides from it alone. */
export interface Observed {
  /** Secret files that do not exist yet. */
  secretsMissing: string[];
  /** Certificates the local CA would issue ("ca": the CA itself, made again for a new scope). */
  certificates: string[];
  s3: { hash?: string; changed: boolean };
  openai: { hash?: string; changed: boolean };
  alerts: { hash?: string; changed: boolean };
  /** The local CA bundle's hash as it is. */
  ca?: string;
  /** Each service certificate's hash as it is (tls.ts certificateHashes). */
  serviceCertificates: Partial<Record<ServiceCertificate, string>>;
  host: RenderInput["host"];
  assets: RenderAssets;
  /** Every generated file as it is on disk, and the manifest. */
  disk: Disk;
  containers: ContainerState[];
}

/** A plan, and what applying it needs: the desired state, the files as rendered, how the stack runs now. */
export interface StackPlan extends PlanSummary {
  desired: Desired;
  /** Each generated file with its outcome and current content (the operator's edits: `current` beside `file`). */
  rendered: FilePlan[];
  health: ServiceHealth[];
  /** The stack serves as it runs (every service complete and healthy, the API at any replica count): changes roll out. */
  serving: boolean;
  /** Every expected container is running and healthy. */
  healthy: boolean;
}

const renderInput = (
  d: Desired,
  o: Pick<Observed, "host" | "assets" | "s3" | "openai" | "alerts">,
  ca: string | undefined,
  certificates: Observed["serviceCertificates"],
) => ({
  ...{ paths: d.paths, config: d.config, sizing: d.sizing, version: d.version, configText: d.configText },
  host: o.host,
  images: imageRefs(d.images),
  access: { s3: o.s3.hash, openai: o.openai.hash, alerts: o.alerts.hash, ca, certificates },
  assets: o.assets,
});

/**
 * Look at the stack for DESIRED: its secrets, certificates and credentials, the host's facts that files depend on,
 * every file a render would write as it is now, and the engine's containers. Writes, builds and starts nothing.
 */
export async function observeStack(desired: Desired, stack: Stack): Promise<Observed> {
  const { paths, config, sizing, credentials } = desired;
  const dataSubnet = await chooseDataSubnet(config);
  const s3 = await ensureS3Access(paths, config.backup.s3, credentials, { write: false });
  const openai = await ensureOpenAIKey(paths, credentials, { write: false });
  const alerts = await ensureAlertAccess(paths, config.monitoring.alerts, credentials, { write: false });
  const ca = await caBundleHash(paths.tls);
  const serviceCertificates = await certificateHashes(paths.tls);
  const host = { dataSubnet, filesystems: await measuredFilesystems(paths), ops: opsHost() };
  const assets = renderAssets(paths, config);
  const files = renderStackFiles(
    renderInput(desired, { host, assets, s3, openai, alerts }, ca, serviceCertificates),
  ).map((f) => f.path);
  return {
    secretsMissing: SECRET_NAMES.filter((n) => !existsSync(join(paths.secrets, n))),
    certificates: await certificatesDue(paths.tls, config, topology(config, sizing, dataSubnet)),
    ...{ s3, openai, alerts, ca, serviceCertificates, host, assets },
    disk: await readDisk(paths, files),
    containers: await stack.containers(),
  };
}

/**
 * What `install` (or `upgrade`) does to bring OBSERVED to DESIRED: the files it writes (rendered here, compared under
 * the hash rules), the images it builds, the secrets and certificates it makes and the services it recreates, starts
 * or removes. Pure.
 */
export function planStack(desired: Desired, observed: Observed): StackPlan {
  const { paths, config, sizing, images } = desired;
  // A CA made again has a hash not known before it is made: any other value recreates what the real one would.
  const ca = observed.certificates.includes("ca") ? "a-new-ca" : observed.ca;
  // The same for a certificate issued again: the containers that present it are recreated.
  const issued = Object.fromEntries(
    SERVICE_CERTIFICATES.map((c) => [
      c,
      observed.certificates.includes(c) ? "issued-again" : observed.serviceCertificates[c],
    ]),
  );
  const input = renderInput(desired, observed, ca, issued);
  const rendered = planFilesOn(
    paths.dir,
    observed.disk,
    renderKeeping(paths.dir, observed.disk, (kept) => renderStackFiles(input, kept)),
  );
  const files = Object.fromEntries(rendered.map((p) => [p.key, p.outcome]));
  const health = summarise(observed.containers, expectedContainers(config, sizing));
  const running = new Set(observed.containers.filter((c) => c.state === "running").map((c) => c.service));
  const compose = rendered.find((p) => p.file.path === paths.compose)!.file.content;
  const services = planServices(observed.disk.files[paths.compose], compose, health, running);
  const access = (["s3", "openai", "alerts"] as const).filter((a) => observed[a].changed);
  const unhealthy = health
    .filter((o) => o.running > 0 && o.healthy < o.running && !services.start.includes(o.service))
    .map((o) => o.service);
  const { secretsMissing: secrets, certificates } = observed;
  const changes =
    secrets.length > 0 ||
    certificates.length > 0 ||
    access.length > 0 ||
    unhealthy.length > 0 ||
    images.some((i) => i.action !== "keep") ||
    Object.values(files).some((o) => o === "created" || o === "updated") ||
    services.recreate.length + services.start.length + services.remove.length > 0 ||
    services.replicas !== undefined;
  return {
    ...{ files, secrets, certificates, access, services, unhealthy, changes },
    images: images.map(({ name, ref, action }) => ({ name, ref, action })),
    ...{ desired, rendered, health, serving: runningHealthy(health), healthy: allHealthy(health) },
  };
}

/** The plan as `install --dry-run --json` prints it: what would happen, without the inputs. */
export function planSummary(plan: StackPlan): PlanSummary {
  const { files, images, secrets, certificates, access, services, unhealthy, changes } = plan;
  return { files, images, secrets, certificates, access, services, unhealthy, changes };
}

const ACCESS_NAMES: Record<string, string> = {
  s3: "the S3 credentials",
  openai: "the OpenAI key",
  alerts: "the alert receivers' secrets",
};

/** A plan as lines for a person. Pure. */
export function renderPlan(plan: PlanSummary): string[] {
  if (!plan.changes) return ["Nothing to do: the stack runs this configuration and is healthy."];
  const list = (what: string, items: string[]) => (items.length ? [`  ${what}: ${items.join(", ")}`] : []);
  const files = Object.entries(plan.files).filter(([, o]) => o !== "unchanged");
  const { services: s } = plan;
  return [
    "Install would:",
    ...list(
      "write",
      files.map(([f, o]) => (o === "kept-edited" ? `${f}.new (${f} has your edits)` : `${f} (${o})`)),
    ),
    ...list(
      "build images",
      plan.images.filter((i) => i.action === "build").map((i) => i.name),
    ),
    // An image already built under one of its tags (a rollback leaves a version tag on another build): no build.
    ...list(
      "tag images",
      plan.images.filter((i) => i.action === "tag").map((i) => i.name),
    ),
    ...list("create secrets", plan.secrets),
    ...list("issue certificates", plan.certificates),
    ...list(
      "take from the environment",
      plan.access.map((a) => ACCESS_NAMES[a] ?? a),
    ),
    ...list(
      "recreate",
      s.recreate.map((x) => (x === "api" ? "api (replica by replica)" : x)),
    ),
    ...list("start", s.start),
    ...list("remove", s.remove),
    ...(s.replicas ? [`  API replicas: ${s.replicas.from} -> ${s.replicas.to}`] : []),
    ...list("wait for (not healthy now)", plan.unhealthy),
  ];
}
