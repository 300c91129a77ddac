import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { expectedContainers } from "./generate.js";
import { summarise } from "./health.js";
import { hostSizing } from "./sizing.js";
import { dataTierStatus, type DataTierStatus } from "./cluster.js";
import { activeAlerts, prometheusGet, renderAlerts, type StackAlert } from "./alerts.js";
import type { Stack } from "./handle.js";
import { apiUrl } from "./urls.js";
import { loadStack, stackTopology } from "./load.js";
import { composeImages } from "./compose.js";
import { readOpsState, type OpsState } from "./ops.js";
import { certificateExpiries, RENEW_DAYS } from "./tls.js";
import type { StackPaths } from "./paths.js";
import type { StevieConfig } from "../config/schema.js";

/** One object behind both `status` and `status --json`. */
export interface StackStatus {
  project: string;
  dir: string;
  version: string;
  url: string;
  healthy: boolean;
  services: {
    service: string;
    expected: number;
    running: number;
    healthy: number;
    containers: { name: string; state: string; health: string }[];
  }[];
  /** Patroni members with roles and lag, the Redis master and replicas, Sentinel quorum. */
  dataTier: DataTierStatus;
  /** What Prometheus finds wrong right now (absent when monitoring is off). */
  alerts?: StackAlert[] | { error: string };
  /** New descriptions in the last 15 minutes, and how many were answered degraded (issue 28; with monitoring). */
  degraded?: { queries: number; deferred: number };
  /** Each image the compose file names and when its Debian packages were installed (ISO; absent: not on this host). */
  images: { ref: string; built?: string }[];
  /** What the ops service last did (ops.ts), and when each certificate is renewed; absent with ops.enabled off. */
  ops?: OpsStatus;
}

export interface OpsStatus {
  autoscale: "on" | "off" | "needs monitoring";
  state: OpsState;
  /** The certificate renewed next, and when (RENEW_DAYS before it expires). */
  nextRenewal?: { certificate: string; at: string };
}

async function opsStatus(paths: StackPaths, config: StevieConfig): Promise<OpsStatus | undefined> {
  if (!config.ops.enabled) return undefined;
  const next = (await certificateExpiries(paths.tls, config.tls.mode))[0];
  return {
    autoscale: !config.api.autoscale ? "off" : config.monitoring.enabled ? "on" : "needs monitoring",
    state: await readOpsState(paths),
    ...(next
      ? {
          nextRenewal: {
            certificate: next.certificate,
            at: new Date(next.notAfter.getTime() - RENEW_DAYS * 86_400_000).toISOString(),
          },
        }
      : {}),
  };
}

export function renderOps(o: OpsStatus): string {
  const { state } = o;
  const a = state.autoscale;
  const lines = [
    "Ops service:",
    `  autoscaler: ${o.autoscale}${
      o.autoscale === "on" && a
        ? `; ${a.at.slice(11, 19)} ${a.action}${a.action === "hold" ? ` at ${a.to}` : ` ${a.from} -> ${a.to}`}: ${a.reason}`
        : ""
    }`,
    `  certificates: ${state.certificates ? `checked ${state.certificates.checkedAt.slice(0, 19)}Z, ${state.certificates.due.length ? `due: ${state.certificates.due.join(", ")}` : "none due"}` : "not checked yet"}${o.nextRenewal ? `; next renewal: ${o.nextRenewal.certificate} on ${o.nextRenewal.at.slice(0, 10)}` : ""}`,
  ];
  const r = state.renewed;
  if (r)
    lines.push(
      `  last renewal: ${r.at.slice(0, 19)}Z ${r.certificates.join(", ")} ${r.ok ? "(done)" : `FAILED: ${r.error ?? ""}`}`,
    );
  if (state.error) lines.push(`  last round FAILED at ${state.error.at.slice(0, 19)}Z: ${state.error.message}`);
  return lines.join("\n");
}

/** The images the stack's compose file names, with when each was built. */
async function stackImages(stack: Stack): Promise<StackStatus["images"]> {
  const text = await readFile(stack.paths.compose, "utf8").catch(() => undefined);
  return Promise.all(
    composeImages(text).map(async (ref) => {
      const built = await stack.imageBuilt(ref);
      return built ? { ref, built } : { ref };
    }),
  );
}

/** The oldest build among the images (ISO) and its age in whole days at `now`; undefined when none is known. Pure. */
export function oldestBuild(images: StackStatus["images"], now: number): { at: string; days: number } | undefined {
  const at = images.flatMap((i) => (i.built ? [i.built] : [])).sort()[0];
  return at === undefined ? undefined : { at, days: Math.floor((now - Date.parse(at)) / 86_400_000) };
}

