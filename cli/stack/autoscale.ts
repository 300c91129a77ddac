/**
 * The autoscaling policy of spec §1/§5/§10, as a pure function of recent metric samples, so every rule is tested on
 * simulated series (autoscale.test.ts):
 * - up when CPU > 70 % or memory > 80 % (of a replica's limit), or > 1000 requests/min per replica, or p95 > 500 ms,
 *   sustained for 2 minutes; by 2 when the load is far past the line (1.5 times a threshold), else by 1;
 * - down when CPU < 30 % and memory < 40 %, sustained for 5 minutes; by 1;
 * - a scale-up waits 3 minutes after the last change, a scale-down 10 minutes; always within min..max.
 */
import { MAX_API_REPLICAS } from "../config/schema.js";

export interface LoadSample {
  /** Unix ms. */
  at: number;
  /** Average over the replicas, as a fraction of each replica's CPU limit (0.7 = 70 %). */
  cpu: number;
  /** Average resident memory as a fraction of each replica's memory limit. */
  memory: number;
  /** API requests per minute, per replica. */
  rpmPerReplica: number;
  /** 95th percentile of API procedure time, seconds (NaN without traffic). */
  p95Seconds: number;
}

export interface AutoscalePolicy {
  min: number;
  max: number;
  upCpu: number;
  upMemory: number;
  upRpm: number;
  upP95Seconds: number;
  upSustainMs: number;
  upCooldownMs: number;
  downCpu: number;
  downMemory: number;
  downSustainMs: number;
  downCooldownMs: number;
  /** A breach this many times past its threshold scales up by 2 instead of 1. */
  farFactor: number;
}

export const SPEC_POLICY: AutoscalePolicy = {
  min: 2,
  max: MAX_API_REPLICAS,
  upCpu: 0.7,
  upMemory: 0.8,
  upRpm: 1000,
  upP95Seconds: 0.5,
  upSustainMs: 2 * 60_000,
  upCooldownMs: 3 * 60_000,
  downCpu: 0.3,
  downMemory: 0.4,
  downSustainMs: 5 * 60_000,
  downCooldownMs: 10 * 60_000,
  farFactor: 1.5,
};

export interface AutoscaleState {
  replicas: number;
  /** Unix ms of the last scaling action (by the autoscaler or by hand), if any. */
  lastChangeAt?: number;
}

export interface Decision {
  action: "up" | "down" | "hold";
  from: number;
  to: number;
  reason: string;
}

/** Which thresholds a sample breaches upwards, and how far past the line the worst one is (1 = at the line). */
function pressure(s: LoadSample, p: AutoscalePolicy): { reasons: string[]; worst: number } {
  const checks: [boolean, string, number][] = [
    [s.cpu > p.upCpu, `CPU ${(s.cpu * 100).toFixed(0)} % > ${p.upCpu * 100} %`, s.cpu / p.upCpu],
    [s.memory > p.upMemory, `memory ${(s.memory * 100).toFixed(0)} % > ${p.upMemory * 100} %`, s.memory / p.upMemory],
    [
      s.rpmPerReplica > p.upRpm,
      `${s.rpmPerReplica.toFixed(0)} req/min per replica > ${p.upRpm}`,
      s.rpmPerReplica / p.upRpm,
    ],
    [
      Number.isFinite(s.p95Seconds) && s.p95Seconds > p.upP95Seconds,
      `p95 ${(s.p95Seconds * 1000).toFixed(0)} ms > ${p.upP95Seconds * 1000} ms`,
      s.p95Seconds / p.upP95Seconds,
    ],
  ];
  const hit = checks.filter(([on]) => on);
  return { reasons: hit.map(([, r]) => r), worst: Math.max(0, ...hit.map(([, , f]) => f)) };
}

const quiet = (s: LoadSample, p: AutoscalePolicy) => s.cpu < p.downCpu && s.memory < p.downMemory;

/**
 * The samples of the last `ms` before `now`, if they cover the whole window (the oldest is at least `ms` old, allowing
 * one sample interval of slack); undefined when the history is too short to say "sustained".
 */
function window(samples: LoadSample[], now: number, ms: number): LoadSample[] | undefined {
  const sorted = [...samples].filter((s) => s.at <= now).sort((a, b) => a.at - b.at);
  const inside = sorted.filter((s) => s.at >= now - ms);
  if (inside.length < 2) return undefined;
  const step = (inside.at(-1)!.at - inside[0]!.at) / (inside.length - 1);
  return inside[0]!.at <= now - ms + step ? inside : undefined;
}

