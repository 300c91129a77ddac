import { UserError } from "../../errors.js";
import {
  addSilence,
  activeAlerts,
  expireSilence,
  listSilences,
  receivedAlerts,
  sendTestAlert,
  silencedNames,
  TEST_ALERT,
  type Silence,
  type StackAlert,
} from "../../stack/alerts.js";
import { recordAudit } from "../../stack/audit.js";
import { loadStack } from "../../stack/load.js";

/**
 * `stevie-stack alerts`: what fires (Prometheus) and what Alertmanager holds back (silences); a test notification
 * through every receiver configured; silences set and lifted by alert name, each one in the audit log.
 */

export async function listAlerts(dir: string): Promise<{ firing: StackAlert[]; silences: Silence[]; held: string[] }> {
  const { stack } = await loadStack(dir);
  const [firing, silences, received] = await Promise.all([
    activeAlerts(stack),
    listSilences(stack),
    receivedAlerts(stack),
  ]);
  const held = received.filter((a) => a.status.state === "suppressed").map((a) => a.labels.alertname ?? "?");
  return { firing, silences, held: [...new Set(held)].sort() };
}

export async function testAlert(
  dir: string,
): Promise<{ name: string; resolvesInSeconds: number; receivers: string[] }> {
  const { stack, config } = await loadStack(dir);
  const a = config.monitoring.alerts;
  const receivers = [
    ...(a.webhookUrl ? ["webhook"] : []),
    ...(a.email ? [`mail to ${a.email.to}`] : []),
    ...(a.slack ? ["Slack"] : []),
    ...(a.pagerduty ? ["PagerDuty"] : []),
  ];
  if (!receivers.length)
    throw new UserError(
      "no receiver is configured: a test notification would reach nobody",
      "set monitoring.alerts.webhookUrl, .email, .slack or .pagerduty (see `stevie-stack config example`)",
    );
  const resolveMs = 2 * 60_000;
  await sendTestAlert(stack, resolveMs);
  await recordAudit(stack, { action: "alerts-test", target: TEST_ALERT, details: { receivers } });
  return { name: TEST_ALERT, resolvesInSeconds: resolveMs / 1000, receivers };
}

export async function silence(
  dir: string,
  names: string[],
  opts: { durationMs: number; comment?: string },
): Promise<{ id: string; names: string[]; until: string }> {
  for (const n of names)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))
      throw new UserError(
        `"${n}" is not an alert name`,
        "names as `stevie-stack alerts list` shows them, e.g. HighCPU",
      );
  const { durationMs } = opts;
  const { stack } = await loadStack(dir);
  const id = await addSilence(stack, {
    names,
    durationMs,
    comment: opts.comment ?? "set with `stevie-stack alerts silence`",
    createdBy: process.env.SUDO_USER ?? process.env.USER ?? "operator",
  });
  const until = new Date(Date.now() + durationMs).toISOString();
  await recordAudit(stack, { action: "alerts-silence", target: names.join(","), details: { id, until } });
  return { id, names, until };
}

/** Lift the silences that cover NAMES (or the silence with that id); with `all`, every active one. */
export async function unsilence(dir: string, which: string[], all: boolean): Promise<{ lifted: string[] }> {
  if (!all && !which.length)
    throw new UserError("name the alerts (or silence ids) to unsilence", "or --all for every silence");
  const { stack } = await loadStack(dir);
  const silences = await listSilences(stack);
  const covers = (s: Silence, w: string) => s.id === w || silencedNames(s).split(", ").includes(w);
  const chosen = all ? silences : silences.filter((s) => which.some((w) => covers(s, w)));
  const unknown = which.filter((w) => !silences.some((s) => covers(s, w)));
  if (unknown.length)
    throw new UserError(
      `no active silence covers ${unknown.join(", ")}`,
      "`stevie-stack alerts list` shows the silences; nothing was lifted",
    );
  for (const s of chosen) await expireSilence(stack, s.id);
  const lifted = chosen.map((s) => s.id);
  if (lifted.length) await recordAudit(stack, { action: "alerts-unsilence", target: lifted.join(","), details: {} });
  return { lifted };
}
