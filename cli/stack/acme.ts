import { randomBytes } from "node:crypto";
import { lookup as dnsLookup } from "node:dns/promises";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { readCaFile, writeAtomic } from "./files.js";
import type { StackPaths } from "./paths.js";
import { ACME_CA_FILE } from "./tls.js";
import { Stack } from "./handle.js";

/**
 * tls.mode acme. The CLI prepares ./acme (a temporary certificate from the local CA, so nginx starts), checks that the
 * domain reaches this stack's nginx, then has the nginx container obtain the certificate (compose/images/nginx/acme.sh,
 * lego over HTTP-01); the loop in that container renews it and reloads nginx from then on.
 */
export type AcmeSettings = NonNullable<StevieConfig["tls"]["acme"]>;

export const LETS_ENCRYPT = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
};

export function acmeServer(acme: AcmeSettings): string {
  return acme.directoryUrl ?? (acme.staging ? LETS_ENCRYPT.staging : LETS_ENCRYPT.production);
}

/** What nginx serves in acme mode, on the host. */
export const liveCertificate = (paths: StackPaths) => join(paths.acme, "live", "server.crt");

/** lego's certificate for the domain (lego names its files after it). */
const issuedCertificate = (paths: StackPaths, domain: string) =>
  join(paths.acme, "lego", "certificates", `${domain}.crt`);

/**
 * The directories of ./acme, the ACME server's CA copied into tls/, and, until a certificate is issued, the local CA's
 * server certificate in live/ (nginx cannot start without one). Changed when the CA file's content changed.
 */
export async function prepareAcme(paths: StackPaths, config: StevieConfig): Promise<{ changed: boolean }> {
  const acme = config.tls.acme!;
  await mkdir(join(paths.acme, "webroot"), { recursive: true, mode: 0o755 });
  await mkdir(join(paths.acme, "live"), { recursive: true, mode: 0o700 });
  await mkdir(join(paths.acme, "lego"), { recursive: true, mode: 0o700 });
  const live = join(paths.acme, "live");
  if (!existsSync(join(live, "server.crt")) || !existsSync(join(live, "server.key"))) {
    await writeAtomic(join(live, "server.key"), await readFile(join(paths.tls, "server.key")), 0o600);
    await writeAtomic(join(live, "server.crt"), await readFile(join(paths.tls, "server.crt")));
  }
  if (!acme.caFile) return { changed: false };
  const pem = await readCaFile(paths.dir, acme.caFile, "tls.acme.caFile", "the ACME server's certificate");
  const to = join(paths.tls, ACME_CA_FILE);
  const same = (await readFile(to, "utf8").catch(() => "")) === pem;
  if (!same) await writeAtomic(to, pem);
  return { changed: !same };
}

/** True when nginx does not yet serve the CA's certificate for this domain (first install, or a new domain). */
export async function needsIssue(paths: StackPaths, domain: string): Promise<boolean> {
  const issued = await readFile(issuedCertificate(paths, domain), "utf8").catch(() => undefined);
  return !issued || issued !== (await readFile(liveCertificate(paths), "utf8").catch(() => ""));
}

export type Lookup = (host: string) => Promise<string[]>;
const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/** GET the path from one address with the domain as Host: the body on 200, else why not. */
function fetchFrom(
  address: string,
  port: number,
  domain: string,
  path: string,
  timeoutMs: number,
): Promise<{ body?: string; why?: string }> {
  return new Promise((done) => {
    const req = request({ host: address, port, path, headers: { host: domain }, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c.slice(0, 1024)));
      res.on("end", () => done(res.statusCode === 200 ? { body } : { why: `HTTP ${res.statusCode}` }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    req.on("error", (err: NodeJS.ErrnoException) => done({ why: err.code ?? err.message }));
    req.end();
  });
}

/**
 * Before anything is asked of the CA (whose rate limits a failing setup would use up): the domain resolves, and at
 * every address it resolves to, a file put in this stack's challenge webroot comes back over plain HTTP, as the CA
 * will fetch it. `lookup` is the system resolver unless a test gives its own.
 */
export async function acmePreflight(o: {
  domain: string;
  port: number;
  webroot: string;
  lookup?: Lookup;
  timeoutMs?: number;
}): Promise<{ addresses: string[] }> {
  let addresses: string[];
  try {
    addresses = await (o.lookup ?? systemLookup)(o.domain);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(
      `tls mode acme: ${o.domain} does not resolve (${code}); no certificate was requested`,
      `point an A (or AAAA) record for ${o.domain} at this host's public address, wait until it resolves, and run install again`,
    );
  }
  if (!addresses.length)
    throw new UserError(
      `tls mode acme: ${o.domain} has no address; no certificate was requested`,
      `point an A (or AAAA) record for ${o.domain} at this host`,
    );
  const token = randomBytes(16).toString("hex");
  const dir = join(o.webroot, ".well-known", "acme-challenge");
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, `stevie-preflight-${token}`);
  await writeAtomic(file, token, 0o644);
  try {
    const failed: string[] = [];
    for (const address of addresses) {
      const r = await fetchFrom(
        address,
        o.port,
        o.domain,
        `/.well-known/acme-challenge/stevie-preflight-${token}`,
        o.timeoutMs ?? 5000,
      );
      if (r.body?.trim() !== token) failed.push(`${address}: ${r.why ?? "answered, but not with this stack's file"}`);
    }
    if (failed.length) {
      throw new UserError(
        `tls mode acme: ${o.domain} resolves to ${addresses.join(", ")}, but http://${o.domain}${o.port === 80 ? "" : `:${o.port}`}/.well-known/acme-challenge/ does not reach this stack's nginx (${failed.join("; ")}); no certificate was requested`,
        "the CA checks over plain HTTP on port 80: point the name at this host and open port 80 to the internet; if this host cannot reach itself by its public name (NAT without hairpin), set tls.acme.preflight: false",
      );
    }
    return { addresses };
  } finally {
    await rm(file, { force: true });
  }
}

/** Obtain (or renew when due) the certificate in the nginx container and put it live; lego's own words on failure. */
export async function issueCertificate(paths: StackPaths, config: StevieConfig): Promise<void> {
  const r = await new Stack(paths, config.projectName).exec("nginx", ["stevie-acme", "issue"], {
    timeoutMs: 300_000,
  });
  if (r.exitCode === 0) return;
  // lego logs every step; its error lines say what went wrong (the CA's problem document, with the URL it tried).
  const lines = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.trim());
  const errors = lines.filter((l) => /error|problem|fail/i.test(l));
  const said = (errors.length ? errors : lines).slice(-3).join(" | ");
  throw new UserError(
    `the ACME CA (${acmeServer(config.tls.acme!)}) did not issue a certificate for ${config.domain}: ${said || `exit ${r.exitCode}`}`,
    "nginx keeps serving the certificate it has (before the first issuance, a temporary one from the stack's local CA); fix the cause (lego's message above) and run install again",
  );
}
