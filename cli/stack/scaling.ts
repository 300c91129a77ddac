import { join } from "node:path";
import { UserError } from "../errors.js";
import { recordAudit } from "./audit.js";
import {
  decide,
  withinCapacity,
  type AutoscaleState,
  type Capacity,
  type Decision,
  type LoadSample,
} from "./autoscale.js";
import { prometheusGet, prometheusQuery } from "./alerts.js";
import { readIfExists, writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { hostSizing } from "./sizing.js";
import { applyConfigEdit } from "./config-edit.js";
import { loadStack } from "./load.js";
import { Stack } from "./handle.js";
import { API_POOL_MAX } from "./services/api.js";

/**
 * Scaling the API, by hand (`stevie-stack scale api=N`) or by the autoscaler (`stevie-stack autoscale`, the ops
 * service). Scaling writes `api.replicas` into stevie.yaml (comments kept) and applies it the way install does (see
 * rolling.ts, setReplicaCount): a new replica takes traffic once healthy, a removed one leaves nginx's list before it
 * stops; Prometheus's expected count follows.
 */

const statePath = (paths: StackPaths) => join(paths.state, "autoscale.json");

async function readState(paths: StackPaths): Promise<{ lastChangeAt?: number }> {
  const text = await readIfExists(statePath(paths));
  return text ? (JSON.parse(text) as { lastChangeAt?: number }) : {};
}

export async function scaleApi(
  dir: string,
  to: number,
  log: (l: string) => void,
  actor: "cli" | "autoscaler" = "cli",
  reason?: string,
): Promise<{ from: number; to: number; changed: boolean }> {
  const r = await applyConfigEdit(
    dir,
    (doc) => doc.setIn(["api", "replicas"], to),
    log,
    `${actor === "cli" ? "scale" : "autoscale"} api=${to}${reason ? `: ${reason}` : ""}`,
  );
  const from = r.before.api.replicas;
  if (!r.changed) return { from, to, changed: false };
  await writeAtomic(statePath(r.paths), `${JSON.stringify({ lastChangeAt: Date.now() })}\n`);
  await recordAudit(new Stack(r.paths, r.after.projectName), {
    action: actor === "cli" ? "scale" : "autoscale",
    target: "api",
    details: { from, to, ...(reason ? { reason } : {}) },
  });
  return { from, to, changed: true };
}

/** One PromQL range query in the stack's Prometheus, ending at `end` (Unix seconds): the values of the first series, by time. */
async function range(stack: Stack, expr: string, end: number, minutes: number): Promise<Map<number, number>> {
  const body = await prometheusGet(
    stack,
    `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${end - minutes * 60}&end=${end}&step=15`,
  );
  const data =
    (JSON.parse(body) as { data: { result: { values: [number, string][] }[] } }).data.result[0]?.values ?? [];
  return new Map(data.map(([t, v]) => [t * 1000, Number(v)]));
}

/** The load of the API replicas over the last `minutes`, every 15 s, from Prometheus. */
export async function loadSamples(
  stack: Stack,
  limits: { cpus: number; memoryMb: number },
  minutes = 6,
): Promise<LoadSample[]> {
  // One end for the four queries, so their 15 s grids line up.
  const end = Math.floor(Date.now() / 1000);
  const [cpu, mem, rpm, p95] = await Promise.all([
    range(stack, `avg(rate(process_cpu_seconds_total{job="api"}[1m])) / ${limits.cpus}`, end, minutes),
    range(stack, `avg(process_resident_memory_bytes{job="api"}) / ${limits.memoryMb * 1024 * 1024}`, end, minutes),
    range(
      stack,
      // No tRPC call since the replicas started is no series at all: 0 requests, not a missing sample.
      `(sum(rate(stevie_http_requests_total{job="api", route="trpc"}[1m])) or vector(0)) * 60 / count(up{job="api"} == 1)`,
      end,
      minutes,
    ),
    range(
      stack,
      `histogram_quantile(0.95, sum by (le) (rate(stevie_trpc_procedure_duration_seconds_bucket{job="api", procedure!~"chat\\\\..*"}[1m])))`,
      end,
      minutes,
    ),
  ]);
  // A moment without a CPU, memory or request figure (a replica not scraped yet) is no sample; no latency is (no traffic).
  return [...cpu.keys()]
    .filter((at) => mem.has(at) && rpm.has(at))
    .sort((a, b) => a - b)
    .map((at) => ({
      at,
      cpu: cpu.get(at)!,
      memory: mem.get(at)!,
      rpmPerReplica: rpm.get(at)!,
      p95Seconds: p95.get(at) ?? Number.NaN,
    }));
}

/** The first series' value of an instant query, NaN when there is none. */
const instant = async (stack: Stack, expr: string) => (await prometheusQuery(stack, expr))[0]?.value ?? Number.NaN;

/** The host's and the database's room now (node-exporter and the PostgreSQL exporter, through Prometheus). */
export async function readCapacity(stack: Stack): Promise<Capacity> {
  const [memAvailable, memTotal, replicaRss, hostCpuBusy, freeConnections] = await Promise.all([
    instant(stack, "node_memory_MemAvailable_bytes"),
    instant(stack, "node_memory_MemTotal_bytes"),
    instant(stack, 'max(process_resident_memory_bytes{job="api"})'),
    instant(stack, 'avg(1 - rate(node_cpu_seconds_total{mode="idle"}[2m]))'),
    instant(stack, "max(pg_settings_max_connections) - sum(pg_stat_database_numbackends)"),
  ]);
  return { memAvailable, memTotal, replicaRss, hostCpuBusy, freeConnections, poolMax: API_POOL_MAX };
}

/** One round of the autoscaler: read the load, decide, and (unless dryRun) scale. */
export async function autoscaleOnce(
  dir: string,
  opts: { dryRun: boolean; log: (l: string) => void },
): Promise<Decision & { applied: boolean; capped: boolean; samples: number; last?: LoadSample }> {
  const { paths, config, stack } = await loadStack(dir);
  if (!config.monitoring.enabled)
    throw new UserError(
      "autoscaling reads Prometheus, and monitoring is off",
      "set monitoring.enabled: true and run `stevie-stack install`",
    );
  const samples = await loadSamples(stack, hostSizing(config).api);
  const state: AutoscaleState = { replicas: config.api.replicas, ...(await readState(paths)) };
  const wanted = decide(samples, state, Date.now());
  const d = wanted.action === "up" ? withinCapacity(wanted, await readCapacity(stack)) : wanted;
  // Held back by the host or the database: wanted more than it got.
  const capped = wanted.action === "up" && d.to < wanted.to;
  const seen = { capped, samples: samples.length, ...(samples.length ? { last: samples.at(-1)! } : {}) };
  if (d.action === "hold" || opts.dryRun) return { ...d, applied: false, ...seen };
  opts.log(`autoscale: api ${d.from} -> ${d.to} (${d.reason})`);
  await scaleApi(dir, d.to, opts.log, "autoscaler", d.reason);
  return { ...d, applied: true, ...seen };
}
