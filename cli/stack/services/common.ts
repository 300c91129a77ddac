import type { MeasuredFilesystem } from "../filesystems.js";
import type { OpsHost } from "../ops.js";
import type { StackPaths } from "../paths.js";
import { PROJECT_LABEL } from "../../labels.js";
import type { StevieConfig } from "../../config/schema.js";
import type { ComposeService, HealthCheck } from "../compose-types.js";
import type { Limits, Sizing } from "../sizing.js";
import type { Topology } from "../topology.js";

/** What every service module needs to describe its container. */
export interface StackContext {
  config: StevieConfig;
  sizing: Sizing;
  version: string;
  topology: Topology;
  /** Hashes of mounted config files (nginx.conf, haproxy.cfg): a changed file changes the container's labels,
   * so `docker compose up` recreates it and the new file takes effect. */
  fileHashes?: Record<string, string>;
  /** The image each service runs, by image name: content tags (see images.ts), so an upgrade that leaves an image's
   * build context alone leaves its containers alone. Without it, the version tag. */
  images?: Partial<Record<string, string>>;
  /** The host filesystems node-exporter measures (filesystems.ts); without: the host's root filesystem. */
  filesystems?: MeasuredFilesystem[];
  /** The ops service's view of the host (ops.ts); without it, the stack has no ops service. */
  ops?: OpsHost;
  /** The stack directory's paths (the ops service mounts the directory where it is). */
  paths?: Pick<StackPaths, "dir">;
}

/** An OpenAI key is installed (install passes its hash; see ../openai.ts). */
export const openaiEnabled = (ctx: StackContext) => Boolean(ctx.fileHashes?.openai);

export const FILE_HASH_LABEL = "io.stevie-stack.config-hash";

/** The label that ties a container to the content of its mounted config file. */
export function fileHashLabel(ctx: StackContext, file: string): Record<string, string> {
  const h = ctx.fileHashes?.[file];
  return h ? { [FILE_HASH_LABEL]: h } : {};
}

/**
 * For a client of the stack's CA written in Go (etcd's members among themselves, the exporters): a label that changes
 * with tls/ca.crt (its hash from install and upgrade, `ca`), so that such a container is recreated when the CA is
 * replaced (tls.ts). A certificate from a new CA leads to the previous one through a cross certificate; OpenSSL accepts
 * that path under the previous CA's path length 0 (the cross certificate is self-issued, which does not count), Go does
 * not. So a Go client still holding only the previous CA refuses the new certificates: seen in the suite, an etcd member
 * that had not restarted since a CA move refused its restarted peers for good.
 */
export function caTrustLabel(ctx: StackContext): Record<string, string> {
  const h = ctx.fileHashes?.ca;
  return h ? { "io.stevie-stack.ca-hash": h } : {};
}

export const imageRef = (name: string, version: string) => `stevie-stack/${name}:${version}`;
/** The tag of an image by the hash of its build context: the same files, the same tag, whatever the version. */
export const contentRef = (name: string, hash: string) => `stevie-stack/${name}:c-${hash.slice(0, 16)}`;

export function labels(ctx: StackContext, service: string): Record<string, string> {
  return {
    [PROJECT_LABEL]: ctx.config.projectName,
    "io.stevie-stack.service": service,
    "io.stevie-stack.environment": ctx.config.environment,
  };
}

/** Restart policy, resource ceiling, log rotation and labels: what every container of the stack has. */
export function baseService(
  ctx: StackContext,
  service: string,
  image: string,
  limits: Limits,
  healthcheck?: HealthCheck,
): ComposeService {
  return {
    image: ctx.images?.[image] ?? imageRef(image, ctx.version),
    restart: "unless-stopped",
    ...(healthcheck ? { healthcheck } : {}),
    deploy: {
      resources: {
        limits: { cpus: String(limits.cpus), memory: `${limits.memoryMb}M`, pids: PIDS_LIMIT[image] ?? 256 },
      },
    },
    logging: { driver: "json-file", options: { "max-size": "10m", "max-file": "5" } },
    labels: labels(ctx, service),
    dns_opt: DNS_OPTIONS,
    ...CONFINED,
  };
}

/**
 * Every container starts with no capabilities and no way to gain privileges (setuid binaries, file capabilities); a
 * service adds back what it needs, with the reason beside it (docs/design.md has the table, and the stack test checks
 * the running containers against it).
 */
export const CONFINED = { cap_drop: ["ALL"], security_opt: ["no-new-privileges:true"] };

/**
 * For an entrypoint that starts as root (to read the 0600 secrets) and drops to the service's user: SETUID and SETGID
 * for the drop; KILL for the init process (tini, root), which otherwise cannot signal a process of another user, so
 * `docker stop` made tini fail to pass SIGTERM on and exit, and the kernel killed the service outright (seen with the
 * API: no drain, queued history rows lost). The service itself runs with no capability at all.
 */
export const DROPS_TO_USER = ["SETUID", "SETGID", "KILL"];

/**
 * A ceiling on each container's processes and threads (against a fork bomb or a thread leak taking the host's), well
 * above what each uses under load: PostgreSQL runs one process per connection (max_connections 300) besides Patroni's
 * threads, pgBackRest's processes and a drill's second server; a health check or `docker exec` counts too.
 */
export const PIDS_LIMIT: Record<string, number> = {
  postgres: 1024,
  api: 256,
  nginx: 256,
  etcd: 128,
  haproxy: 128,
  redis: 128,
};

/**
 * Resolver options for every container. Docker's DNS on an internal network does not answer for a name it does not
 * know (a stopped container's), and glibc's default then waits 5 s × 2 attempts per lookup: a Patroni turn that looked
 * up two stopped etcd members took 22 s, longer than the leader key lives (measured 20 s per `getent hosts`; with
 * these options 2 s). A live name answers in milliseconds, so a second attempt after 1 s is margin enough.
 */
export const DNS_OPTIONS = ["timeout:1", "attempts:2"];

/**
 * A container health check. Each probe is a `docker exec`, which costs about 0.2 s of CPU on a small VM (runc, the
 * shim, the daemon) whatever the command: at 5 s for every container the checks alone took a third of a 2-core host
 * at rest (measured; see docs/performance.md). So the data tier (PostgreSQL, etcd, Redis, Sentinel), which the CLI
 * waits on only after recreating it, is probed every 10 s; the API, nginx and HAProxy, which every rollout and
 * failover waits on, more often. Docker before 25 has no start_interval: the first probe comes one interval after
 * the start, so a longer interval also delays the first "healthy" (by up to 5 s here).
 */
export function health(test: string[], opts: Partial<HealthCheck> = {}): HealthCheck {
  return { test, interval: "10s", timeout: "5s", retries: 3, start_period: "60s", ...opts };
}
