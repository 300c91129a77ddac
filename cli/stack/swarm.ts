import { posix } from "node:path";
import { stringify } from "yaml";
import type { ComposeFile, ComposeService } from "./compose-types.js";
import { apiProbe } from "./services/api.js";
import { DNS_OPTIONS } from "./services/common.js";
import { haproxyProbe } from "./services/postgres.js";

/**
 * The Swarm target's stack file (issue 27): the same services as the Compose file, said the way `docker stack deploy`
 * understands them. Pure: it takes the Compose file the plan renders and the content hashes of the stack directory's
 * files, and gives the stack file, so one plan feeds both appliers.
 *
 * What changes, and why (docs/plans/issue-27.md has the measurements):
 * - Swarm gives a service no fixed address and, here, no working virtual IP (no IPVS): every service is found by name,
 *   `endpoint_mode: dnsrr`, on overlay networks; `ipv4_address`, `ip_range` and the bridge options go.
 * - Each member of the data tier (postgres-N, etcd-N, redis-N, sentinel-N) runs on the node labelled
 *   `io.stevie-stack.member=N`, so no node holds two of a kind and each member's volume stays on its node.
 * - nginx runs on every node labelled `io.stevie-stack.edge=true`, ports in host mode (the routing mesh would hide the
 *   client's address from the per-IP limits); HAProxy and node-exporter run on every node.
 * - The API and HAProxy are checked for liveness, not readiness: Swarm replaces an unhealthy task, and readiness fails
 *   whenever the database has no primary, which would restart every replica during a failover.
 * - API replicas spread over the nodes and update one at a time, the new one started first, rolled back on failure.
 * - Files from the stack directory become Swarm configs, secrets Swarm secrets; both are immutable, so each is named
 *   by its content hash and a changed file is a new name.
 * - Replaced by their Swarm forms: `restart` (restart policy; the migration is a job), `shm_size` (a sized tmpfs),
 *   `dns_opt` (`RES_OPTIONS`, which glibc reads), `depends_on` (the applier deploys in phases). Every `$` is
 *   doubled: `docker stack` interpolates variables, Compose let a bare one pass.
 * - Left out, with the reason: `security_opt` (install sets the daemon's no-new-privileges on every node), ports
 *   bound to loopback (Swarm publishes on every interface; Grafana is reached over SSH instead), and the two
 *   directories node-exporter reads from the CLI's node only (its filesystem probes and the textfile metrics).
 */

export interface SwarmInput {
  /** Content hash of every file under the stack directory that a service mounts or a secret names, by relative path
   * ("nginx/nginx.conf", "secrets/redis_password"). */
  hashes: Record<string, string>;
  /** Nodes in the cluster: API replicas per node are capped at ceil(replicas / nodes). */
  nodes: number;
}

export interface SwarmService extends Omit<
  ComposeService,
  | "restart"
  | "depends_on"
  | "dns_opt"
  | "security_opt"
  | "shm_size"
  | "ports"
  | "volumes"
  | "networks"
  | "deploy"
  | "secrets"
> {
  secrets?: (string | { source: string; target: string })[];
  volumes?: (string | { type: "tmpfs"; target: string; tmpfs: { size: number } })[];
  networks?: string[];
  ports?: { target: number; published: number; protocol: "tcp"; mode: "host" }[];
  configs?: { source: string; target: string }[];
  deploy: {
    mode: "replicated" | "global" | "replicated-job";
    replicas?: number;
    endpoint_mode: "dnsrr";
    resources: NonNullable<ComposeService["deploy"]>["resources"];
    restart_policy: { condition: "any" | "on-failure"; delay: string; max_attempts?: number };
    placement?: { constraints?: string[]; max_replicas_per_node?: number };
    update_config?: UpdateConfig;
    rollback_config?: UpdateConfig;
  };
}

interface UpdateConfig {
  parallelism: number;
  order: "start-first" | "stop-first";
  failure_action?: "rollback";
  monitor?: string;
}

