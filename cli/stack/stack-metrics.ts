import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { StevieConfig } from "../config/schema.js";
import { writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { serverCertExpiry } from "./tls.js";
import { TEXTFILE_DIR } from "./services/monitoring.js";
import { type DrillRecord } from "../pgbackrest/parse.js";
import { readDrills } from "../pgbackrest/drill-records.js";

/**
 * Figures only the CLI knows, for Prometheus: the server certificate's expiry (self-signed and files modes) and the CLI's own restore drills.
 * Written in the text format to monitoring/textfile/cli.prom, which node-exporter serves (textfile collector).
 * The drills the stack runs itself are reported by the backup scheduler (stevie-backup-metrics) the same way.
 */
export function renderCliMetrics(certNotAfter: Date | undefined, drills: DrillRecord[]): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number, labels = "") =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${labels} ${value}`);
  if (certNotAfter)
    gauge(
      "stevie_tls_certificate_expiry_timestamp_seconds",
      "When the server certificate nginx serves expires (Unix time)",
      Math.floor(certNotAfter.getTime() / 1000),
      '{certificate="server"}',
    );
  const mine = drills.filter((d) => !d.scheduled);
  const last = mine.at(-1);
  const lastGood = mine.filter((d) => d.pass).at(-1);
  const at = (d: DrillRecord) => Math.floor(Date.parse(d.at) / 1000);
  const cli = '{runner="cli"}';
  if (last) {
    gauge(
      "stevie_drill_last_timestamp_seconds",
      "When the newest restore drill ran (Unix time), by who ran it",
      at(last),
      cli,
    );
    gauge("stevie_drill_last_pass", "1 when the newest restore drill passed", last.pass ? 1 : 0, cli);
    gauge("stevie_drill_last_rto_seconds", "Recovery time of the newest restore drill", last.rtoSeconds, cli);
  }
  if (lastGood)
    gauge(
      "stevie_drill_last_success_timestamp_seconds",
      "When the newest passing restore drill ran (Unix time)",
      at(lastGood),
      cli,
    );
  return `${lines.join("\n")}\n`;
}

/** In tls.mode acme the certificate changes without the CLI: the renewal loop in nginx reports it (acme.prom). */
export async function writeCliMetrics(paths: StackPaths, tlsMode: StevieConfig["tls"]["mode"]): Promise<void> {
  const cert = tlsMode === "acme" ? undefined : await serverCertExpiry(paths.tls);
  // Out of acme mode, the loop's last report would name a certificate nginx no longer serves (and the same series twice).
  if (tlsMode !== "acme") await rm(join(paths.dir, TEXTFILE_DIR, "acme.prom"), { force: true });
  await writeAtomic(join(paths.dir, TEXTFILE_DIR, "cli.prom"), renderCliMetrics(cert, await readDrills(paths)));
}
