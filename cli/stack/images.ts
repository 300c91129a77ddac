import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { UserError } from "../errors.js";
import { packageRoot } from "../package-root.js";
import { cacheDir, type StackPaths } from "./paths.js";
import { contentRef, imageRef } from "./services/common.js";
import { Engine, host } from "./handle.js";

const engine = new Engine();

/** The images of the stack, all FROM debian:trixie-slim, tagged with the stevie-stack version. */
export const IMAGE_NAMES = ["postgres", "etcd", "haproxy", "redis", "api", "nginx", "monitoring", "ops"] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** Node's LTS line for the API image; its Linux binary comes from the npm registry, which these hosts reach. */
export const API_NODE_VERSION = "24.22.3";
const HASH_LABEL = "io.stevie-stack.context-hash";

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

/** One file of a build context: its path in the context, the file it comes from, the mode it gets there. */
export interface ContextFile {
  at: string;
  from: string;
  mode?: number;
}

/**
 * A content hash of a build context, from the files it is made of (nothing copied): a rebuild happens exactly when a
 * file, its place or its mode changed, or the stack's images were refreshed (`refreshed`, when that happened).
 */
export async function hashContext(files: ContextFile[], refreshed?: string): Promise<string> {
  const h = createHash("sha256");
  // A refresh (upgrade --refresh) rebuilds the same files on newer Debian packages: a new hash, so a new tag.
  if (refreshed) h.update(`refreshed\0${refreshed}\0`);
  for (const f of [...files].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    h.update(`${f.at}\0${(f.mode ?? (await stat(f.from)).mode) & 0o777}\0`);
    h.update(await readFile(f.from));
  }
  return h.digest("hex");
}

/** bin/node of the node-linux-<arch> npm package in the cache, fetched once when `fetch` (else undefined if absent). */
async function nodeBinary(log: (l: string) => void, fetch: boolean): Promise<string | undefined> {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const dir = join(cacheDir(), `node-${API_NODE_VERSION}-${arch}`);
  const bin = join(dir, "package", "bin", "node");
  if (existsSync(bin)) return bin;
  if (!fetch) return undefined;
  await mkdir(dir, { recursive: true });
  log(`fetching Node ${API_NODE_VERSION} (${arch}) for the API image`);
  const r = await host.run(
    "npm",
    ["pack", `node-linux-${arch}@${API_NODE_VERSION}`, "--pack-destination", dir, "--silent"],
    { timeoutMs: 10 * 60_000 },
  );
  const tgz = r.stdout.trim().split("\n").pop() ?? "";
  if (!tgz.endsWith(".tgz"))
    throw new UserError(
      `could not download node-linux-${arch}@${API_NODE_VERSION} from the npm registry`,
      "check that this host reaches the npm registry",
    );
  await host.run("tar", ["-xzf", join(dir, tgz), "-C", dir, "package/bin/node"]);
  await rm(join(dir, tgz), { force: true });
  return bin;
}

/**
 * The files an image is built from, where they are (nothing copied): its directory under compose/images; the API's
 * adds the bundled server (app/) and the Node binary, the ops service's the Node binary. Undefined when the Node binary is not fetched yet and `fetch` is
 * off (a dry run).
 */
async function contextFiles(name: ImageName, log: (l: string) => void, fetch: boolean) {
  const src = join(packageRoot(), "compose", "images", name);
  const own: ContextFile[] = (await listFiles(src)).map((f) => ({ at: relative(src, f), from: f }));
  if (name === "ops") {
    const node = await nodeBinary(log, fetch);
    return node ? [...own, { at: "node", from: node, mode: 0o755 }] : undefined;
  }
  if (name !== "api") return own;
  const bundle = join(packageRoot(), "dist", "server-bundle");
  if (!existsSync(join(bundle, "main.mjs"))) {
    throw new UserError(
      "the API bundle (dist/server-bundle) is missing",
      "run `npm run build` in the stevie-stack checkout",
    );
  }
  const node = await nodeBinary(log, fetch);
  if (!node) return undefined;
  const app = (await listFiles(bundle)).map((f) => ({ at: join("app", relative(bundle, f)), from: f }));
  return [...own, ...app, { at: "node", from: node, mode: 0o755 }];
}

/**
 * The directory Docker builds from: the image's own directory when that is all it is made of; otherwise (the API's)
 * its files copied into the cache with their modes.
 */
