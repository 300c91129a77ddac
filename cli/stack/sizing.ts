/**
 * CPU and memory for each service, from the host and the chosen profile. Pure and unit-tested.
 * The spec asks 1-2 vCPU and 2-4 GB per API container; on a small host those are scaled down so the whole
 * stack still fits, and each limit is a ceiling (Docker does not reserve it).
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
}

const MiB = 1024 * 1024;

export function chooseProfile(requested: "auto" | "small" | "standard", memBytes: number): "small" | "standard" {
  if (requested !== "auto") return requested;
  return memBytes < 6 * 1024 * MiB ? "small" : "standard";
}

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
      postgres: { cpus: 1, memoryMb: 1024, sharedBuffersMb: 256, effectiveCacheMb: 512 },
      redis: { cpus: 0.5, memoryMb: 320, maxmemoryMb: 192 },
      nginx: { cpus: 0.5, memoryMb: 128 },
    };
  }
  const pgMem = round64(clamp(memMb * 0.25, 1024, 16 * 1024));
  const redisMax = round64(clamp(memMb * 0.05, 512, 8 * 1024));
  return {
    profile,
    api: { cpus: Math.min(2, cpus), memoryMb: round64(clamp(memMb * 0.1, 2048, 4096)) },
    postgres: { cpus: Math.min(4, cpus), memoryMb: pgMem, sharedBuffersMb: round64(pgMem * 0.25), effectiveCacheMb: round64(pgMem * 0.6) },
    redis: { cpus: 1, memoryMb: round64(redisMax * 1.25 + 64), maxmemoryMb: redisMax },
    nginx: { cpus: Math.min(2, cpus), memoryMb: 256 },
  };
}
