import { UserError } from "../errors.js";
import { ALERTMANAGER_PORT, PROMETHEUS_PORT } from "./services/monitoring.js";
import { Stack } from "./handle.js";
import { withStackLock } from "./lock.js";

/** An alert as Prometheus reports it: pending (condition true, waiting out its `for`) or firing. */
export interface StackAlert {
  name: string;
  severity: string;
  state: "pending" | "firing";
  since: string;
  summary: string;
  labels: Record<string, string>;
}

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
}

/** Prometheus's /api/v1/alerts answer, as StackAlerts (critical first, then the oldest). Pure. */
export function parseAlerts(body: string): StackAlert[] {
  const doc = JSON.parse(body) as { status: string; data?: { alerts: PromAlert[] } };
  if (doc.status !== "success" || !doc.data) throw new Error(`Prometheus answered ${doc.status}`);
  const rank = (a: StackAlert) => (a.severity === "critical" ? 0 : 1);
  return doc.data.alerts
    .map((a) => {
      const { alertname = "?", severity = "none", ...labels } = a.labels;
      return {
        name: alertname,
        severity,
        state: a.state === "firing" ? "firing" : "pending",
        since: a.activeAt,
        summary: a.annotations.summary ?? "",
        labels,
      } as StackAlert;
    })
    .sort((a, b) => rank(a) - rank(b) || a.since.localeCompare(b.since));
}

/** A GET on the stack's Prometheus HTTP API, from inside its container (it publishes no port); the raw body. */
export async function prometheusGet(stack: Stack, path: string): Promise<string> {
  const r = await stack.exec(
    "prometheus",
    ["curl", "-fsS", "--max-time", "20", `http://127.0.0.1:${PROMETHEUS_PORT}${path}`],
    { timeoutMs: 40_000 },
  );
  if (r.exitCode !== 0)
    throw new UserError(
      `Prometheus did not answer: ${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""}`,
      "check `stevie-stack status`: is the prometheus container running?",
    );
  return r.stdout;
}

/** One PromQL instant query: each series' labels and value. */
export async function prometheusQuery(
  stack: Stack,
  expr: string,
): Promise<{ metric: Record<string, string>; value: number }[]> {
  const body = await prometheusGet(stack, `/api/v1/query?query=${encodeURIComponent(expr)}`);
  const rows = (JSON.parse(body) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } })
    .data.result;
  return rows.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** The alerts the stack's Prometheus has active. */
export async function activeAlerts(stack: Stack): Promise<StackAlert[]> {
  return parseAlerts(await prometheusGet(stack, "/api/v1/alerts"));
}

export function renderAlerts(alerts: StackAlert[] | { error: string }): string {
  if ("error" in alerts) return `Alerts: unknown (${alerts.error})`;
  if (!alerts.length) return "Alerts: none";
  const lines = [
    `Alerts (${alerts.filter((a) => a.state === "firing").length} firing, ${alerts.filter((a) => a.state === "pending").length} pending):`,
  ];
  for (const a of alerts)
    lines.push(
      `  ${a.state.toUpperCase().padEnd(8)} ${a.severity.padEnd(9)} ${a.name}: ${a.summary} (since ${a.since.slice(0, 19)}Z)`,
    );
  return lines.join("\n");
}

/** A silence as Alertmanager keeps it (active, pending or expired). */
export interface Silence {
  id: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: "active" | "pending" | "expired" };
}

/** An alert as Alertmanager holds it: what it sends on, or holds back (silenced, inhibited). */
export interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  status: { state: "active" | "suppressed" | "unprocessed"; silencedBy: string[]; inhibitedBy: string[] };
}

/**
 * A call on Alertmanager's API v2, from inside its container: it listens on its data-network address only and asks
 * nobody who they are (see services/monitoring.ts). The answer's body; a UserError when Alertmanager is not there.
 */
export async function alertmanagerApi(
  stack: Stack,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<string> {
  const container = (await stack.containers()).find((c) => c.service === "alertmanager" && c.state === "running");
  if (!container)
    throw new UserError(
      "Alertmanager is not running",
      "monitoring.enabled must be true; see `stevie-stack status` for the alertmanager container",
    );
  const at = (await stack.addresses(container.id))[`${stack.project}_data`];
  const data = body === undefined ? [] : ["-H", "Content-Type: application/json", "--data-binary", "@-"];
  const r = await stack.exec(
    "alertmanager",
    ["curl", "-fsS", "--max-time", "20", "-X", method, ...data, `http://${at}:${ALERTMANAGER_PORT}/api/v2${path}`],
    { timeoutMs: 40_000, ...(body === undefined ? {} : { input: JSON.stringify(body) }) },
  );
  if (r.exitCode !== 0)
    throw new UserError(
      `Alertmanager did not answer ${method} ${path}: ${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""}`,
      "check `stevie-stack status` and `stevie-stack logs alertmanager`",
    );
  return r.stdout;
}

export const listSilences = async (stack: Stack): Promise<Silence[]> =>
  (JSON.parse(await alertmanagerApi(stack, "GET", "/silences")) as Silence[])
    .filter((s) => s.status.state !== "expired")
    .sort((a, b) => a.endsAt.localeCompare(b.endsAt));

export const receivedAlerts = async (stack: Stack): Promise<ReceivedAlert[]> =>
  JSON.parse(await alertmanagerApi(stack, "GET", "/alerts")) as ReceivedAlert[];

/** Silence the alerts named (one regex matcher) for DURATION_MS; the silence's id. */
export async function addSilence(
  stack: Stack,
  opts: { names: string[]; durationMs: number; comment: string; createdBy: string },
): Promise<string> {
  const now = Date.now();
  const escaped = opts.names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const r = JSON.parse(
    await alertmanagerApi(stack, "POST", "/silences", {
      matchers: [{ name: "alertname", value: escaped.join("|"), isRegex: true, isEqual: true }],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + opts.durationMs).toISOString(),
      createdBy: opts.createdBy,
      comment: opts.comment,
    }),
  ) as { silenceID: string };
  return r.silenceID;
}

