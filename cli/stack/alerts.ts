import { UserError } from "../errors.js";
import { PROMETHEUS_PORT } from "./services/monitoring.js";
import { Stack } from "./handle.js";

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
