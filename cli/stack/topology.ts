import type { StevieConfig } from "../config/schema.js";
import type { Sizing } from "./sizing.js";

/**
 * Which containers the data tier has and where the ones that need fixed addresses live. Pure.
 *
 * Redis and its Sentinels get static addresses in the data network's /24: Sentinel records masters and replicas by
 * address, and a name that stops resolving while its container is down confuses it (redis/redis#12753). Docker's
 * automatic allocation is kept to the upper half of the /24 (ip_range), so it can never hand out one of these.
 */
export const REDIS_MASTER_NAME = "stevie";
export const PATRONI_SCOPE = "stevie";
export const ETCD_MEMBERS = ["etcd-1", "etcd-2", "etcd-3"] as const;
const SENTINELS = 3;

export interface Topology {
  subnet: string;
  /** Docker's automatic addresses come from here (upper half of the /24). */
  dynamicRange: string;
  postgres: string[];
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
  return {
    subnet,
    dynamicRange: `${net}.128/25`,
    postgres: Array.from({ length: nodes }, (_, i) => `postgres-${i + 1}`),
    synchronous: config.postgres.synchronous ?? nodes >= 3,
    redis: Array.from({ length: config.redis.replicas + 1 }, (_, i) => ({ service: `redis-${i + 1}`, ip: `${net}.${11 + i}` })),
    sentinels: Array.from({ length: SENTINELS }, (_, i) => ({ service: `sentinel-${i + 1}`, ip: `${net}.${21 + i}` })),
    quorum: 2,
  };
}
