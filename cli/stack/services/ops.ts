import { dirname, join, resolve } from "node:path";
import type { StevieConfig } from "../../config/schema.js";
import type { ComposeService } from "../compose-types.js";
import { OPS_ENV, OPS_ALIVE_FILE } from "../ops.js";
import { baseService, health, type StackContext } from "./common.js";

/** The CLI's own ceiling: Node, and Compose while a renewal runs install. */
const OPS_LIMITS = { cpus: 1, memoryMb: 768 };

/**
 * The directories of the files stevie.yaml names outside the stack directory (CA certificates, the operator's own
 * certificate and key): install reads them each time, so the ops service's install must find them where they are.
 * The directory, not the file: a bind mount of a file that is gone would make Docker create a directory in its place.
 */
export function configFileDirs(config: StevieConfig, dir: string): string[] {
  const files = [
    config.backup.s3?.caFile,
    config.tls.certFile,
    config.tls.keyFile,
    config.tls.acme?.caFile,
    config.monitoring.alerts.email?.caFile,
  ].flatMap((f) => (f ? [resolve(dir, f)] : []));
  const inside = (p: string) => p === dir || p.startsWith(`${dir}/`);
  return [...new Set(files.filter((f) => !inside(f)).map((f) => dirname(f)))].filter((d) => d !== "/").sort();
}

/**
 * The ops service (see ../ops.ts): `stevie-stack ops run` from the installed package, as the user that installed the
 * stack, with the engine's socket and no network. As root it keeps what install needs of root's power over files
 * (owning and reading the secrets it hands to the services' users), and nothing else.
 */
export function opsService(ctx: StackContext): ComposeService | undefined {
  const host = ctx.ops;
  const dir = ctx.paths?.dir;
  if (!ctx.config.ops.enabled || !host || !dir) return undefined;
  const alive = join(dir, ".stevie", OPS_ALIVE_FILE);
  const { dns_opt: _dns, ...base } = baseService(
    ctx,
    "ops",
    "ops",
    OPS_LIMITS,
    // Alive: the process touches the file every 30 s, whatever its round is doing.
    health(["CMD", "bash", "-c", `test $(( $(date +%s) - $(stat -c %Y "$0") )) -lt 120`, alive], {
      interval: "30s",
      start_period: "30s",
    }),
  );
  return {
    ...base,
    user: `${host.uid}:${host.gid}`,
    group_add: [String(host.socketGid)],
    ...(host.uid === 0 ? { cap_add: ["CHOWN", "DAC_OVERRIDE", "FOWNER"] } : {}),
    init: true,
    network_mode: "none",
    read_only: true,
    tmpfs: ["/tmp"],
    environment: {
      [OPS_ENV]: "1",
      STEVIE_STACK_CACHE: host.cacheDir,
      DOCKER_SOCKET: host.socket,
      DOCKER_HOST: `unix://${host.socket}`,
      HOME: "/tmp",
    },
    volumes: [
      `${host.socket}:${host.socket}`,
      `${host.packageRoot}:${host.packageRoot}:ro`,
      ...host.linked.map((d) => `${d}:${d}:ro`),
      `${host.cacheDir}:${host.cacheDir}:ro`,
      `${dir}:${dir}`,
      ...configFileDirs(ctx.config, dir).map((d) => `${d}:${d}:ro`),
    ],
    working_dir: dir,
    command: ["node", join(host.packageRoot, "dist", "cli", "bin.js"), "ops", "run", "--dir", dir],
    // A round in progress (a renewal's install) ends before the service stops, if it can within this.
    stop_grace_period: "2m",
  };
}
