import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import type { StevieConfig } from "../config/schema.js";
import { planFiles, readIfExists, type FileOutcome } from "./files.js";
import { measuredFilesystems } from "./filesystems.js";
import { expectedContainers, renderAssets, renderKeepingEdits, renderStackFiles } from "./generate.js";
import { summarise, type ServiceHealth } from "./health.js";
import { imageRefs, type ImagePlan } from "./images.js";
import { ensureOpenAIKey } from "./openai.js";
import type { StackPaths } from "./paths.js";
import { changedServices, desiredReplicas } from "./rolling.js";
import { ensureS3Access } from "./s3.js";
import { SECRET_NAMES } from "./secrets.js";
import type { Sizing } from "./sizing.js";
import { chooseDataSubnet } from "./subnet.js";
import { caBundleHash, certificatesDue } from "./tls.js";
import { topology } from "./topology.js";
import { Stack } from "./handle.js";

/** What `install` would do to a stack, found by looking only: nothing is written, built or started. */
export interface StackPlan {
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

/**
 * Look at the stack and say what `install` would do with this config: the files it would write (rendered in memory
 * and compared under the usual hash rules), the images it would build, the secrets and certificates it would make and
 * the services it would recreate, start or remove. Reads the engine (containers, images, networks) and the stack
 * directory; changes neither.
 */
export async function planInstall(args: {
  paths: StackPaths;
  config: StevieConfig;
  text: string;
  version: string;
  sizing: Sizing;
  images: ImagePlan[];
  env?: NodeJS.ProcessEnv;
}): Promise<StackPlan> {
  const { paths, config, sizing, images } = args;
  const env = args.env ?? process.env;
  const secrets = SECRET_NAMES.filter((n) => !existsSync(join(paths.secrets, n)));
  const dataSubnet = await chooseDataSubnet(config);
  const topo = topology(config, sizing, dataSubnet);
  const certificates = await certificatesDue(paths.tls, config, topo);
  const s3 = await ensureS3Access(paths, config.backup.s3, env, { write: false });
  const openai = await ensureOpenAIKey(paths, env, { write: false });
  // A CA made again has a hash not known before it is made: any other value recreates what the real one would.
  const ca = certificates.includes("ca") ? "a-new-ca" : await caBundleHash(paths.tls);
  const host = { dataSubnet, filesystems: await measuredFilesystems(paths.dir) };
  const input = {
    ...{ paths, config, sizing, version: args.version, configText: args.text, host },
    images: imageRefs(images),
    access: { s3: s3.hash, openai: openai.hash, ca },
    assets: renderAssets(paths, config),
  };
  const rendered = await renderKeepingEdits(paths, (kept) => renderStackFiles(input, kept));
  const files = Object.fromEntries(
    (await planFiles(paths, rendered)).map(({ file, outcome }) => [relative(paths.dir, file.path), outcome]),
  );
  const containers = await new Stack(paths, config.projectName).containers();
  const observed = summarise(containers, expectedContainers(config, sizing));
  const running = new Set(containers.filter((c) => c.state === "running").map((c) => c.service));
  const compose = rendered.find((f) => f.path === paths.compose)!.content;
  const services = planServices(await readIfExists(paths.compose), compose, observed, running);
  const access = [...(s3.changed ? ["s3"] : []), ...(openai.changed ? ["openai"] : [])];
  const unhealthy = observed
    .filter((o) => o.running > 0 && o.healthy < o.running && !services.start.includes(o.service))
    .map((o) => o.service);
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
    files,
    images: images.map(({ name, ref, action }) => ({ name, ref, action })),
    secrets,
    certificates,
    access,
    services,
    unhealthy,
    changes,
  };
}

/** A plan as lines for a person. Pure. */
export function renderPlan(plan: StackPlan): string[] {
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
    ...list("create secrets", plan.secrets),
    ...list("issue certificates", plan.certificates),
    ...list(
      "take from the environment",
      plan.access.map((a) => (a === "s3" ? "the S3 credentials" : "the OpenAI key")),
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
