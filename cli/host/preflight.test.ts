import { describe, expect, it } from "vitest";
import { evaluatePreflight, type HostFacts } from "./preflight.js";
import { listeningInodes, listeningSockets } from "./ports.js";
import { parseVersion, versionAtLeast } from "./version.js";

const GiB = 1024 ** 3;
const good: HostFacts = {
  os: { id: "debian", codename: "bookworm", like: [] },
  isRoot: true,
  dockerCli: true,
  engine: { reachable: true, version: "20.10.24+dfsg1" },
  compose: { version: "2.26.1-4" },
  cpus: 2,
  memBytes: 24 * GiB,
  disk: { path: "/opt", freeBytes: 80 * GiB },
  ports: [
    { port: 80, free: true },
    { port: 443, free: true },
  ],
  openssl: true,
};
const verdict = (f: HostFacts, name: string) => evaluatePreflight(f).find((c) => c.name === name);

describe("preflight", () => {
  it("passes a host that has everything", () => {
    expect(evaluatePreflight(good).every((c) => c.status === "ok")).toBe(true);
  });

  it("fails compose v1 with expected, found and fix", () => {
    const c = verdict({ ...good, compose: { version: "1.29.2" } }, "docker compose");
    expect(c).toMatchObject({ status: "fail", expected: "2.20.0 or newer", found: "1.29.2" });
    expect(c?.fix).toMatch(/`docker compose` plugin/);
  });

  it("fails when no engine answers and says how to start it", () => {
    const c = verdict({ ...good, engine: { reachable: false } }, "docker engine");
    expect(c?.status).toBe("fail");
    expect(c?.fix).toMatch(/systemctl start docker/);
  });

  it("fails an old engine", () => {
    expect(verdict({ ...good, engine: { reachable: true, version: "19.03.1" } }, "docker engine")?.status).toBe("fail");
  });

  it("names what holds a port, and accepts ports held by this very stack", () => {
    const f = {
      ...good,
      ports: [
        { port: 443, free: false, holder: "apache2 (pid 42)" },
        { port: 80, free: false, holder: "container stevie-nginx-1", ownStack: true },
      ],
    };
    expect(verdict(f, "port 443")).toMatchObject({ status: "fail", found: "in use by apache2 (pid 42)" });
    expect(verdict(f, "port 80")?.status).toBe("ok");
  });

  it("warns on small hosts and fails on tiny ones", () => {
    expect(verdict({ ...good, memBytes: 3 * GiB }, "memory")?.status).toBe("warn");
    expect(verdict({ ...good, memBytes: 1 * GiB }, "memory")?.status).toBe("fail");
    expect(verdict({ ...good, disk: { path: "/", freeBytes: 2 * GiB } }, "disk")?.status).toBe("fail");
  });
});

describe("versions and /proc parsing", () => {
  it("parses the versions tools print", () => {
    expect(parseVersion("Docker Compose version v2.26.1-4")).toEqual([2, 26, 1]);
    expect(parseVersion("20.10")).toEqual([20, 10, 0]);
    expect(versionAtLeast([2, 26, 1], [2, 20, 0])).toBe(true);
    expect(versionAtLeast([2, 9, 9], [2, 20, 0])).toBe(false);
  });

  it("finds the socket inode listening on a port", () => {
    const table = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:01BB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0",
      "   1: 0100007F:01BB 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 999 1 0000000000000000 100 0 0 10 0",
      "   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0",
    ].join("\n");
    expect(listeningInodes(table, 443)).toEqual(["12345"]);
    expect(listeningInodes(table, 80)).toEqual(["777"]);
    expect(listeningInodes(table, 8080)).toEqual([]);
    expect(listeningSockets(table)).toEqual([
      { address: "127.0.0.1", port: 443, inode: "12345" },
      { address: "0.0.0.0", port: 80, inode: "777" },
    ]);
  });

  it("reads the listening addresses of a tcp6 table: any, IPv4-mapped, other", () => {
    const row = (n: number, local: string, inode: number) =>
      `   ${n}: ${local} 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1`;
    const table = [
      "  sl  local_address                         remote_address                        st ...",
      row(0, "00000000000000000000000000000000:0BB8", 1),
      row(1, "0000000000000000FFFF00000507D50A:2381", 2),
      row(2, "00000000000000000000000001000000:0050", 3),
    ].join("\n");
    expect(listeningSockets(table)).toEqual([
      { address: "0.0.0.0", port: 3000, inode: "1" },
      { address: "10.213.7.5", port: 9089, inode: "2" },
      { address: "v6", port: 80, inode: "3" },
    ]);
  });
});