export interface SwarmFile {
  services: Record<string, SwarmService>;
  networks: Record<
    string,
    { driver: "overlay"; internal?: boolean; attachable: boolean; labels: Record<string, string> }
  >;
  volumes: ComposeFile["volumes"];
  configs: Record<string, { file: string; name: string }>;
  secrets: Record<string, { file: string; name: string }>;
}

export const MEMBER_LABEL = "io.stevie-stack.member";
export const EDGE_LABEL = "io.stevie-stack.edge";
const MEMBER = /^(postgres|etcd|redis|sentinel)-(\d+)$/;
/** One task on every node: the edge, the database's way in, and the host metrics. */
const GLOBAL = new Set(["nginx", "haproxy", "node-exporter"]);
/** Directories that are the CLI node's own, not content to ship (see above). */
const NODE_LOCAL = new Set(["monitoring/fs-probe", "monitoring/textfile"]);
/** A mounted file that is a private key: a Swarm secret (encrypted, never shown), not a config. */
const PRIVATE = /\.key$/;
/** The liveness checks that replace a readiness check where Swarm would act on it. */
const LIVENESS: Record<string, string[]> = {
  api: apiProbe("/api/health/live"),
  haproxy: haproxyProbe("/ready"),
};

/** `PROJECT_base_hash8`: a Swarm object named by what it holds. */
function versioned(project: string, key: string, hash: string | undefined, path: string): string {
  if (!hash) throw new Error(`no content hash for ${path}: the Swarm stack names each config and secret by its hash`);
  return `${project}_${key}_${hash.slice(0, 8)}`;
}

/** "64m" → bytes. */
function bytes(size: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(size);
  if (!m) throw new Error(`cannot read the size "${size}"`);
  return Number(m[1]) * 1024 ** " kmg".indexOf((m[2] || " ").toLowerCase());
}

/** "127.0.0.1:8443:443", "8443:443" → the host-mode long form; nothing for a loopback-only port. */
function hostPort(spec: string): NonNullable<SwarmService["ports"]> {
  const parts = spec.split(":");
  const [address, published, target] = parts.length === 3 ? parts : ["", ...parts];
  if (address && /^(127\.|localhost$|::1$)/.test(address)) return [];
  return [{ target: Number(target), published: Number(published), protocol: "tcp", mode: "host" }];
}

/** How many tasks, where, how they restart and update. */
function deployOf(
  name: string,
  restart: ComposeService["restart"],
  deploy: ComposeService["deploy"],
  nodes: number,
): SwarmService["deploy"] {
  const member = MEMBER.exec(name);
  const isGlobal = GLOBAL.has(name);
  const job = restart === "no";
  const replicas = deploy?.replicas ?? 1;
  return {
    mode: job ? "replicated-job" : isGlobal ? "global" : "replicated",
    ...(job || isGlobal ? {} : { replicas }),
    endpoint_mode: "dnsrr",
    resources: deploy!.resources,
    restart_policy: job ? { condition: "on-failure", delay: "5s", max_attempts: 3 } : { condition: "any", delay: "5s" },
    ...(member ? { placement: { constraints: [`node.labels.${MEMBER_LABEL} == ${member[2]}`] } } : {}),
    ...(name === "nginx" ? { placement: { constraints: [`node.labels.${EDGE_LABEL} == true`] } } : {}),
    ...(name === "api"
      ? {
          placement: { max_replicas_per_node: Math.ceil(replicas / Math.max(1, nodes)) },
          update_config: { parallelism: 1, order: "start-first", failure_action: "rollback", monitor: "30s" },
          rollback_config: { parallelism: 1, order: "start-first" },
        }
      : {}),
  };
}

/** Every string as written: `docker stack` interpolates `$`, and nothing in a generated file is a variable. */
function literal<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("$", "$$$$") as T;
  if (Array.isArray(value)) return value.map(literal) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)])) as T;
  return value;
}

