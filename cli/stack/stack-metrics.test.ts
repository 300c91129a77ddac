import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stackPaths } from "./paths.js";
import { TEXTFILE_DIR } from "./services/monitoring.js";
import { renderCliMetrics, writeCliMetrics } from "./stack-metrics.js";

describe("CLI metrics for Prometheus", () => {
  it("gives the certificate's expiry and the newest CLI drill, and the newest passing one separately", () => {
    const text = renderCliMetrics(new Date("2027-12-01T00:00:00Z"), [
      { at: "2026-11-01T10:00:00Z", pass: true, rtoSeconds: 9, failures: [] },
      { at: "2026-11-02T10:00:00Z", pass: true, rtoSeconds: 5, failures: [], scheduled: true },
      { at: "2026-11-03T10:00:00Z", pass: false, rtoSeconds: 12.5, failures: ["invalid indexes"] },
    ]);
    expect(text).toContain('stevie_tls_certificate_expiry_timestamp_seconds{certificate="server"} 1827619200');
    expect(text).toContain('stevie_drill_last_pass{runner="cli"} 0');
    expect(text).toContain('stevie_drill_last_rto_seconds{runner="cli"} 12.5');
    expect(text).toContain(
      `stevie_drill_last_success_timestamp_seconds{runner="cli"} ${Date.parse("2026-11-01T10:00:00Z") / 1000}`,
    );
    expect(text).toMatch(/# TYPE stevie_drill_last_pass gauge/);
  });

  it("writes nothing about drills before the first one", () => {
    expect(renderCliMetrics(undefined, [])).toBe("\n");
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
    await writeCliMetrics(paths, "self-signed");
    expect(existsSync(join(dir, "acme.prom"))).toBe(false);
  });
});