async function prepareContext(plan: ImagePlan): Promise<string> {
  const src = join(packageRoot(), "compose", "images", plan.name);
  if (plan.sources.every((f) => f.from === join(src, f.at) && f.mode === undefined)) return src;
  const ctx = join(cacheDir(), `context-${plan.name}`);
  await rm(ctx, { recursive: true, force: true });
  for (const f of plan.sources) {
    await mkdir(dirname(join(ctx, f.at)), { recursive: true });
    await copyFile(f.from, join(ctx, f.at));
    if (f.mode !== undefined) await chmod(join(ctx, f.at), f.mode);
  }
  return ctx;
}

export interface ImagePlan {
  name: ImageName;
  ref: string;
  /** What the context is made of (see contextFiles); empty when unknown (a dry run before Node was fetched). */
  sources: ContextFile[];
  hash: string;
  /** The tag the stack's compose file uses: by content, so a new version rebuilds and recreates only what changed. */
  contentRef: string;
  /** build; tag (the image exists under one of its two tags: add the other); keep. */
  action: "build" | "tag" | "keep";
  /** Build without Docker's cache (a refresh: every package as Debian has it now). */
  noCache?: boolean;
}

export interface ImageOptions {
  /** Download Node for the API's image when it is not in the cache (off for a dry run). */
  fetch: boolean;
  /**
   * When the stack's images were last refreshed (readRefreshed; undefined: never), part of each image's hash. Required:
   * a caller that left it out would plan the builds from before the refresh and bring them back.
   */
  refreshed: string | undefined;
  /** Build what must be built without Docker's cache. */
  noCache?: boolean;
}

/** When `upgrade --refresh` last rebuilt the stack's images (ISO), from the stack directory; undefined: never. */
export async function readRefreshed(paths: Pick<StackPaths, "imagesRefreshed">): Promise<string | undefined> {
  return (await readFile(paths.imagesRefreshed, "utf8").catch(() => "")).trim() || undefined;
}

/**
 * Which images must be (re)built: missing, or built from a different context. Each image carries two tags: the
 * version (what the CLI's one-off containers run) and the content hash (what the stack runs). Observes only: hashes
 * the files a context is made of, copies nothing. `fetch: false` (a dry run) does not download Node for the API's.
 */
export async function planImages(version: string, log: (l: string) => void, opts: ImageOptions): Promise<ImagePlan[]> {
  const plans: ImagePlan[] = [];
  for (const name of IMAGE_NAMES) {
    const sources = await contextFiles(name, log, opts.fetch);
    const ref = imageRef(name, version);
    if (!sources) {
      plans.push({ name, ref, contentRef: contentRef(name, "unknown"), sources: [], hash: "", action: "build" });
      continue;
    }
    const hash = await hashContext(sources, opts.refreshed);
    const byContent = contentRef(name, hash);
    const [a, b] = await Promise.all([engine.imageLabels(ref), engine.imageLabels(byContent)]);
    const have = [a?.[HASH_LABEL] === hash, b?.[HASH_LABEL] === hash];
    const action = have[0] && have[1] ? "keep" : have[0] || have[1] ? "tag" : "build";
    plans.push({ name, ref, contentRef: byContent, sources, hash, action, ...(opts.noCache ? { noCache: true } : {}) });
  }
  return plans;
}

const splitRef = (ref: string) => ({
  repo: ref.slice(0, ref.lastIndexOf(":")),
  tag: ref.slice(ref.lastIndexOf(":") + 1),
});

/** Give an image that exists under one of its tags the other one. */
export async function tagPlannedImage(plan: ImagePlan): Promise<void> {
  const source = (await engine.imageLabels(plan.ref))?.[HASH_LABEL] === plan.hash ? plan.ref : plan.contentRef;
  for (const target of [plan.ref, plan.contentRef].filter((r) => r !== source)) {
    const { repo, tag } = splitRef(target);
    await engine.tagImage(source, repo, tag);
  }
}

export async function buildPlannedImage(plan: ImagePlan, onLine: (l: string) => void): Promise<void> {
  try {
    const context = await prepareContext(plan);
    await engine.buildImage({
      context,
      files: plan.sources.map((f) => f.at),
      tag: plan.ref,
      labels: { [HASH_LABEL]: plan.hash, "io.stevie-stack.image": plan.name },
      noCache: plan.noCache ?? false,
      onLine,
    });
    const { repo, tag } = splitRef(plan.contentRef);
    await engine.tagImage(plan.ref, repo, tag);
  } catch (err) {
    throw new UserError(
      `building image ${plan.ref} failed: ${(err as Error).message}`,
      "fix the cause above and run `stevie-stack install` again; finished steps are not repeated",
    );
  }
}

/** The image each service runs, by image name: the content tags. */
export const imageRefs = (images: Pick<ImagePlan, "name" | "contentRef">[]) =>
  Object.fromEntries(images.map((i) => [i.name, i.contentRef]));