export async function expireSilence(stack: Stack, id: string): Promise<void> {
  await alertmanagerApi(stack, "DELETE", `/silence/${encodeURIComponent(id)}`);
}

/** The alert names a silence covers, as the operator wrote them (one matcher on alertname), or its matchers. Pure. */
export function silencedNames(s: Silence): string {
  const m = s.matchers;
  if (m.length === 1 && m[0]!.name === "alertname" && m[0]!.isEqual !== false)
    return m[0]!.isRegex ? m[0]!.value.replace(/\\(.)/g, "$1").split("|").join(", ") : m[0]!.value;
  return m.map((x) => `${x.name}${x.isEqual === false ? "!" : ""}${x.isRegex ? "=~" : "="}${x.value}`).join(" ");
}

/** The test notification `alerts test` sends: critical, so it goes out at once, and over after RESOLVE_MS. */
export const TEST_ALERT = "StevieStackTest";
export async function sendTestAlert(stack: Stack, resolveMs: number): Promise<void> {
  const now = Date.now();
  await alertmanagerApi(stack, "POST", "/alerts", [
    {
      labels: { alertname: TEST_ALERT, severity: "critical", source: "stevie-stack alerts test" },
      annotations: {
        summary: "A test notification from `stevie-stack alerts test`: alerts reach you. It resolves by itself.",
      },
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + resolveMs).toISOString(),
    },
  ]);
}

/** Every container replaced in turn (upgrade; rotate-secrets recreates the ones whose password changes). */
const EVERY_SERVICE = [
  "ServiceDown",
  "APIReplicaDown",
  "RedisDown",
  "PostgresWriteEndpointDown",
  "PatroniNoLeader",
  "EtcdUnreachable",
  "ReplicaNotStreaming",
  "DatabaseConnectionFailures",
  "SentinelFailover",
] as const;

/**
 * The alerts an operation of ours is expected to trip (a switchover makes the write endpoint wait; an upgrade replaces
 * every container), silenced while it runs and lifted after, so nobody is paged for planned work. The silence also
 * ends by itself after MAX_MS should the CLI die on the way. Best effort: without Alertmanager the work goes on.
 */
export const EXPECTED_ALERTS = {
  upgrade: EVERY_SERVICE,
  rollback: EVERY_SERVICE,
  "rotate-secrets": EVERY_SERVICE,
  switchover: ["PostgresWriteEndpointDown", "PatroniNoLeader", "ReplicaNotStreaming", "DatabaseConnectionFailures"],
  restore: [
    "PostgresWriteEndpointDown",
    "PatroniNoLeader",
    "ReplicaNotStreaming",
    "ReplicationLagHigh",
    "DatabaseConnectionFailures",
    "HighErrorRate",
    "ServiceDown",
  ],
} as const;
const MAX_MS = 2 * 3600_000;
/** After the work, what it tripped still settles (Prometheus finds new containers within 10 s, rules run every 15 s). */
export const SETTLE_MS = 90_000;

/**
 * Planned work: the stack's change lock held (lock.ts: the ops service or another command changes nothing meanwhile),
 * and the alerts it is expected to trip silenced.
 */
export async function withAlertsSilenced<T>(
  stack: Stack,
  operation: keyof typeof EXPECTED_ALERTS,
  work: () => Promise<T>,
): Promise<T> {
  return withStackLock(stack.paths, `stevie-stack ${operation}`, async () => {
    const id = await addSilence(stack, {
      names: [...EXPECTED_ALERTS[operation]],
      durationMs: MAX_MS,
      comment: `stevie-stack ${operation} (pid ${process.pid}): the alerts it is expected to trip, lifted when it ends`,
      createdBy: "stevie-stack",
    }).catch(() => undefined);
    try {
      return await work();
    } finally {
      if (id) await endSilenceIn(stack, id, SETTLE_MS).catch(() => undefined);
    }
  });
}

/** Move a silence's end to DELAY_MS from now (Alertmanager keeps its id while it is active). */
async function endSilenceIn(stack: Stack, id: string, delayMs: number): Promise<void> {
  const s = JSON.parse(await alertmanagerApi(stack, "GET", `/silence/${encodeURIComponent(id)}`)) as Silence;
  const { status: _status, ...rest } = s;
  await alertmanagerApi(stack, "POST", "/silences", { ...rest, endsAt: new Date(Date.now() + delayMs).toISOString() });
}
