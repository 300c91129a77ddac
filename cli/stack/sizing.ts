import { cpus, totalmem } from "node:os";
/**
 * CPU and memory for each service, from the host and the chosen profile. Pure and unit-tested.
 * The spec asks 1-2 vCPU and 2-4 GB per API container; on a small host those are scaled down so the whole
 * stack still fits, and each limit is a ceiling (Docker does not reserve it). Postgres limits are per member.
 */
export interface Limits {
  cpus: number;
  memoryMb: number;
}
export interface Sizing {
  profile: "small" | "standard";
  api: Limits;
  postgres: Limits & { sharedBuffersMb: number; effectiveCacheMb: number };
  redis: Limits & { maxmemoryMb: number };
  nginx: Limits;
  /** etcd members, HAProxy and Sentinels: small, fixed ceilings. */
  etcd: Limits;
  haproxy: Limits;
  sentinel: Limits;
  /** Prometheus; Alertmanager and each exporter get `exporter`. */
  prometheus: Limits;
  exporter: Limits;
  /** PostgreSQL members when stevie.yaml does not say: 3 on a host that can carry them, else 2. */
  postgresNodes: 2 | 3;
}

const MiB = 1024 * 1024;

export function chooseProfile(requested: "auto" | "small" | "standard", memBytes: number): "small" | "standard" {
  if (requested !== "auto") return requested;
  return memBytes < 6 * 1024 * MiB ? "small" : "standard";
}

const small = {
  etcd: { cpus: 0.5, memoryMb: 128 },
  haproxy: { cpus: 0.5, memoryMb: 128 },
  sentinel: { cpus: 0.25, memoryMb: 64 },
  exporter: { cpus: 0.25, memoryMb: 64 },
};

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const round64 = (mb: number) => Math.max(64, Math.round(mb / 64) * 64);

export function sizeStack(host: { cpus: number; memBytes: number }, requested: "auto" | "small" | "standard"): Sizing {
  const profile = chooseProfile(requested, host.memBytes);
  const memMb = host.memBytes / MiB;
  const cpus = Math.max(1, host.cpus);
  if (profile === "small") {
    return {
      profile,
      api: { cpus: 1, memoryMb: 512 },
      postgres: { cpus: 1, memoryMb: 640, sharedBuffersMb: 160, effectiveCacheMb: 384 },
      redis: { cpus: 0.5, memoryMb: 192, maxmemoryMb: 128 },
      nginx: { cpus: 0.5, memoryMb: 128 },
      ...small,
      haproxy: { cpus: 0.5, memoryMb: 64 },
      prometheus: { cpus: 0.5, memoryMb: 384 },
      postgresNodes: 2,
    };
  }
  const pgMem = round64(clamp(memMb * 0.25, 1024, 16 * 1024));
  const redisMax = round64(clamp(memMb * 0.05, 512, 8 * 1024));
  return {
    profile,
    api: { cpus: Math.min(2, cpus), memoryMb: round64(clamp(memMb * 0.1, 2048, 4096)) },
    postgres: {
      cpus: Math.min(4, cpus),
      memoryMb: pgMem,
      sharedBuffersMb: round64(pgMem * 0.25),
      effectiveCacheMb: round64(pgMem * 0.6),
    },
    redis: { cpus: 1, memoryMb: round64(redisMax * 1.25 + 64), maxmemoryMb: redisMax },
    nginx: { cpus: Math.min(2, cpus), memoryMb: 256 },
    ...small,
    haproxy: { cpus: 1, memoryMb: 256 },
    prometheus: { cpus: 1, memoryMb: 1024 },
    exporter: { cpus: 0.25, memoryMb: 128 },
    postgresNodes: memMb >= 16 * 1024 && cpus >= 4 ? 3 : 2,
  };
}

/** The sizing for this host and a config's profile (what install uses). */
export function hostSizing(config: { resources: { profile: "auto" | "small" | "standard" } }): Sizing {
  return sizeStack({ cpus: cpus().length, memBytes: totalmem() }, config.resources.profile);
}
