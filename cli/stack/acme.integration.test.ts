import { spawn, type ChildProcess } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { renderApiUpstream } from "../../nginx/render.js";
import { bridgeGateway, testCa } from "../../test/setup/test-ca.js";
import { freePort } from "../../test/setup/ports.js";
import { waitUntil } from "../../test/setup/wait.js";
import { parseConfig } from "../config/load.js";
import { UserError } from "../errors.js";
import { run } from "../exec.js";
import { ensureCommand } from "../host/prepare.js";
import { packageVersion } from "../package-root.js";
import { acmePreflight, issueCertificate, liveCertificate, needsIssue, prepareAcme } from "./acme.js";
import { renderEdgeConf } from "./generate.js";
import { stackPaths } from "./paths.js";
import { nginxService } from "./services/nginx.js";
import { NGINX_STATUS_VOLUME, TEXTFILE_DIR } from "./services/monitoring.js";
import { hostSizing } from "./sizing.js";
import { ensureSelfSignedTls, syncEdgeTls } from "./tls.js";
import { topology } from "./topology.js";
import { compose } from "./handle.js";

/**
 * tls.mode acme for real, without the Internet: Pebble (Let's Encrypt's test CA, a Debian package) and its DNS
 * (pebble-challtestsrv, answering every name with 127.0.0.1) on this host; the stack's nginx image run as the compose
 * service the CLI generates for an acme config (its mounts and environment), with the CLI's own preflight and issue
 * step. Pebble validates HTTP-01 for real: it fetches the challenge from the published port. Only the renewal loop's
 * pace is changed (every 3 s, and always due: Pebble's certificates last five years).
 */
const domain = "stevie-acme.test";
const project = "stevietest-acme";
const procs: ChildProcess[] = [];
let dir: string;
let httpPort: number;
let httpsPort: number;
let dnsPort: number;
let challMgmt: number;
let pebbleMgmt: string;
let pebbleCa: string;
let paths: ReturnType<typeof stackPaths>;
let config: ReturnType<typeof parseConfig>;

function start(cmd: string, args: string[], env: Record<string, string> = {}): void {
  const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: "ignore" });
  procs.push(p);
}

/** The certificate nginx serves for the domain over a new TLS connection. */
function served(): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port: httpsPort, servername: domain, rejectUnauthorized: false }, () => {
      const raw = s.getPeerCertificate().raw;
      s.end();
      resolve(new X509Certificate(raw));
    });
    s.on("error", reject);
  });
}

function httpsText(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

function httpStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet({ host: "127.0.0.1", port: httpPort, path, headers: { host: domain } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on("error", reject);
  });
}

