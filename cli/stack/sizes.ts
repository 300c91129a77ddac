import { prometheusQuery } from "./alerts.js";
import type { Stack } from "./handle.js";

/**
 * Right-sizing (issue 29 point 3): what each service's containers used at most over the last 7 days, against their
 * memory limit, from the figures the ops service writes (container-metrics.ts), and what `doctor` makes of it.
 */
export interface ServiceUse {
  service: string;
  peakMemoryBytes: number;
  limitBytes: number;
  /** The busiest 5 minutes, in cores. */
  peakCpuCores: number;
  /** The kernel stopped one of its containers for want of memory (as far back as Prometheus keeps). */
  oomKilled: boolean;
}

const WINDOW = "7d";
/** A suggested limit: the peak and a quarter on top, in whole 64 MiB. */
export const HEADROOM = 1.25;
const MiB = 1024 ** 2;

async function byService(stack: Stack, expr: string): Promise<Map<string, number>> {
  return new Map((await prometheusQuery(stack, expr)).map((r) => [r.metric.service ?? "", r.value]));
}

export async function serviceUse(stack: Stack): Promise<ServiceUse[]> {
  const [peak, limit, cpu, oom] = await Promise.all([
    byService(stack, `max by (service) (max_over_time(stevie_container_memory_bytes[${WINDOW}]))`),
    byService(stack, "max by (service) (stevie_container_memory_limit_bytes)"),
    byService(stack, `max by (service) (max_over_time(rate(stevie_container_cpu_seconds_total[5m])[${WINDOW}:5m]))`),
    byService(stack, `max by (service) (max_over_time(stevie_container_oom_killed[${WINDOW}]))`),
  ]);
  return [...peak.keys()]
    .filter((s) => limit.has(s))
    .sort()
    .map((service) => ({
      service,
      peakMemoryBytes: peak.get(service)!,
      limitBytes: limit.get(service)!,
      peakCpuCores: cpu.get(service) ?? 0,
      oomKilled: (oom.get(service) ?? 0) > 0,
    }));
}

const mib = (b: number) => `${Math.round(b / MiB)} MiB`;
export const suggestedLimit = (peakBytes: number) =>
  Math.max(64, Math.ceil((peakBytes * HEADROOM) / MiB / 64) * 64) * MiB;

/**
 * Tight: a service whose peak came within 10 % of its limit, or that was stopped for memory; it needs a larger limit.
 * Loose: one whose peak stayed under a quarter of it; its limit could be smaller (a ceiling, not a reservation, so
 * this is about what the host must be able to give at once).
 */
export function sizeAdvice(use: ServiceUse[]): { tight: string[]; loose: string[]; peaks: string } {
  const line = (u: ServiceUse) =>
    `${u.service} peaked at ${mib(u.peakMemoryBytes)} of ${mib(u.limitBytes)}${u.oomKilled ? ", stopped for memory" : ""}: suggest ${mib(suggestedLimit(u.peakMemoryBytes))}`;
  return {
    tight: use.filter((u) => u.oomKilled || u.peakMemoryBytes > 0.9 * u.limitBytes).map(line),
    loose: use.filter((u) => !u.oomKilled && u.peakMemoryBytes < 0.25 * u.limitBytes).map(line),
    peaks: use
      .map(
        (u) =>
          `${u.service} ${Math.round((100 * u.peakMemoryBytes) / u.limitBytes)} % (${u.peakCpuCores.toFixed(2)} cores)`,
      )
      .join(", "),
  };
}
