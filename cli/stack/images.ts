import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, copyFile, cp, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import * as docker from "../docker.js";
import { UserError } from "../errors.js";
import { run } from "../exec.js";
import { packageRoot } from "../package-root.js";
import { cacheDir } from "./paths.js";
import { contentRef, imageRef } from "./services/common.js";

/** The images of the stack, all FROM debian:trixie-slim, tagged with the stevie-stack version. */
export const IMAGE_NAMES = ["postgres", "etcd", "haproxy", "redis", "api", "nginx", "monitoring"] as const;
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

/** A content hash of a build context: a rebuild happens exactly when a file (or its mode) changed. */
export async function hashContext(dir: string): Promise<{ hash: string; files: string[] }> {
  const files = (await listFiles(dir)).map((f) => relative(dir, f)).sort();
  const h = createHash("sha256");
  for (const f of files) {
    const s = await stat(join(dir, f));
    h.update(`${f}\0${s.mode & 0o777}\0`);
    h.update(await readFile(join(dir, f)));
  }
  return { hash: h.digest("hex"), files };
}

/** bin/node of the node-linux-<arch> npm package, fetched once into the cache. */
async function nodeBinary(log: (l: string) => void): Promise<string> {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const dir = join(cacheDir(), `node-${API_NODE_VERSION}-${arch}`);
  const bin = join(dir, "package", "bin", "node");
  if (existsSync(bin)) return bin;
  await mkdir(dir, { recursive: true });
  log(`fetching Node ${API_NODE_VERSION} (${arch}) for the API image`);
  const r = await run(
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
  await run("tar", ["-xzf", join(dir, tgz), "-C", dir, "package/bin/node"]);
  await rm(join(dir, tgz), { force: true });
  return bin;
}

/** Put together the directory Docker builds from. The API's holds the Node binary and the bundled server. */
export async function prepareContext(name: ImageName, log: (l: string) => void): Promise<string> {
  const src = join(packageRoot(), "compose", "images", name);
  if (name !== "api") return src;
  const bundle = join(packageRoot(), "dist", "server-bundle");
  if (!existsSync(join(bundle, "main.mjs"))) {
    throw new UserError(
      "the API bundle (dist/server-bundle) is missing",
      "run `npm run build` in the stevie-stack checkout",
    );
  }
  const ctx = join(cacheDir(), "context-api");
  await rm(ctx, { recursive: true, force: true });
  await mkdir(ctx, { recursive: true });
  await cp(src, ctx, { recursive: true });
  await cp(bundle, join(ctx, "app"), { recursive: true });
  await copyFile(await nodeBinary(log), join(ctx, "node"));
  await chmod(join(ctx, "node"), 0o755);
  return ctx;
}

export interface ImagePlan {
  name: ImageName;
  ref: string;
  context: string;
  files: string[];
  hash: string;
  /** The tag the stack's compose file uses: by content, so a new version rebuilds and recreates only what changed. */
  contentRef: string;
  /** build; tag (the image exists under one of its two tags: add the other); keep. */
  action: "build" | "tag" | "keep";
}

/**
 * Which images must be (re)built: missing, or built from a different context. Each image carries two tags: the
 * version (what the CLI's one-off containers run) and the content hash (what the stack runs).
 */
export async function planImages(version: string, log: (l: string) => void): Promise<ImagePlan[]> {
  const plans: ImagePlan[] = [];
  for (const name of IMAGE_NAMES) {
    const context = await prepareContext(name, log);
    const { hash, files } = await hashContext(context);
    const ref = imageRef(name, version);
    const byContent = contentRef(name, hash);
    const [a, b] = await Promise.all([docker.imageLabels(ref), docker.imageLabels(byContent)]);
    const have = [a?.[HASH_LABEL] === hash, b?.[HASH_LABEL] === hash];
    const action = have[0] && have[1] ? "keep" : have[0] || have[1] ? "tag" : "build";
    plans.push({ name, ref, contentRef: byContent, context, files, hash, action });
  }
  return plans;
}

const splitRef = (ref: string) => ({
  repo: ref.slice(0, ref.lastIndexOf(":")),
  tag: ref.slice(ref.lastIndexOf(":") + 1),
});

/** Give an image that exists under one of its tags the other one. */
export async function tagPlannedImage(plan: ImagePlan): Promise<void> {
  const source = (await docker.imageLabels(plan.ref))?.[HASH_LABEL] === plan.hash ? plan.ref : plan.contentRef;
  for (const target of [plan.ref, plan.contentRef].filter((r) => r !== source)) {
    const { repo, tag } = splitRef(target);
    await docker.tagImage(source, repo, tag);
  }
}

export async function buildPlannedImage(plan: ImagePlan, onLine: (l: string) => void): Promise<void> {
  try {
    await docker.buildImage({
      context: plan.context,
      files: plan.files,
      tag: plan.ref,
      labels: { [HASH_LABEL]: plan.hash, "io.stevie-stack.image": plan.name },
      onLine,
    });
    const { repo, tag } = splitRef(plan.contentRef);
    await docker.tagImage(plan.ref, repo, tag);
  } catch (err) {
    throw new UserError(
      `building image ${plan.ref} failed: ${(err as Error).message}`,
      "fix the cause above and run `stevie-stack install` again; finished steps are not repeated",
    );
  }
}
