import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { StevieConfig } from "../config/schema.js";
import { writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { Gauge, Registry } from "prom-client";
import { certificateExpiries } from "./tls.js";
import { TEXTFILE_DIR } from "./services/monitoring.js";
import { type DrillRecord } from "../pgbackrest/parse.js";
import { readDrills } from "../pgbackrest/drill-records.js";

/**
 * Figures only the CLI knows, for Prometheus: when each certificate of the stack expires (tls.ts certificateExpiries:
 * the edge's in self-signed and files modes, and every service certificate) and the CLI's own restore drills.
 * Written in the text format to monitoring/textfile/cli.prom, which node-exporter serves (textfile collector).
 * The drills the stack runs itself are reported by the backup scheduler (stevie-backup-metrics) the same way.
 */
export async function renderCliMetrics(
  certificates: { certificate: string; notAfter: Date }[],
  drills: DrillRecord[],
): Promise<string> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const unix = (ms: number) => Math.floor(ms / 1000);
  if (certificates.length) {
    const expiry = gauge(
      "stevie_tls_certificate_expiry_timestamp_seconds",
      // The same help as the ACME loop's report (acme.prom) gives: node-exporter merges the two files' series.
      "When a certificate of the stack expires (Unix time); server: the one nginx serves",
      ["certificate"],
    );
    for (const c of certificates) expiry.set({ certificate: c.certificate }, unix(c.notAfter.getTime()));
  }
  const mine = drills.filter((d) => !d.scheduled);
  const last = mine.at(-1);
  const lastGood = mine.filter((d) => d.pass).at(-1);
  const cli = { runner: "cli" };
  if (last) {
    gauge("stevie_drill_last_timestamp_seconds", "When the newest restore drill ran (Unix time), by who ran it", [
      "runner",
    ]).set(cli, unix(Date.parse(last.at)));
    gauge("stevie_drill_last_pass", "1 when the newest restore drill passed", ["runner"]).set(cli, last.pass ? 1 : 0);
    gauge("stevie_drill_last_rto_seconds", "Recovery time of the newest restore drill", ["runner"]).set(
      cli,
      last.rtoSeconds,
    );
  }
  if (lastGood)
    gauge("stevie_drill_last_success_timestamp_seconds", "When the newest passing restore drill ran (Unix time)", [
      "runner",
    ]).set(cli, unix(Date.parse(lastGood.at)));
  return registry.metrics();
}

/** In tls.mode acme the certificate changes without the CLI: the renewal loop in nginx reports it (acme.prom). */
export async function writeCliMetrics(paths: StackPaths, tlsMode: StevieConfig["tls"]["mode"]): Promise<void> {
  const certificates = await certificateExpiries(paths.tls, tlsMode);
  // Out of acme mode, the loop's last report would name a certificate nginx no longer serves (and the same series twice).
  if (tlsMode !== "acme") await rm(join(paths.dir, TEXTFILE_DIR, "acme.prom"), { force: true });
  await writeAtomic(
    join(paths.dir, TEXTFILE_DIR, "cli.prom"),
    await renderCliMetrics(certificates, await readDrills(paths)),
  );
}