export function decide(
  samples: LoadSample[],
  state: AutoscaleState,
  now: number,
  p: AutoscalePolicy = SPEC_POLICY,
): Decision {
  const from = state.replicas;
  const hold = (reason: string): Decision => ({ action: "hold", from, to: from, reason });
  const since = state.lastChangeAt === undefined ? Infinity : now - state.lastChangeAt;
  // Out of bounds (a hand-edited config, changed limits): back inside at once.
  if (from < p.min) return { action: "up", from, to: p.min, reason: `below the minimum of ${p.min}` };
  if (from > p.max) return { action: "down", from, to: p.max, reason: `above the maximum of ${p.max}` };

  const up = window(samples, now, p.upSustainMs);
  if (up) {
    const each = up.map((s) => pressure(s, p));
    if (each.every((x) => x.reasons.length > 0)) {
      const latest = each.at(-1)!;
      if (from >= p.max)
        return hold(`under load (${latest.reasons.join(", ")}) but already at the maximum of ${p.max}`);
      if (since < p.upCooldownMs)
        return hold(`under load, in the ${p.upCooldownMs / 60_000}-minute cooldown after the last change`);
      const step = Math.min(...each.map((x) => x.worst)) >= p.farFactor ? 2 : 1;
      const to = Math.min(p.max, from + step);
      return { action: "up", from, to, reason: `${latest.reasons.join(", ")} for ${p.upSustainMs / 60_000} minutes` };
    }
  }

  const down = window(samples, now, p.downSustainMs);
  if (down && down.every((s) => quiet(s, p))) {
    if (from <= p.min) return hold(`quiet, already at the minimum of ${p.min}`);
    if (since < p.downCooldownMs)
      return hold(`quiet, in the ${p.downCooldownMs / 60_000}-minute cooldown after the last change`);
    const last = down.at(-1)!;
    return {
      action: "down",
      from,
      to: from - 1,
      reason: `CPU ${(last.cpu * 100).toFixed(0)} % < ${p.downCpu * 100} % and memory ${(last.memory * 100).toFixed(0)} % < ${p.downMemory * 100} % for ${p.downSustainMs / 60_000} minutes`,
    };
  }
  return hold(up || down ? "load within the thresholds" : "not enough history yet");
}

/** What bounds a scale-up besides the policy: the host's memory and CPU, and PostgreSQL's connections (live figures). */
export interface Capacity {
  /** node-exporter's MemAvailable and MemTotal, bytes. */
  memAvailable: number;
  memTotal: number;
  /** The largest resident set among the API replicas, bytes: what one more is expected to take. */
  replicaRss: number;
  /** Busy share of the host's CPUs over the last 2 minutes (0..1). */
  hostCpuBusy: number;
  /** PostgreSQL's max_connections less the connections open now. */
  freeConnections: number;
  /** The connections each replica's pool may open (services/api.ts API_POOL_MAX). */
  poolMax: number;
}

/** Memory kept free for everything else on the host: a new replica may not take the host below this share. */
export const HOST_MEMORY_RESERVE = 0.1;
/** Connections kept for what is not an API replica: Patroni, replication, the exporter, backups, an operator's psql. */
export const CONNECTION_RESERVE = 15;
/** Past this, the host's CPUs are the limit, and another replica would only add contention. */
export const HOST_CPU_SATURATED = 0.9;

/**
 * A scale-up cut to what the host and the database can carry: each added replica needs its resident set in available
 * memory above the reserve, and its whole pool in free connections above theirs. A decision to hold or scale down
 * passes unchanged; an unknown figure (NaN: an exporter not answering) holds, since the ceiling cannot be known.
 */
export function withinCapacity(d: Decision, c: Capacity): Decision {
  if (d.action !== "up") return d;
  const hold = (reason: string): Decision => ({ action: "hold", from: d.from, to: d.from, reason });
  if (Object.values(c).some((v) => !Number.isFinite(v)))
    return hold(`${d.reason}, but the host's memory or the database's connections cannot be read`);
  if (c.hostCpuBusy >= HOST_CPU_SATURATED)
    return hold(
      `${d.reason}, but the host's CPUs are ${(c.hostCpuBusy * 100).toFixed(0)} % busy: another replica would add no capacity`,
    );
  const byMemory = Math.floor((c.memAvailable - HOST_MEMORY_RESERVE * c.memTotal) / Math.max(1, c.replicaRss));
  const byConnections = Math.floor((c.freeConnections - CONNECTION_RESERVE) / c.poolMax);
  const room = Math.min(byMemory, byConnections);
  const limit = byMemory <= byConnections ? "the host's free memory" : "the database's free connections";
  if (room <= 0) return hold(`${d.reason}, but ${limit} leave room for no more replicas`);
  if (d.from + room >= d.to) return d;
  return { ...d, to: d.from + room, reason: `${d.reason} (by ${room}: ${limit} leave room for no more)` };
}