export function swarmStack(file: ComposeFile, input: SwarmInput): SwarmFile {
  const project = file.name;
  const configs: SwarmFile["configs"] = {};
  const fileSecrets: SwarmFile["secrets"] = {};
  const filesUnder = (dir: string) => Object.keys(input.hashes).filter((p) => p.startsWith(`${dir}/`));

  /** A bind mount of the stack directory as configs, one per file (a private key as a secret); else a volume. */
  function mount(spec: string): { volume?: string; files: { source: string; target: string; secret: boolean }[] } {
    const [source, target] = spec.split(":") as [string, string];
    if (!source.startsWith("./")) return { volume: spec, files: [] };
    const path = posix.normalize(source.slice(2));
    if (NODE_LOCAL.has(path)) return { files: [] };
    const files = input.hashes[path] !== undefined ? [path] : filesUnder(path);
    if (!files.length) throw new Error(`${source} is mounted, but no file under the stack directory matches it`);
    return {
      files: files.map((f) => {
        const key = f.replace(/[^A-Za-z0-9]+/g, "_");
        const secret = PRIVATE.test(f);
        (secret ? fileSecrets : configs)[key] = { file: `./${f}`, name: versioned(project, key, input.hashes[f], f) };
        return { source: key, target: f === path ? target : posix.join(target, posix.relative(path, f)), secret };
      }),
    };
  }

  const services: SwarmFile["services"] = {};
  for (const [name, svc] of Object.entries(file.services)) {
    // The ops service is the CLI of one host (its package, cache and engine socket, mounted where that host has them,
    // no network): on Swarm it belongs to the managers, which is part of issue 27's design, not a replicated service.
    if (name === "ops") continue;
    // Left out: ordering (the applier's phases), the resolver options (RES_OPTIONS) and no-new-privileges (the daemon's).
    const {
      restart,
      depends_on: _order,
      dns_opt: _dns,
      security_opt: _nnp,
      shm_size,
      ports,
      volumes,
      networks,
      deploy,
      ...kept
    } = svc;
    const mounts = (volumes ?? []).map(mount);
    const out: SwarmService = {
      ...kept,
      environment: { ...kept.environment, RES_OPTIONS: DNS_OPTIONS.join(" ") },
      networks: Array.isArray(networks) ? networks : Object.keys(networks ?? {}),
      volumes: [
        ...mounts.flatMap((m) => (m.volume ? [m.volume] : [])),
        ...(shm_size ? [{ type: "tmpfs" as const, target: "/dev/shm", tmpfs: { size: bytes(shm_size) } }] : []),
      ],
      configs: mounts.flatMap((m) =>
        m.files.filter((f) => !f.secret).map(({ source, target }) => ({ source, target })),
      ),
      secrets: [
        ...(kept.secrets ?? []),
        ...mounts.flatMap((m) => m.files.filter((f) => f.secret).map(({ source, target }) => ({ source, target }))),
      ],
      ports: (ports ?? []).flatMap(hostPort),
      deploy: deployOf(name, restart, deploy, input.nodes),
    };
    if (LIVENESS[name] && out.healthcheck) out.healthcheck = { ...out.healthcheck, test: LIVENESS[name] };
    for (const key of ["volumes", "configs", "ports", "secrets"] as const) if (!out[key]?.length) delete out[key];
    services[name] = literal(out);
  }

  return {
    services,
    networks: Object.fromEntries(
      Object.entries(file.networks).map(([name, n]) => [
        name,
        { driver: "overlay", ...(n.internal ? { internal: true } : {}), attachable: true, labels: n.labels },
      ]),
    ),
    volumes: file.volumes,
    configs,
    secrets: {
      ...Object.fromEntries(
        Object.entries(file.secrets).map(([key, s]) => {
          const path = posix.normalize(s.file.replace(/^\.\//, ""));
          return [key, { file: s.file, name: versioned(project, key, input.hashes[path], path) }];
        }),
      ),
      ...fileSecrets,
    },
  };
}

export function renderSwarmStack(file: SwarmFile): string {
  return `# Generated by stevie-stack for \`docker stack deploy\`. Edit stevie.yaml and re-run \`stevie-stack install\` instead of editing this file.\n${stringify(file, { lineWidth: 0 })}`;
}
