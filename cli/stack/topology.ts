import type { StevieConfig } from "../config/schema.js";
import type { Sizing } from "./sizing.js";

/**
 * Which containers the data tier has and where the ones that need fixed addresses live. Pure.
 *
 * Redis, its Sentinels and the Patroni members get static addresses in the data network's /24: Sentinel records
 * masters and replicas by address, and a name that stops resolving while its container is down confuses it
 * (redis/redis#12753). Patroni and HAProxy reach a member by address for the same reason: a crashed member's name
 * does not resolve, and every lookup of it cost a Patroni turn or a HAProxy retry seconds (issue 23). Docker's
 * automatic allocation is kept to the upper half of the /24 (ip_range), so it can never hand out one of these.
 */
export const REDIS_MASTER_NAME = "stevie";
export const PATRONI_SCOPE = "stevie";
export const ETCD_MEMBERS = ["etcd-1", "etcd-2", "etcd-3"] as const;
/** etcd's accounts (etcd.ts): Patroni's keys live under the namespace. */
export const ETCD_NAMESPACE = "/stevie-stack/";
export const ETCD_ROOT_SECRET = "etcd_root_password";
export const ETCD_PATRONI_SECRET = "etcd_patroni_password";
/** Not a secret: the account may read nothing. */
export const ETCD_HEALTH_USER = "health:health";
/** etcd's TLS key as etcd's user owns it: in secrets/ (0700), so that no user of the host with that uid reads it. */
export const ETCD_KEY_SECRET = "etcd_tls_key";
/**
 * The ids etcd, HAProxy and Prometheus run as (Debian's first system user in each image; their Dockerfiles fix or check
 * them): a TLS key each reads is handed to them (tls.ts), since Compose ignores a file secret's uid and mode.
 */
export const SERVICE_USER = { uid: 100, gid: 101 };
/**
 * The certificate and key (one PEM, as SERVICE_USER owns it) that HAProxy's checks and Prometheus present to Patroni's
 * REST API, which answers nobody without a certificate from the stack's CA.
 */
export const PATRONI_CLIENT_SECRET = "patroni_client";
const SENTINELS = 3;

export interface Topology {
  subnet: string;
  /** Docker's automatic addresses come from here (upper half of the /24). */
  dynamicRange: string;
  postgres: string[];
  /** Each member's address on the data network (Patroni's connect_address, HAProxy's servers). */
  postgresIp: Record<string, string>;
  /** Alertmanager's (it listens there only; see services/monitoring.ts). */
  alertmanagerIp: string;
  synchronous: boolean;
  redis: { service: string; ip: string }[];
  sentinels: { service: string; ip: string }[];
  quorum: number;
}

export function topology(config: StevieConfig, sizing: Sizing, subnet: string): Topology {
  const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(subnet);
  if (!m) throw new Error(`data subnet ${subnet} is not a /24 ending in .0`);
  const net = m[1]!;
  const nodes = config.postgres.nodes ?? sizing.postgresNodes;
  const postgres = Array.from({ length: nodes }, (_, i) => `postgres-${i + 1}`);
  return {
    subnet,
    dynamicRange: `${net}.128/25`,
    postgres,
    postgresIp: Object.fromEntries(postgres.map((m, i) => [m, `${net}.${31 + i}`])),
    alertmanagerIp: `${net}.5`,
    // Synchronous (Patroni's non-strict mode) at every size: a crashed leader loses no acknowledged write, and a lone
    // leader whose replica is gone keeps writing once Patroni drops the replica from synchronous_standby_names.
    synchronous: config.postgres.synchronous ?? true,
    redis: Array.from({ length: config.redis.replicas + 1 }, (_, i) => ({
      service: `redis-${i + 1}`,
      ip: `${net}.${11 + i}`,
    })),
    sentinels: Array.from({ length: SENTINELS }, (_, i) => ({ service: `sentinel-${i + 1}`, ip: `${net}.${21 + i}` })),
    quorum: 2,
  };
}