const challtestsrv = async (path: string, body: object) => {
  const r = await fetch(`http://127.0.0.1:${challMgmt}${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(r.status).toBe(200);
};

/** The challenge server's DNS, as the CLI's preflight resolver (the host's own resolver knows no test names). */
const testLookup = async (host: string) => {
  const r = new Resolver();
  r.setServers([`127.0.0.1:${dnsPort}`]);
  return r.resolve4(host);
};

describe("tls.mode acme against Pebble", () => {
  beforeAll(async () => {
    await ensureCommand("pebble", "pebble", { yes: true, log: () => {} }, { actions: [] });
    dir = await mkdtemp(join(tmpdir(), "stevie-acme-"));
    [httpPort, httpsPort, dnsPort, challMgmt] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const pebblePort = await freePort();
    const pebbleMgmtPort = await freePort();

    // Pebble's HTTPS on the bridge gateway (nginx's container reaches it there), with a certificate from a test CA.
    const gateway = await bridgeGateway();
    const { ca, issue } = await testCa(dir, "pebble");
    pebbleCa = await readFile(ca, "utf8");
    const { crt, key } = await issue("pebble", `IP:${gateway},IP:127.0.0.1`);
    await writeFile(
      join(dir, "pebble.json"),
      JSON.stringify({
        pebble: {
          listenAddress: `${gateway}:${pebblePort}`,
          managementListenAddress: `127.0.0.1:${pebbleMgmtPort}`,
          certificate: crt,
          privateKey: key,
          httpPort,
          tlsPort: 5001,
          ocspResponderURL: "",
          externalAccountBindingRequired: false,
        },
      }),
    );
    pebbleMgmt = `https://127.0.0.1:${pebbleMgmtPort}`;
    start("pebble-challtestsrv", [
      "-defaultIPv4",
      "127.0.0.1",
      "-defaultIPv6",
      "",
      "-dns01",
      `127.0.0.1:${dnsPort}`,
      "-http01",
      "",
      "-https01",
      "",
      "-tlsalpn01",
      "",
      "-management",
      `127.0.0.1:${challMgmt}`,
    ]);
    // No sleep before validating, no nonce rejected on purpose, and every authorisation validated again (no reuse).
    start("pebble", ["-config", join(dir, "pebble.json"), "-dnsserver", `127.0.0.1:${dnsPort}`], {
      PEBBLE_VA_NOSLEEP: "1",
      PEBBLE_WFE_NONCEREJECT: "0",
      PEBBLE_AUTHZREUSE: "0",
    });
    await waitUntil("Pebble", 60_000, async () =>
      (await httpsText(`${pebbleMgmt}/roots/0`, pebbleCa)).includes("BEGIN CERTIFICATE") ? true : undefined,
    );

    paths = stackPaths(join(dir, "stack"));
    config = parseConfig(
      {
        projectName: project,
        domain,
        network: { bindAddress: "127.0.0.1", httpPort, httpsPort },
        tls: {
          mode: "acme",
          acme: { email: "ops@stevie-acme.test", directoryUrl: `https://${gateway}:${pebblePort}/dir`, caFile: ca },
        },
      },
      "acme test config",
    );
    // What install's first step writes for nginx: the bootstrap certificate, ./acme, nginx.conf and its upstream.
    await ensureSelfSignedTls(paths.tls, { domain, dataSubnet: "10.213.250.0/24" });
    await prepareAcme(paths, config);
    await syncEdgeTls(paths.tls, config);
    await mkdir(join(paths.dir, "nginx", "upstream"), { recursive: true });
    await mkdir(join(paths.dir, TEXTFILE_DIR), { recursive: true });
    await writeFile(paths.nginxConf, renderEdgeConf(config));
    await writeFile(paths.nginxUpstream, renderApiUpstream({ host: "127.0.0.1", port: 9 }));

    // The nginx service exactly as the CLI generates it, alone (no API behind it: the edge is what is tested).
    const sizing = hostSizing(config);
    const service = nginxService({
      config,
      sizing,
      version: packageVersion(),
      topology: topology(config, sizing, "10.213.99.0/24"),
    });
    delete service.depends_on;
    service.environment = { ...service.environment, ACME_CHECK_INTERVAL: "3", ACME_RENEW_DAYS: "3650" };
    await writeFile(
      paths.compose,
      stringify({
        name: project,
        services: { nginx: service },
        networks: { edge: {} },
        volumes: { [NGINX_STATUS_VOLUME]: {} },
      }),
    );
    const up = await compose(paths, project, ["up", "-d", "--wait"], { reject: false, timeoutMs: 120_000 });
    expect(up.exitCode, up.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (paths) await compose(paths, project, ["down", "-v"], { reject: false, timeoutMs: 120_000 });
    for (const p of procs) p.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("starts nginx on a temporary certificate from the stack's local CA, and keeps ACME challenges on plain HTTP", async () => {
    expect((await served()).issuer).toContain("stevie-stack local CA");
    expect(await needsIssue(paths, domain)).toBe(true);
    expect(await httpStatus("/api/trpc/programs.list")).toBe(301);
    expect(await httpStatus("/.well-known/acme-challenge/none")).toBe(404);
  });

  it("refuses to ask the CA while the domain does not resolve or does not reach this nginx, saying which", async () => {
    const webroot = join(paths.acme, "webroot");
    const nowhere = async () => {
      throw Object.assign(new Error("queryA ENOTFOUND"), { code: "ENOTFOUND" });
    };
    await expect(acmePreflight({ domain, port: httpPort, webroot, lookup: nowhere })).rejects.toThrow(
      /does not resolve \(ENOTFOUND\); no certificate was requested/,
    );
    // Another web server at the address the name points to (a stale DNS record, say).
    const other = createServer((_req, res) => res.writeHead(404).end("not here"));
    const otherPort = await freePort();
    await new Promise<void>((r) => other.listen(otherPort, "127.0.0.1", r));
    try {
      const err = await acmePreflight({ domain, port: otherPort, webroot, lookup: testLookup }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(
        /resolves to 127\.0\.0\.1, but .* does not reach this stack's nginx \(127\.0\.0\.1: HTTP 404\)/,
      );
    } finally {
      other.close();
    }
    expect(await needsIssue(paths, domain)).toBe(true);
    // Through the test DNS to the published port: the file put in the webroot comes back.
    expect(await acmePreflight({ domain, port: httpPort, webroot, lookup: testLookup })).toEqual({
      addresses: ["127.0.0.1"],
    });
  });

  it(
    "keeps serving the certificate it has when the CA cannot validate, and says why",
    { timeout: 120_000 },
    async () => {
      // The name points somewhere nginx does not listen (a DNS record gone wrong after the preflight): Pebble's
      // validation fails. Before the first certificate, so the renewal loop (which waits for one) leaves it alone.
      await challtestsrv("/set-default-ipv4", { ip: "127.0.0.2" });
      try {
        const before = await served();
        const err = await issueCertificate(paths, config).catch((e: unknown) => e);
        const logs = (await run("docker", ["logs", "--tail", "30", `${project}-nginx-1`], { reject: false })).stderr;
        expect(err, logs).toBeInstanceOf(UserError);
        expect((err as Error).message).toMatch(
          /did not issue a certificate for stevie-acme\.test: .*error.*127\.0\.0\.2:\d+: connect: connection refused/,
        );
        expect((await served()).serialNumber).toBe(before.serialNumber);
        expect(before.issuer).toContain("stevie-stack local CA");
        expect(await needsIssue(paths, domain)).toBe(true);
        // The failure stays on record past a turn of the renewal loop (every 3 s here): with no certificate yet the
        // loop has checked nothing and must not report a success over it.
        await new Promise((r) => setTimeout(r, 4_000));
        expect(await readFile(join(paths.dir, TEXTFILE_DIR, "acme.prom"), "utf8")).toMatch(
          /^stevie_acme_last_check_success 0$/m,
        );
      } finally {
        await challtestsrv("/set-default-ipv4", { ip: "127.0.0.1" });
      }
    },
  );

  it("obtains the certificate over HTTP-01, puts it live with a 0600 key and reloads nginx", async () => {
    await issueCertificate(paths, config);
    // nginx's new workers (with the new certificate) take over a moment after the reload signal.
    const cert = await waitUntil("the CA's certificate served", 10_000, async () => {
      const c = await served();
      const live = new X509Certificate(await readFile(liveCertificate(paths)));
      return /Pebble Intermediate CA/.test(c.issuer) && c.serialNumber === live.serialNumber ? c : undefined;
    });
    expect(cert.checkHost(domain)).toBe(domain);
    // The chain verifies against Pebble's root, as a browser would against Let's Encrypt's.
    const root = new X509Certificate(await httpsText(`${pebbleMgmt}/roots/0`, pebbleCa));
    const intermediate = new X509Certificate(await httpsText(`${pebbleMgmt}/intermediates/0`, pebbleCa));
    expect(cert.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
    expect((await stat(join(paths.acme, "live", "server.key"))).mode & 0o777).toBe(0o600);
    expect(await needsIssue(paths, domain)).toBe(false);
  });

  it(
    "renews in the background and reloads nginx without a restart; reports the expiry for Prometheus",
    { timeout: 120_000 },
    async () => {
      const before = await served();
      const started = (
        await run("docker", ["inspect", "-f", "{{.State.StartedAt}}", `${project}-nginx-1`])
      ).stdout.trim();
      const renewed = await waitUntil("a renewed certificate", 90_000, async () => {
        const c = await served();
        return c.serialNumber !== before.serialNumber ? c : undefined;
      });
      expect(renewed.issuer).toMatch(/Pebble Intermediate CA/);
      expect((await run("docker", ["inspect", "-f", "{{.State.StartedAt}}", `${project}-nginx-1`])).stdout.trim()).toBe(
        started,
      );
      const prom = await waitUntil("acme.prom", 60_000, async () => {
        const text = await readFile(join(paths.dir, TEXTFILE_DIR, "acme.prom"), "utf8");
        const live = new X509Certificate(await readFile(liveCertificate(paths)));
        const end = Math.floor(Date.parse(live.validTo) / 1000);
        return text.includes(`stevie_tls_certificate_expiry_timestamp_seconds{certificate="server"} ${end}`)
          ? text
          : undefined;
      });
      expect(prom).toMatch(/^stevie_acme_last_check_success 1$/m);
    },
  );
});
