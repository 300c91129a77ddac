import { describe, expect, it } from "vitest";
import { evaluateDoctor, type DoctorFacts } from "./run.js";
import type { StackStatus } from "../../stack/status.js";

const now = Date.parse("2026-11-30T12:00:00Z");
const GiB = 1024 ** 3;
const status: StackStatus = {
  project: "stevie",
  dir: "/opt/stevie-stack",
  version: "0.1.0",
  url: "https://localhost/api/",
  healthy: true,
  services: [
    { service: "api", expected: 2, running: 2, healthy: 2, containers: [] },
    { service: "postgres-1", expected: 1, running: 1, healthy: 1, containers: [] },
  ],
  dataTier: {
    postgres: {
      leader: "postgres-1",
      members: [
        { member: "postgres-1", role: "leader", state: "running" },
        { member: "postgres-2", role: "sync-standby", state: "streaming", lagMb: 0 },
      ],
    },
    redis: {
      master: "redis-1",
      quorum: "OK 3 usable Sentinels",
      nodes: [
        { service: "redis-1", ip: "10.0.0.11", role: "master", flags: "master" },
        { service: "redis-2", ip: "10.0.0.12", role: "replica", flags: "online", lagBytes: 0 },
      ],
    },
  },
  images: [
    { ref: "stevie-stack/api:c-1", built: "2026-11-20T10:00:00Z" },
    { ref: "stevie-stack/nginx:c-2", built: "2026-11-25T10:00:00Z" },
  ],
  ops: {
    autoscale: "on",
    state: { heartbeat: "2026-11-30T11:59:40.000Z", certificates: { checkedAt: "2026-11-30T11:55:00.000Z", due: [] } },
  },
};
const healthy: DoctorFacts = {
  now,
  status,
  backup: { diffEveryHours: 24, drillEveryHours: 168 },
  certNotAfter: "2027-06-01T00:00:00.000Z",
  serviceCertNotAfter: { certificate: "postgres", notAfter: "2027-10-01T00:00:00.000Z" },
  newestBackup: "2026-11-30T01:00:00.000Z",
  newestGoodDrill: "2026-11-28T01:00:00.000Z",
  disk: { path: "/var/lib/docker", freeBytes: 60 * GiB, totalBytes: 100 * GiB },
  logRotation: { ok: true, uncapped: [] },
  clockSynced: true,
};
const verdicts = (f: DoctorFacts) => Object.fromEntries(evaluateDoctor(f).map((c) => [c.name, c.status]));

