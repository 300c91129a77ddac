import type { ComposeService } from "../compose-types.js";
import { REDIS_MASTER_NAME } from "../topology.js";
import { baseService, DROPS_TO_USER, health, type StackContext } from "./common.js";

/**
 * The entrypoint starts as root to read the password into the config and drops to redis: CHOWN to give the volume
 * and /run/redis to redis, DAC_OVERRIDE to edit redis's own 0600 config on a later start. Redis writes its volume,
 * /run/redis (the rendered config of a server) and nothing else.
 */
const redisConfinement = {
  read_only: true,
  tmpfs: ["/run/redis", "/tmp"],
  cap_add: ["CHOWN", "DAC_OVERRIDE", ...DROPS_TO_USER],
};

/** TLS for every Redis and Sentinel (compose/images/redis/entrypoint.sh): their certificate, its key, the stack's CA. */
const REDIS_TLS = {
  environment: {
    REDIS_TLS_CERT_FILE: "/run/secrets/redis_tls_cert",
    REDIS_TLS_KEY_FILE: "/run/secrets/redis_tls_key",
    REDIS_TLS_CA_FILE: "/run/secrets/stack_ca",
  },
  secrets: ["redis_tls_cert", "redis_tls_key", "stack_ca"],
};

/** One Redis of the replicated set; the first starts as master, the others as its replicas. Fixed address (see topology). */
export function redisNodeService(ctx: StackContext, index: number): ComposeService {
  const r = ctx.sizing.redis;
  const topo = ctx.topology;
  const node = topo.redis[index]!;
  return {
    ...baseService(
      ctx,
      node.service,
      "redis",
      r,
      health(["CMD", "stevie-redis-health"], { interval: "10s", start_period: "30s" }),
    ),
    command: ["node"],
    environment: {
      REDIS_PASSWORD_FILE: "/run/secrets/redis_password",
      REDIS_MAXMEMORY: `${r.maxmemoryMb}mb`,
      ...(index === 0 ? {} : { REDIS_REPLICAOF: topo.redis[0]!.ip }),
      ...REDIS_TLS.environment,
    },
    volumes: [`${node.service}-data:/data`],
    networks: { data: { ipv4_address: node.ip } },
    secrets: ["redis_password", ...REDIS_TLS.secrets],
    init: true,
    stop_grace_period: "30s",
    ...redisConfinement,
  };
}

export function sentinelService(ctx: StackContext, index: number): ComposeService {
  const topo = ctx.topology;
  const s = topo.sentinels[index]!;
  return {
    ...baseService(
      ctx,
      s.service,
      "redis",
      ctx.sizing.sentinel,
      health(["CMD", "stevie-redis-health", "sentinel"], { interval: "10s", start_period: "30s" }),
    ),
    command: ["sentinel"],
    environment: {
      REDIS_PASSWORD_FILE: "/run/secrets/redis_password",
      REDIS_MASTER_NAME,
      REDIS_MASTER_IP: topo.redis[0]!.ip,
      REDIS_QUORUM: String(topo.quorum),
      ...REDIS_TLS.environment,
    },
    volumes: [`${s.service}-data:/data`],
    networks: { data: { ipv4_address: s.ip } },
    secrets: ["redis_password", ...REDIS_TLS.secrets],
    depends_on: { [topo.redis[0]!.service]: { condition: "service_started" } },
    init: true,
    ...redisConfinement,
  };
}
