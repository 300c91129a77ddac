import { join, resolve } from "node:path";
import { homedir } from "node:os";
import { SCHEMA_FILE } from "../config/json-schema.js";

/** Where everything of one installed stack lives. The stack directory is plain files, diffable. */
export interface StackPaths {
  dir: string;
  config: string;
  /** The JSON Schema of stevie.yaml, named by its first line (for editors); generated. */
  configSchema: string;
  compose: string;
  /** The operator's additions to compose.yaml (optional; never generated): see composeFiles in handle.ts. */
  composeOverride: string;
  envFile: string;
  secrets: string;
  tls: string;
  /** tls.mode acme: lego's account and certificates, the challenge webroot, and live/ (what nginx serves). */
  acme: string;
  nginxConf: string;
  /** The API's server lines, included by nginx.conf; the CLI rewrites it while it takes a replica out. */
  nginxUpstream: string;
  haproxyConf: string;
  state: string;
  manifest: string;
  versionStamp: string;
  /** When `upgrade --refresh` last rebuilt the images (part of their hashes; absent: never). */
  imagesRefreshed: string;
}

export function stackPaths(dir: string): StackPaths {
  const d = resolve(dir);
  return {
    dir: d,
    config: join(d, "stevie.yaml"),
    configSchema: join(d, SCHEMA_FILE),
    compose: join(d, "compose.yaml"),
    composeOverride: join(d, "compose.override.yaml"),
    envFile: join(d, ".env"),
    secrets: join(d, "secrets"),
    tls: join(d, "tls"),
    acme: join(d, "acme"),
    nginxConf: join(d, "nginx", "nginx.conf"),
    nginxUpstream: join(d, "nginx", "upstream", "api.conf"),
    haproxyConf: join(d, "haproxy", "haproxy.cfg"),
    state: join(d, ".stevie"),
    manifest: join(d, ".stevie", "manifest.json"),
    versionStamp: join(d, ".stevie", "version"),
    imagesRefreshed: join(d, ".stevie", "images-refreshed"),
  };
}

/** Where a command works without --dir: $STEVIE_STACK_DIR, else /opt/stevie-stack as root, else ./stevie-stack. */
export function defaultStackDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEVIE_STACK_DIR) return resolve(env.STEVIE_STACK_DIR);
  return process.getuid?.() === 0 ? "/opt/stevie-stack" : resolve("stevie-stack");
}

/** Build contexts and downloaded artifacts (the Node runtime for the API image), shared by every stack on the host. */
export function cacheDir(): string {
  if (process.env.STEVIE_STACK_CACHE) return resolve(process.env.STEVIE_STACK_CACHE);
  if (process.getuid?.() === 0) return "/var/cache/stevie-stack";
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "stevie-stack");
}
