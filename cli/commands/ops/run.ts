import type { EventEmitter } from "node:events";
import { utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { recordAudit } from "../../stack/audit.js";
import { writeContainerMetrics } from "../../stack/container-metrics.js";
import { readIfExists, readManifest, sha256 } from "../../stack/files.js";
import { runInstall } from "../../stack/install.js";
import { loadStack, stackTopology } from "../../stack/load.js";
import { stackPaths } from "../../stack/paths.js";
import { OPS_ALIVE_FILE, readOpsState, updateOpsState } from "../../stack/ops.js";
import { certificatesDue } from "../../stack/tls.js";
import { autoscaleOnce } from "../../stack/scaling.js";

/**
 * `stevie-stack ops run`: what the ops service (cli/stack/ops.ts) runs until it is stopped. Every 30 s each
 * container's use, written for Prometheus, and one round of the autoscaler (when api.autoscale is on); every 10
 * minutes, when it starts and on SIGHUP, a look at the certificates: any due (RENEW_DAYS before it expires) is issued
 * again by the same install the operator would run, which recreates exactly the containers that present it. Each round's outcome goes to state/ops.json (`status` shows it); scaling and
 * renewals to the audit log.
 */
export const ROUND_MS = 30_000;
export const CERTIFICATES_EVERY_MS = 10 * 60_000;

export async function runOps(
  dir: string,
  log: (l: string) => void,
  stop: AbortSignal,
  wake?: EventEmitter,
): Promise<void> {
  const { paths } = await loadStack(dir);
  const alive = join(paths.state, OPS_ALIVE_FILE);
  const touch = () => utimes(alive, new Date(), new Date()).catch(() => writeFile(alive, ""));
  await touch();
  const timer = setInterval(() => void touch().catch(() => undefined), ROUND_MS);
  // `wake` (SIGHUP): end the wait, and look at the certificates in this round.
  let nap = new AbortController();
  let certificatesAt = 0;
  wake?.on("wake", () => {
    certificatesAt = 0;
    nap.abort();
  });
  log(
    `ops service for ${paths.dir}: autoscaler rounds every ${ROUND_MS / 1000} s, certificates every ${CERTIFICATES_EVERY_MS / 60_000} min and on SIGHUP`,
  );
  try {
    while (!stop.aborted) {
      const certificates = Date.now() - certificatesAt >= CERTIFICATES_EVERY_MS;
      if (certificates) certificatesAt = Date.now();
      await opsRound(dir, log, certificates);
      await sleep(ROUND_MS, undefined, { signal: AbortSignal.any([stop, nap.signal]) }).catch(() => undefined);
      if (nap.signal.aborted) nap = new AbortController();
    }
  } finally {
    clearInterval(timer);
  }
}

/**
 * One round: each container's use for Prometheus (container-metrics.ts), the certificates (when `certificates`), then
 * the autoscaler; its outcome in state/ops.json.
 */
async function opsRound(dir: string, log: (l: string) => void, certificates: boolean): Promise<void> {
  // stevie.yaml may be broken mid-edit: that is a failed round, not a failed service.
  const paths = stackPaths(dir);
  try {
    const { stack } = await loadStack(dir);
    await writeContainerMetrics(paths, stack);
    if (certificates) await renewDue(dir, log);
    await autoscaleRound(dir, log);
    await updateOpsState(paths, { heartbeat: new Date().toISOString(), error: undefined });
  } catch (err) {
    const message = (err as Error).message;
    log(`round failed: ${message}`);
    await updateOpsState(paths, { error: { at: new Date().toISOString(), message } }).catch(() => undefined);
  }
}

/** stevie.yaml as the last install left it: the ops service applies no edit the operator has not installed. */
async function configInstalled(dir: string): Promise<boolean> {
  const { paths } = await loadStack(dir);
  const text = await readIfExists(paths.config);
  return text !== undefined && (await readManifest(paths))["stevie.yaml"] === sha256(text);
}

/** Issue again what is due, by an install of the stack as it is configured. */
export async function renewDue(dir: string, log: (l: string) => void): Promise<string[]> {
  const { paths, config, stack } = await loadStack(dir);
  const due = await certificatesDue(paths.tls, config, await stackTopology(config));
  const checkedAt = new Date().toISOString();
  await updateOpsState(paths, { certificates: { checkedAt, due } });
  if (!due.length) return due;
  if (!(await configInstalled(dir)))
    throw new Error(
      `certificates due (${due.join(", ")}), but stevie.yaml has edits that were not installed: run \`stevie-stack install\`, which renews them too`,
    );
  log(`renewing certificates: ${due.join(", ")}`);
  try {
    await runInstall(
      {
        dir,
        overrides: {},
        yes: true,
        dryRun: false,
        interactive: false,
        healthTimeoutMs: 600_000,
        reason: `renew certificates: ${due.join(", ")}`,
      },
      { log, confirm: () => Promise.resolve(true) },
    );
  } catch (err) {
    const error = (err as Error).message;
    await updateOpsState(paths, { renewed: { at: new Date().toISOString(), certificates: due, ok: false, error } });
    throw err;
  }
  const at = new Date().toISOString();
  const left = await certificatesDue(paths.tls, config, await stackTopology(config));
  await updateOpsState(paths, {
    renewed: { at, certificates: due, ok: true },
    certificates: { checkedAt: at, due: left },
  });
  await recordAudit(stack, { action: "renew-certificates", target: "tls", details: { certificates: due } });
  log(`renewed: ${due.join(", ")}`);
  return due;
}

/**
 * One decision of the autoscaler, kept for `status`. A scaling goes to the audit log (scaleApi), and so does the first
 * of a run of scale-ups that the host's or the database's room held back; a hold, every 30 s, does not.
 */
async function autoscaleRound(dir: string, log: (l: string) => void): Promise<void> {
  const { paths, config, stack } = await loadStack(dir);
  if (!config.api.autoscale || !config.monitoring.enabled) {
    await updateOpsState(paths, { autoscale: undefined });
    return;
  }
  const before = (await readOpsState(paths)).autoscale;
  const { action, from, to, reason, applied, capped } = await autoscaleOnce(dir, { dryRun: false, log });
  await updateOpsState(paths, {
    autoscale: { at: new Date().toISOString(), action, from, to, reason, applied, capped },
  });
  if (capped && !before?.capped) {
    log(`autoscale held back: ${reason}`);
    await recordAudit(stack, { action: "autoscale.capped", target: "api", details: { from, to, reason } });
  }
}
