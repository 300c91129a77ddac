import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stackPaths } from "./paths.js";
import { TEXTFILE_DIR } from "./services/monitoring.js";
import { renderCliMetrics, writeCliMetrics } from "./stack-metrics.js";
import { ensureStackCertificates } from "./tls.js";
import { packageRoot } from "../package-root.js";
import type { StevieConfig } from "../config/schema.js";

const acme = { domain: "api.example.com", tls: { mode: "acme" } } as Pick<StevieConfig, "domain" | "tls">;
const topo = {
  subnet: "10.213.7.0/24",
  postgres: ["postgres-1"],
  postgresIp: { "postgres-1": "10.213.7.31" },
  redis: [{ service: "redis-1", ip: "10.213.7.11" }],
  sentinels: [{ service: "sentinel-1", ip: "10.213.7.21" }],
};

describe("CLI metrics for Prometheus", () => {
  it("gives each certificate's expiry and the newest CLI drill, and the newest passing one separately", async () => {
    const certificates = [
      { certificate: "redis", notAfter: new Date("2027-01-01T00:00:00Z") },
      { certificate: "server", notAfter: new Date("2027-12-01T00:00:00Z") },
    ];
    const text = await renderCliMetrics(certificates, [
      { at: "2026-11-01T10:00:00Z", pass: true, rtoSeconds: 9, failures: [] },
      { at: "2026-11-02T10:00:00Z", pass: true, rtoSeconds: 5, failures: [], scheduled: true },
      { at: "2026-11-03T10:00:00Z", pass: false, rtoSeconds: 12.5, failures: ["invalid indexes"] },
    ]);
    expect(text).toContain('stevie_tls_certificate_expiry_timestamp_seconds{certificate="server"} 1827619200');
    expect(text).toContain('stevie_tls_certificate_expiry_timestamp_seconds{certificate="redis"} 1798761600');
    expect(text.match(/# TYPE stevie_tls_certificate_expiry_timestamp_seconds gauge/g)).toHaveLength(1);
    expect(text).toContain('stevie_drill_last_pass{runner="cli"} 0');
    expect(text).toContain('stevie_drill_last_rto_seconds{runner="cli"} 12.5');
    expect(text).toContain(
      `stevie_drill_last_success_timestamp_seconds{runner="cli"} ${Date.parse("2026-11-01T10:00:00Z") / 1000}`,
    );
    expect(text).toMatch(/# TYPE stevie_drill_last_pass gauge/);
  });

  it("writes nothing about drills before the first one", async () => {
    expect(await renderCliMetrics([], [])).toBe("\n");
  });

  it("leaves the certificate to the ACME loop's report in acme mode, and drops that report in the other modes", async () => {
    const paths = stackPaths(await mkdtemp(join(tmpdir(), "stevie-metrics-")));
    const dir = join(paths.dir, TEXTFILE_DIR);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "acme.prom"),
      'stevie_tls_certificate_expiry_timestamp_seconds{certificate="server"} 1\n',
    );
    await writeCliMetrics(paths, "acme");
    expect(existsSync(join(dir, "acme.prom"))).toBe(true);
    expect(await readFile(join(dir, "cli.prom"), "utf8")).not.toContain("stevie_tls_certificate_expiry");
    // The service certificates are the CLI's in every mode; only the edge's is the loop's in acme mode.
    const tls = paths.tls;
    await ensureStackCertificates({ tls, secrets: await mkdtemp(join(tmpdir(), "stevie-sec-")) }, acme, (f) => f, topo);
    await writeCliMetrics(paths, "acme");
    const certs = [...(await readFile(join(dir, "cli.prom"), "utf8")).matchAll(/certificate="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(certs.sort()).toEqual(["etcd", "patroni-client", "postgres", "redis"]);
    // The same help text as the loop's report: node-exporter serves both files' series under one name.
    const help = (text: string) => text.match(/# HELP stevie_tls_certificate_expiry_timestamp_seconds [^"\n]*/)?.[0];
    const acmeLoop = await readFile(join(packageRoot(), "compose/images/nginx/acme.sh"), "utf8");
    expect(help(acmeLoop)).toBe(help(await readFile(join(dir, "cli.prom"), "utf8")));
    await writeCliMetrics(paths, "self-signed");
    expect(existsSync(join(dir, "acme.prom"))).toBe(false);
  });
});