/** "Images: 7, the oldest built 2026-12-07 (3 days ago)", and those missing from this host. Pure. */
export function renderImages(images: StackStatus["images"], now: number): string {
  const oldest = oldestBuild(images, now);
  const ago = (days: number) => (days === 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`);
  const missing = images.filter((i) => !i.built).map((i) => i.ref);
  return [
    `Images: ${images.length}${oldest ? `, the oldest built ${oldest.at.slice(0, 10)} (${ago(oldest.days)})` : ""}`,
    ...(missing.length ? [`  not on this host: ${missing.join(", ")}`] : []),
  ].join("\n");
}

/** Query embeddings in the last 15 minutes by Prometheus, and the deferred among them; undefined if it cannot say. */
async function degradedShare(stack: Stack): Promise<{ queries: number; deferred: number } | undefined> {
  const expr = 'sum by (outcome) (increase(stevie_query_embeddings_total{outcome!="cached"}[15m]))';
  const body = await prometheusGet(stack, `/api/v1/query?query=${encodeURIComponent(expr)}`).catch(() => undefined);
  if (!body) return undefined;
  const by = new Map(
    (
      JSON.parse(body) as { data: { result: { metric: { outcome: string }; value: [number, string] }[] } }
    ).data.result.map((r) => [r.metric.outcome, Math.round(Number(r.value[1]))]),
  );
  const deferred = by.get("deferred") ?? 0;
  return { queries: deferred + (by.get("embedded") ?? 0), deferred };
}

export async function collectStatus(dir: string): Promise<StackStatus> {
  const { paths, config, stack } = await loadStack(dir);
  const version = existsSync(paths.versionStamp) ? (await readFile(paths.versionStamp, "utf8")).trim() : "unknown";
  const services = summarise(await stack.containers(), expectedContainers(config, hostSizing(config)));
  const dataTier = await dataTierStatus(stack, await stackTopology(config));
  const alerts = config.monitoring.enabled
    ? await activeAlerts(stack).catch((e: Error) => ({ error: e.message }))
    : undefined;
  const degraded = config.monitoring.enabled ? await degradedShare(stack) : undefined;
  const images = await stackImages(stack);
  const ops = await opsStatus(paths, config);
  return {
    project: config.projectName,
    dir: paths.dir,
    version,
    url: apiUrl(config),
    healthy: services.every((s) => s.healthy >= s.expected && s.running === s.expected),
    services: services.map((s) => ({
      ...s,
      containers: s.containers.map((c) => ({ name: c.name, state: c.state, health: c.health })),
    })),
    dataTier,
    ...(alerts ? { alerts } : {}),
    ...(degraded ? { degraded } : {}),
    images,
    ...(ops ? { ops } : {}),
  };
}

export function renderStatus(s: StackStatus, now = Date.now()): string {
  const rows = [["SERVICE", "HEALTHY", "CONTAINERS"]];
  for (const svc of s.services) {
    rows.push([
      svc.service,
      `${svc.healthy}/${svc.expected}`,
      svc.containers.map((c) => `${c.name} (${c.state}${c.health !== "none" ? `, ${c.health}` : ""})`).join(", ") ||
        "-",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "))
    .join("\n");
  return `stevie-stack ${s.version}, project ${s.project} in ${s.dir}\nAPI: ${s.url}\nOverall: ${s.healthy ? "healthy" : "NOT healthy"}\n\n${table}\n\n${renderDataTier(s.dataTier)}\n\n${renderImages(s.images, now)}${s.ops ? `\n\n${renderOps(s.ops)}` : ""}${s.degraded ? `\n\n${renderDegraded(s.degraded)}` : ""}${s.alerts ? `\n\n${renderAlerts(s.alerts)}` : ""}`;
}

export function renderDegraded(d: { queries: number; deferred: number }): string {
  const share = d.queries ? Math.round((100 * d.deferred) / d.queries) : 0;
  return `Degraded answers (last 15 min): ${d.deferred} of ${d.queries} new descriptions (${share} %) answered from full text alone${share > 30 ? ": over the 30 % the DegradedAnswersHigh alert allows" : ""}`;
}

export function renderDataTier(d: DataTierStatus): string {
  const lines = ["PostgreSQL (Patroni):"];
  if (d.postgres.error) lines.push(`  unknown: ${d.postgres.error}`);
  for (const m of d.postgres.members)
    lines.push(
      `  ${m.member.padEnd(12)} ${m.role.padEnd(13)} ${m.state.padEnd(10)}${m.role === "leader" ? "" : ` lag ${m.lagMb ?? "?"} MB`}`,
    );
  if (!d.postgres.error && !d.postgres.leader) lines.push("  NO LEADER: writes are failing");
  lines.push("Redis (Sentinel):");
  if (d.redis.error) lines.push(`  unknown: ${d.redis.error}`);
  for (const n of d.redis.nodes)
    lines.push(
      `  ${n.service.padEnd(12)} ${n.role.padEnd(13)} ${n.flags.padEnd(10)}${n.role === "master" ? "" : ` lag ${n.lagBytes ?? "?"} bytes`}`,
    );
  lines.push(`  quorum: ${d.redis.quorum}`);
  return lines.join("\n");
}