describe("doctor", () => {
  it("passes a healthy stack on every check", () => {
    const checks = evaluateDoctor(healthy);
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      "containers",
      "postgres leader",
      "replication postgres-2",
      "redis and sentinel quorum",
      "disk headroom (volumes)",
      "TLS certificate",
      "service certificates",
      "last backup",
      "last restore drill",
      "docker log rotation",
      "images",
      "clock",
      "ops service",
    ]);
  });

  it("fails what breaks the service, each with a fix", () => {
    const broken: DoctorFacts = {
      ...healthy,
      status: {
        ...status,
        services: [{ service: "api", expected: 2, running: 1, healthy: 1, containers: [] }],
        dataTier: {
          postgres: { members: [{ member: "postgres-2", role: "replica", state: "stopped" }] },
          redis: { nodes: [], quorum: "NOQUORUM 1 usable Sentinels" },
        },
      },
      disk: { path: "/var/lib/docker", freeBytes: 1 * GiB, totalBytes: 100 * GiB },
      certNotAfter: "2026-12-02T00:00:00.000Z",
      serviceCertNotAfter: { certificate: "etcd", notAfter: "2026-12-03T00:00:00.000Z" },
      newestBackup: "2026-11-27T00:00:00.000Z",
      lastDrillFailure: { at: "2026-11-29T00:00:00Z", why: "restore failed: checksum mismatch" },
    };
    const checks = evaluateDoctor(broken);
    for (const name of [
      "containers",
      "postgres leader",
      "replication postgres-2",
      "redis and sentinel quorum",
      "disk headroom (volumes)",
      "TLS certificate",
      "service certificates",
      "last backup",
      "last restore drill",
    ]) {
      const c = checks.find((x) => x.name === name);
      expect(c?.status, name).toBe("fail");
      expect(c?.fix, name).toBeTruthy();
    }
    expect(checks.find((c) => c.name === "containers")?.found).toBe("api 1/2 healthy");
  });

  it("warns before it fails: lag, a filling disk, a certificate within 30 days, a late backup, no drill yet, uncapped logs, an unknown clock", () => {
    const v = verdicts({
      ...healthy,
      status: {
        ...status,
        dataTier: {
          ...status.dataTier,
          postgres: {
            ...status.dataTier.postgres,
            members: [
              status.dataTier.postgres.members[0]!,
              { member: "postgres-2", role: "replica", state: "streaming", lagMb: 20 },
            ],
          },
        },
      },
      disk: { path: "/var/lib/docker", freeBytes: 15 * GiB, totalBytes: 100 * GiB },
      certNotAfter: "2026-12-20T00:00:00.000Z",
      serviceCertNotAfter: { certificate: "redis", notAfter: "2026-12-20T00:00:00.000Z" },
      newestBackup: "2026-11-29T00:00:00.000Z",
      newestGoodDrill: undefined,
      logRotation: { ok: false, uncapped: ["stevie-api-1"] },
      clockSynced: undefined,
    });
    expect(v).toMatchObject({
      "replication postgres-2": "warn",
      "disk headroom (volumes)": "warn",
      "TLS certificate": "warn",
      "service certificates": "warn",
      "last backup": "warn",
      "last restore drill": "warn",
      "docker log rotation": "warn",
      clock: "warn",
    });
    expect(verdicts({ ...healthy, backup: { diffEveryHours: 24, drillEveryHours: 0 } })["scheduled drills"]).toBe(
      "warn",
    );
  });

  it("warns about internal networks that an earlier version made with an address on the host, and names them", () => {
    expect(verdicts(healthy)["internal networks"]).toBeUndefined();
    expect(verdicts({ ...healthy, hostRoutedNetworks: [] })["internal networks"]).toBeUndefined();
    const r = evaluateDoctor({ ...healthy, hostRoutedNetworks: ["stevie_data", "stevie_consensus"] });
    expect(r.find((c) => c.name === "internal networks")).toMatchObject({
      status: "warn",
      found: expect.stringContaining("stevie_data, stevie_consensus"),
      fix: expect.stringContaining("uninstall"),
    });
  });

  it("in acme mode: fails while the CA's certificate is not live yet, and warns once renewals should have happened", () => {
    expect(verdicts({ ...healthy, acme: { renewDays: 30, pending: true } })["ACME certificate"]).toBe("fail");
    expect(verdicts({ ...healthy, acme: { renewDays: 30, pending: true } })["TLS certificate"]).toBeUndefined();
    // 35 days left: due in 5 days, fine. 20 days left: the twice-daily renewal has been failing for 10 days.
    expect(
      verdicts({ ...healthy, certNotAfter: "2027-01-04T00:00:00.000Z", acme: { renewDays: 30, pending: false } })[
        "TLS certificate"
      ],
    ).toBe("ok");
    expect(
      verdicts({ ...healthy, certNotAfter: "2026-12-20T00:00:00.000Z", acme: { renewDays: 30, pending: false } })[
        "TLS certificate"
      ],
    ).toBe("warn");
    expect(
      evaluateDoctor({
        ...healthy,
        certNotAfter: "2026-12-20T00:00:00.000Z",
        acme: { renewDays: 30, pending: false },
      }).find((c) => c.name === "TLS certificate")?.fix,
    ).toMatch(/stevie-stack logs nginx/);
  });

  it("judges the S3 copy on its own when the stack has one: fresh, late, or missing", () => {
    expect(verdicts(healthy)["last S3 backup"]).toBeUndefined();
    expect(verdicts({ ...healthy, s3: { newestBackup: "2026-11-30T01:00:00.000Z" } })["last S3 backup"]).toBe("ok");
    expect(verdicts({ ...healthy, s3: { newestBackup: "2026-11-29T00:00:00.000Z" } })["last S3 backup"]).toBe("warn");
    const missing = evaluateDoctor({ ...healthy, s3: {} }).find((c) => c.name === "last S3 backup");
    expect(missing).toMatchObject({ status: "fail", found: "none in S3" });
    expect(missing?.fix).toMatch(/backup --repo s3/);
  });

  it("lists what Prometheus has firing as a warning, and says when Prometheus does not answer", () => {
    const alert = (name: string, state: "firing" | "pending") => ({
      name,
      severity: "critical",
      state,
      since: "2026-11-30T10:00:00Z",
      summary: "",
      labels: {},
    });
    const firing = evaluateDoctor({
      ...healthy,
      status: { ...status, alerts: [alert("APIReplicaDown", "firing"), alert("HighCPU", "pending")] },
    }).find((c) => c.name === "alerts");
    expect(firing).toMatchObject({ status: "warn", found: "APIReplicaDown (critical)" });
    expect(
      evaluateDoctor({ ...healthy, status: { ...status, alerts: [alert("HighCPU", "pending")] } }).find(
        (c) => c.name === "alerts",
      ),
    ).toMatchObject({ status: "ok", found: "none firing (1 pending)" });
    expect(verdicts({ ...healthy, status: { ...status, alerts: { error: "Prometheus did not answer" } } }).alerts).toBe(
      "warn",
    );
    expect(verdicts(healthy).alerts).toBeUndefined();
  });

  it("warns when an image is older than 30 days (Debian's fixes are not in it) or not on this host, each with a fix", () => {
    const images = (built: (string | undefined)[]) =>
      evaluateDoctor({
        ...healthy,
        status: { ...status, images: built.map((b, i) => (b ? { ref: `i:${i}`, built: b } : { ref: `i:${i}` })) },
      }).find((c) => c.name === "images");
    expect(images(["2026-10-31T12:00:01Z", "2026-11-29T00:00:00Z"])).toMatchObject({
      status: "ok",
      found: "2 images, the oldest built 29 days ago",
    });
    const old = images(["2026-11-29T00:00:00Z", "2026-10-30T11:00:00Z"]);
    expect(old).toMatchObject({ status: "warn" });
    expect(old?.found).toMatch(/^the oldest was built 2026-10-30, 31 days ago/);
    expect(old?.fix).toMatch(/upgrade --refresh/);
    const gone = images(["2026-11-29T00:00:00Z", undefined]);
    expect(gone).toMatchObject({ status: "warn", found: "not on this host: i:1" });
    expect(gone?.fix).toMatch(/install --yes/);
    expect(images([])).toBeUndefined();
  });

  it("warns when the ops service is off, its last round failed, or it runs the CLI from npx's cache", () => {
    const ops = (f: Partial<DoctorFacts>) => evaluateDoctor({ ...healthy, ...f }).find((c) => c.name === "ops service");
    expect(ops({ packageRoot: "/usr/local/lib/stevie-stack/cli/lib/node_modules/stevie-stack" })).toMatchObject({
      status: "ok",
      found: "autoscaler on, last round 2026-11-30T11:59:40.000Z",
    });
    const { ops: _on, ...off } = status;
    expect(ops({ status: off })).toMatchObject({ status: "warn", found: expect.stringMatching(/^off/) });
    const renewal = {
      ...status,
      ops: {
        autoscale: "off" as const,
        state: { renewed: { at: "2026-11-30T11:00:00Z", certificates: ["redis"], ok: false, error: "disk full" } },
      },
    };
    expect(ops({ status: renewal })).toMatchObject({
      status: "warn",
      found: "its round at 2026-11-30T11:00:00Z failed: disk full",
    });
    const npx = ops({ packageRoot: "/root/.npm/_npx/0f1e/node_modules/stevie-stack" });
    expect(npx).toMatchObject({ status: "warn", found: expect.stringContaining("npx's cache") });
    expect(npx?.fix).toMatch(/install\.sh/);
  });

  it("suggests container sizes from the last 7 days' peaks: warns when one came near its limit or ran out", () => {
    const MiB = 1024 ** 2;
    const use = (service: string, peak: number, limit: number, oomKilled = false) => ({
      service,
      peakMemoryBytes: peak * MiB,
      limitBytes: limit * MiB,
      peakCpuCores: 0.5,
      oomKilled,
    });
    const sizes = (s: DoctorFacts["sizes"]) =>
      evaluateDoctor({ ...healthy, sizes: s }).find((c) => c.name === "container sizes");
    expect(sizes(undefined)).toBeUndefined();
    const fine = sizes([use("api", 300, 512), use("redis-1", 20, 192)]);
    expect(fine).toMatchObject({ status: "ok" });
    expect(fine?.found).toBe(
      "peaks: api 59 % (0.50 cores), redis-1 10 % (0.50 cores). Could be smaller: redis-1 peaked at 20 MiB of 192 MiB: suggest 64 MiB",
    );
    const tight = sizes([use("api", 480, 512), use("postgres-1", 500, 640, true), use("nginx", 60, 128)]);
    expect(tight).toMatchObject({ status: "warn" });
    expect(tight?.found).toBe(
      "api peaked at 480 MiB of 512 MiB: suggest 640 MiB; postgres-1 peaked at 500 MiB of 640 MiB, stopped for memory: suggest 640 MiB",
    );
    expect(tight?.fix).toMatch(/resources\.profile/);
  });
});
