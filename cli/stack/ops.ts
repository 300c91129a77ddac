import { readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { readIfExists, writeAtomic } from "./files.js";
import { cacheDir, type StackPaths } from "./paths.js";

/**
 * The ops service (services/ops.ts): the stack's own operator, the installed CLI run in a container of the stack
 * (`stevie-stack ops run`). It renews certificates and runs the autoscaler, which both need the CLI: the CA's key
 * stays with the stack directory, never in a service that faces a network.
 *
 * It sees the host the way the CLI does: the stack directory, the package and the cache mounted at their own paths,
 * and the engine's socket at its own. So what it generates from the host's facts is what the CLI on the host
 * generates, and a run of install from either changes nothing the other made, the ops service's own definition
 * included (it would otherwise recreate itself half-way through).
 */
export interface OpsHost {
  /** The user (and group) that ran install: the ops service runs as them. */
  uid: number;
  gid: number;
  /** The engine's socket, and the group that may use it (added to the service's groups). */
  socket: string;
  socketGid: number;
  packageRoot: string;
  /** Where the package's linked parts really are (a checkout's node_modules linked from elsewhere, say), outside it. */
  linked: string[];
  cacheDir: string;
}

/** Set inside the ops service: what only the host can measure is read from what install recorded there. */
export const OPS_ENV = "STEVIE_STACK_OPS";
export const insideOps = (env: NodeJS.ProcessEnv = process.env) => env[OPS_ENV] === "1";

/** Touched every 30 s by the ops service (state/): its health check reads the file's age. */
export const OPS_ALIVE_FILE = "ops.alive";

export const dockerSocket = (env: NodeJS.ProcessEnv = process.env) => env.DOCKER_SOCKET ?? "/var/run/docker.sock";

/** The host's facts the ops service's definition is made of; undefined when the engine is not at a local socket. */
export function opsHost(): OpsHost | undefined {
  const socket = dockerSocket();
  let socketGid: number;
  try {
    socketGid = statSync(socket).gid;
  } catch {
    return undefined;
  }
  const root = packageRoot();
  return {
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    socket,
    socketGid,
    packageRoot: root,
    linked: linkedOutside(root),
    cacheDir: cacheDir(),
  };
}

/** The targets of the symbolic links at the top of ROOT that lead out of it. */
function linkedOutside(root: string): string[] {
  const out = new Set<string>();
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isSymbolicLink()) continue;
    const target = realpathSync(join(root, e.name));
    if (target !== root && !target.startsWith(`${root}/`)) out.add(target);
  }
  return [...out].sort();
}

/** What the ops service last did, for `status` (state/ops.json). Each field: when (ISO) and what. */
export interface OpsState {
  /** The service's last round: the file's age tells whether it is alive (its health check reads it). */
  heartbeat?: string;
  /** The autoscaler's last decision; `capped`: it wanted more replicas than the host or the database has room for. */
  autoscale?: {
    at: string;
    action: string;
    from: number;
    to: number;
    reason: string;
    applied: boolean;
    capped: boolean;
  };
  /** The last look at the certificates, and the last renewal. */
  certificates?: { checkedAt: string; due: string[] };
  renewed?: { at: string; certificates: string[]; ok: boolean; error?: string };
  /** The last round that failed, and why (cleared by one that succeeds). */
  error?: { at: string; message: string };
}

export const opsStatePath = (paths: Pick<StackPaths, "state">) => join(paths.state, "ops.json");

export async function readOpsState(paths: Pick<StackPaths, "state">): Promise<OpsState> {
  const text = await readIfExists(opsStatePath(paths));
  try {
    return text ? (JSON.parse(text) as OpsState) : {};
  } catch {
    return {};
  }
}

export async function updateOpsState(paths: Pick<StackPaths, "state">, change: Partial<OpsState>): Promise<OpsState> {
  const next = { ...(await readOpsState(paths)), ...change };
  await writeAtomic(opsStatePath(paths), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}
