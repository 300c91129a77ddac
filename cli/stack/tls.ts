import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { chown, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isIP } from "node:net";
import type { StevieConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { host } from "./handle.js";
import { sha256, writeAtomic } from "./files.js";
import { ETCD_KEY_SECRET, ETCD_MEMBERS, PATRONI_CLIENT_SECRET, SERVICE_USER, type Topology } from "./topology.js";

/**
 * Self-signed mode: a local CA (kept for the life of the stack, its certificate downloadable by the operator)
 * signs the server certificate. A certificate is issued again only when the names it must cover change, its issuer
 * does not do (LeafSpec issuer), or it nears its expiry (RENEW_DAYS).
 */
export function subjectAltNames(domain: string): string[] {
  const names = new Set([domain, "localhost", "127.0.0.1", "::1"]);
  return [...names].map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`));
}

/** Private keys go through stdout straight into a 0600 file: never readable by others, not even briefly. */
async function writeKey(path: string): Promise<void> {
  const r = await host.run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]);
  await writeAtomic(path, `${r.stdout}\n`, 0o600);
}

/** What the local CA's name constraints are made from: the stack's domain and its data network. */
export interface LocalCaScope {
  domain: string;
  /** The data network (an IPv4 /N), where PostgreSQL's members have their fixed addresses. */
  dataSubnet: string;
}

/**
 * The names the local CA may vouch for (its name constraints): the stack's domain, loopback, the internal names
 * PostgreSQL's and etcd's certificates carry (HAProxy, every member a stack may have), the one Patroni's REST API
 * clients present (a name outside the constraints fails the server's check too) and the data network's addresses
 * (a replica checks its leader's certificate against the leader's fixed address). A certificate for any other name that
 * its key signs is refused by every client that trusts it. Pure.
 */
export function caScope({ domain, dataSubnet }: LocalCaScope): string {
  const v4 = (ip: string, bits = 32) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return `IP:${ip}/${[24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join(".")}`;
  };
  const v6 = (ip: string) => `IP:${ip}/${Array(8).fill("ffff").join(":")}`;
  const [network, bits] = dataSubnet.split("/");
  if (isIP(network ?? "") !== 4 || !/^\d+$/.test(bits ?? "") || Number(bits) > 32)
    throw new Error(`not an IPv4 subnet: ${dataSubnet}`);
  const names = [
    isIP(domain) === 4 ? v4(domain) : isIP(domain) === 6 ? v6(domain) : `DNS:${domain}`,
    "DNS:localhost",
    "DNS:haproxy",
    ...MEMBER_NAMES.map((m) => `DNS:${m}`),
    ...ETCD_MEMBERS.map((m) => `DNS:${m}`),
    `DNS:${PATRONI_CLIENT_NAME}`,
    v4("127.0.0.1"),
    v6("::1"),
    v4(network!, Number(bits)),
  ];
  return [...new Set(names)].map((n) => `permitted;${n}`).join(",");
}
/** Every member name a stack may have (config: postgres.nodes is at most 3). */
const MEMBER_NAMES = ["postgres-1", "postgres-2", "postgres-3"];

/** The name on the client certificate of Patroni's REST API (ensurePatroniClientTls). */
const PATRONI_CLIENT_NAME = "patroni-client";

const SCOPE_FILE = "ca.scope";
/** Certificates that lead from the current CA to the earlier ones (see ensureLocalCa), newest first. */
const CROSS_FILE = "ca-cross.crt";

/** Sign a certificate request with a CA's key: `days` long, SHA-256, the extensions in file `ext`. */
async function signRequest(csr: string, ca: { crt: string; key: string }, days: number, ext: string, out: string) {
  const argv = ["x509", "-req", "-in", csr, "-CA", ca.crt, "-CAkey", ca.key, "-CAcreateserial", "-days", String(days)];
  await host.run("openssl", [...argv, "-sha256", "-extfile", ext, "-out", out]);
}

/** A CA certificate for `key`: self-signed (the root clients trust), or certified by `issuer` (a cross certificate). */
async function newCaCertificate(key: string, scope: string, out: string, issuer?: { crt: string; key: string }) {
  const extensions = [
    "basicConstraints=critical,CA:TRUE,pathlen:0",
    "keyUsage=critical,keyCertSign,cRLSign",
    `nameConstraints=critical,${scope}`,
    "subjectKeyIdentifier=hash",
  ];
  const subject = ["-subj", "/CN=stevie-stack local CA"];
  if (!issuer) {
    const addext = extensions.flatMap((e) => ["-addext", e]);
    await host.run("openssl", [
      "req",
      "-x509",
      "-new",
      "-key",
      key,
      "-sha256",
      "-days",
      "3650",
      ...subject,
      ...addext,
      "-out",
      out,
    ]);
    return;
  }
  const csr = `${out}.csr`;
  const ext = `${out}.ext`;
  await writeAtomic(ext, `${extensions.join("\n")}\n`);
  await host.run("openssl", ["req", "-new", "-key", key, ...subject, "-out", csr]);
  await signRequest(csr, issuer, 3650, ext, out);
  await rm(csr, { force: true });
  await rm(ext, { force: true });
}

/**
 * The stack's local CA: valid 10 years, path length 0 (it signs servers only, never another CA), and name constraints
 * (caScope). "created" on a first install; "replaced" when the CA there has other constraints or none (made by an
 * earlier version, or the domain or the data network changed): the new CA is also certified by the previous one
 * (tls/ca-cross.crt, sent with every certificate it issues), so a client that trusts only the previous CA still accepts
 * the new certificates, and tls/ca.crt lists the new CA first and the earlier ones after it. The previous key is
 * deleted: no key without constraints is left. No restart is needed for any of it, in any order.
 */
export async function ensureLocalCa(tlsDir: string, scopeOf: LocalCaScope): Promise<"kept" | "created" | "replaced"> {
  await mkdir(tlsDir, { recursive: true, mode: 0o755 });
  const at = (f: string) => join(tlsDir, f);
  const [caKey, caCrt, scopeFile, cross] = [at("ca.key"), at("ca.crt"), at(SCOPE_FILE), at(CROSS_FILE)];
  const scope = caScope(scopeOf);
  // Everything is made beside (*.new) and then renamed into place; an earlier run stopped between the certificate's
  // rename and the key's leaves a new key that fits tls/ca.crt: finish it.
  const newKey = `${caKey}.new`;
  if (existsSync(newKey)) {
    if (await keyFits(newKey, caCrt)) await rename(newKey, caKey);
    else await rm(newKey, { force: true });
  }
  const exists = existsSync(caKey) && existsSync(caCrt);
  if (exists && (await readFile(scopeFile, "utf8").catch(() => "")).trim() === scope) return "kept";
  await writeKey(newKey);
  const root = `${caCrt}.new`;
  await newCaCertificate(newKey, scope, `${root}.self`);
  await writeAtomic(root, `${await readFile(`${root}.self`, "utf8")}${exists ? await readFile(caCrt, "utf8") : ""}`);
  await rm(`${root}.self`, { force: true });
  if (exists) {
    await newCaCertificate(newKey, scope, `${cross}.one`, { crt: caCrt, key: caKey });
    const earlier = await readFile(cross, "utf8").catch(() => "");
    await writeAtomic(cross, `${await readFile(`${cross}.one`, "utf8")}${earlier}`);
    await rm(`${cross}.one`, { force: true });
  }
  await rename(root, caCrt);
  await rename(newKey, caKey);
  await writeAtomic(scopeFile, `${scope}\n`);
  await rm(at("ca.srl"), { force: true });
  return exists ? "replaced" : "created";
}

/** Whether the first certificate in `crt` is for the private key in `key`. */
async function keyFits(key: string, crt: string): Promise<boolean> {
  try {
    const pub = createPublicKey(createPrivateKey(await readFile(key)));
    return new X509Certificate(await readFile(crt)).publicKey.equals(pub);
  } catch {
    return false;
  }
}

/**
 * Whether the certificate file's first certificate was signed by the current CA (tls/ca.key), or with `trusted`, by
 * any CA the stack trusts (tls/ca.crt: the current one and those it replaced, whose keys are gone).
 */
async function issuedBy(tlsDir: string, crt: string, which: "current" | "trusted"): Promise<boolean> {
  try {
    const cert = new X509Certificate(await readFile(crt));
    if (which === "current")
      return cert.verify(createPublicKey(createPrivateKey(await readFile(join(tlsDir, "ca.key")))));
    const bundle = (await readFile(join(tlsDir, "ca.crt"), "utf8")).match(PEM_CERT) ?? [];
    return bundle.some((ca) => cert.verify(new X509Certificate(ca).publicKey));
  } catch {
    return false;
  }
}

/**
 * A certificate the local CA issues: NAME.crt/NAME.key, its CN, subject alternative names and extended key usage.
 * `issuer`: "current" when it must come from the current CA (the edge's: a client outside may trust only the newest
 * CA), "trusted" when a CA the stack still trusts will do. A service certificate is not issued again when the CA moves:
 * its clients trust every CA in tls/ca.crt, and a new one would recreate the containers that present it (see
 * certificateHashes), which for PostgreSQL's members and HAProxy means a pause in writes. It moves to the new CA
 * at its renewal.
 */
interface LeafSpec {
  name: string;
  cn: string;
  san: string;
  usage: string;
  issuer: "current" | "trusted";
}
const leaf = (name: string, cn: string, san: string[], usage = "serverAuth"): LeafSpec => ({
  name,
  cn,
  san: san.join(","),
  usage,
  issuer: "trusted",
});

/**
 * A certificate the local CA issued is issued again when fewer days than this are left of it (as ACME's renewDays):
 * install and upgrade renew it, doctor warns from then on, and Prometheus's CertificateExpiring fires at 14 days.
 */
export const RENEW_DAYS = 30;

/**
 * Whether ensureIssued would issue this certificate: its key is missing, its names or use changed, its issuer is not the
 * one it must be (LeafSpec issuer), or it expires within RENEW_DAYS of `now`.
 */
async function issueDue(tlsDir: string, { name, san, usage, issuer }: LeafSpec, now = Date.now()): Promise<boolean> {
  const currentSan = existsSync(join(tlsDir, `${name}.san`))
    ? (await readFile(join(tlsDir, `${name}.san`), "utf8")).trim()
    : "";
  return !(
    existsSync(join(tlsDir, `${name}.key`)) &&
    currentSan === recordedSan(san, usage) &&
    (await issuedBy(tlsDir, join(tlsDir, `${name}.crt`), issuer)) &&
    ((await certificateExpiry(tlsDir, join(tlsDir, `${name}.crt`)))?.getTime() ?? 0) - now > RENEW_DAYS * 86_400_000
  );
}
const recordedSan = (san: string, usage: string) => `${san}${usage === "serverAuth" ? "" : ` ${usage}`}`;

/**
 * A certificate NAME.crt/NAME.key signed by the local CA for these subject alternative names, followed by the
 * certificates that lead to earlier CAs (ca-cross.crt); issued again when the names (recorded in NAME.san), the use
 * or the CA change, or a file is missing. `usage`: its extended key usage (a certificate also presented as a client's
 * adds clientAuth).
 */
async function ensureIssued(tlsDir: string, spec: LeafSpec): Promise<boolean> {
  if (!(await issueDue(tlsDir, spec))) return false;
  const { name, cn, san, usage } = spec;
  const key = join(tlsDir, `${name}.key`);
  const crt = join(tlsDir, `${name}.crt`);
  const sanFile = join(tlsDir, `${name}.san`);
  const recorded = recordedSan(san, usage);
  const csr = join(tlsDir, `${name}.csr`);
  const ext = join(tlsDir, `${name}.ext`);
  const issued = join(tlsDir, `${name}.crt.new`);
  await writeKey(key);
  await host.run("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${cn}`, "-out", csr]);
  await writeAtomic(
    ext,
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${usage}\n`,
  );
  await signRequest(csr, { crt: join(tlsDir, "ca.crt"), key: join(tlsDir, "ca.key") }, 397, ext, issued);
  const cross = await readFile(join(tlsDir, CROSS_FILE), "utf8").catch(() => "");
  await writeAtomic(crt, `${await readFile(issued, "utf8")}${cross}`);
  await rm(issued, { force: true });
  await writeAtomic(sanFile, `${recorded}\n`);
  return true;
}

// What each certificate names and is for (see the ensure* function of each).
const edgeSpec = (domain: string): LeafSpec => ({
  ...leaf("server", domain, subjectAltNames(domain)),
  issuer: "current",
});
const postgresSpec = (reachedBy: { names: string[]; addresses: string[] }) =>
  leaf(
    "postgres",
    reachedBy.names[0]!,
    [...[...reachedBy.names, "localhost"].map((n) => `DNS:${n}`), ...reachedBy.addresses.map((a) => `IP:${a}`)],
    "serverAuth,clientAuth",
  );
const redisSpec = (addresses: string[]) =>
  leaf(
    "redis",
    "redis",
    ["DNS:localhost", "IP:127.0.0.1", ...addresses.map((a) => `IP:${a}`)],
    "serverAuth,clientAuth",
  );
const ETCD_SPEC = leaf(
  "etcd",
  "etcd",
  [...ETCD_MEMBERS.map((m) => `DNS:${m}`), "DNS:localhost", "IP:127.0.0.1"],
  "serverAuth,clientAuth",
);
const PATRONI_CLIENT_SPEC = leaf(
  PATRONI_CLIENT_NAME,
  PATRONI_CLIENT_NAME,
  [`DNS:${PATRONI_CLIENT_NAME}`],
  "clientAuth",
);

export async function ensureSelfSignedTls(tlsDir: string, scope: LocalCaScope): Promise<{ changed: boolean }> {
  const ca = await ensureLocalCa(tlsDir, scope);
  const issued = await ensureIssued(tlsDir, edgeSpec(scope.domain));
  return { changed: ca !== "kept" || issued };
}

/**
 * PostgreSQL's certificate, from the same local CA, for every name and address a client may reach it by: HAProxy (the
 * API's host), each member's name and each member's fixed data address (a replica streams from its leader's address
 * and checks it, verify-full). The API checks it against tls/ca.crt and the host name, in either TLS mode. Patroni's
 * REST API serves it too, and a member presents it as a client to the others' (clientAuth).
 */
export async function ensurePostgresTls(
  tlsDir: string,
  reachedBy: { names: string[]; addresses: string[] },
  scope: LocalCaScope,
): Promise<{ changed: boolean }> {
  const ca = await ensureLocalCa(tlsDir, scope);
  const issued = await ensureIssued(tlsDir, postgresSpec(reachedBy));
  return { changed: ca !== "kept" || issued };
}

/**
 * Redis's certificate, from the same local CA, served by every Redis and Sentinel: for the fixed addresses they reach
 * each other and are reached by (Sentinel hands out the master by address; the API and the exporter check it), and
 * for loopback inside a container (its health check). clientAuth too: a replica or Sentinel presents it when it dials.
 */
export async function ensureRedisTls(tlsDir: string, addresses: string[], scope: LocalCaScope): Promise<boolean> {
  const ca = await ensureLocalCa(tlsDir, scope);
  const issued = await ensureIssued(tlsDir, redisSpec(addresses));
  return ca !== "kept" || issued;
}

/**
 * etcd's certificate, from the same local CA: for its clients (Patroni and its leader watch by member name, etcdctl
 * inside a member by localhost), and presented by each member to the others as a client certificate (etcd admits as a
 * peer only a certificate that names CN etcd: PostgreSQL's, from the same CA, is refused). etcd runs as its own
 * user from the start, so its copy of the key (secrets/etcd_tls_key, 0600) belongs to that user.
 */
export async function ensureEtcdTls(tlsDir: string, secretsDir: string, scope: LocalCaScope): Promise<boolean> {
  const ca = await ensureLocalCa(tlsDir, scope);
  const issued = await ensureIssued(tlsDir, ETCD_SPEC);
  const copied = await handToServiceUser(join(secretsDir, ETCD_KEY_SECRET), await readFile(join(tlsDir, "etcd.key")));
  return ca !== "kept" || issued || copied;
}

/**
 * A copy of key material for a service that runs as SERVICE_USER from the start (0600, in the 0700 secrets/): Compose
 * ignores a file secret's uid and mode, so the file's own are what the container sees. Whether the content changed.
 */
async function handToServiceUser(copy: string, content: Buffer): Promise<boolean> {
  const copied = !(await readFile(copy).catch(() => undefined))?.equals(content);
  if (copied) await writeAtomic(copy, content, 0o600);
  await chown(copy, SERVICE_USER.uid, SERVICE_USER.gid).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EPERM") throw err;
    throw new UserError(
      `the TLS keys of etcd, HAProxy and Prometheus must belong to their user (uid ${SERVICE_USER.uid}) and only root can give them`,
      "run stevie-stack as root (sudo): the stack's secrets are root's files",
    );
  });
  return copied;
}

/**
 * The client certificate HAProxy's health checks and Prometheus's scrapes present to Patroni's REST API (which asks
 * every caller for one from the stack's CA), for client use only. Both run as SERVICE_USER: they get one PEM with the
 * certificate, its chain and the key (secrets/patroni_client, 0600), which HAProxy's `crt` and Prometheus's
 * `cert_file`/`key_file` all read.
 */
export async function ensurePatroniClientTls(
  tlsDir: string,
  secretsDir: string,
  scope: LocalCaScope,
): Promise<boolean> {
  const ca = await ensureLocalCa(tlsDir, scope);
  const issued = await ensureIssued(tlsDir, PATRONI_CLIENT_SPEC);
  const pem = Buffer.concat([
    await readFile(join(tlsDir, `${PATRONI_CLIENT_NAME}.crt`)),
    await readFile(join(tlsDir, `${PATRONI_CLIENT_NAME}.key`)),
  ]);
  const copied = await handToServiceUser(join(secretsDir, PATRONI_CLIENT_SECRET), pem);
  return ca !== "kept" || issued || copied;
}

/** A short hash of the CA bundle the stack trusts (tls/ca.crt), or undefined before there is one. */
export async function caBundleHash(tlsDir: string): Promise<string | undefined> {
  const pem = await readFile(join(tlsDir, "ca.crt")).catch(() => undefined);
  return pem && sha256(pem).slice(0, 16);
}

/** The part of tls/ that nginx mounts: copies of what it serves, so that the CA's key and PostgreSQL's never reach it. */
export const EDGE_TLS_SUBDIR = "edge";
/** tls.acme.caFile, copied into tls/ (lego trusts it for the ACME server's own TLS). */
export const ACME_CA_FILE = "acme-ca.crt";

/**
 * Copies what nginx needs from tls/ into tls/edge/ (its certificate and key, the local CA's certificate it offers for
 * download, the ACME server's CA when one is given; a key stays 0600) and removes anything else there. True when a
 * file was written or removed (nginx must then be reloaded or recreated).
 */
export async function syncEdgeTls(tlsDir: string, config: Pick<StevieConfig, "tls">): Promise<boolean> {
  const files = [
    "server.crt",
    "server.key",
    "ca.crt",
    ...(config.tls.mode === "acme" && config.tls.acme?.caFile ? [ACME_CA_FILE] : []),
  ];
  const edge = join(tlsDir, EDGE_TLS_SUBDIR);
  await mkdir(edge, { recursive: true, mode: 0o755 });
  let changed = false;
  for (const f of files) {
    const content = await readFile(join(tlsDir, f));
    const current = await readFile(join(edge, f)).catch(() => undefined);
    if (current?.equals(content)) continue;
    await writeAtomic(join(edge, f), content, f.endsWith(".key") ? 0o600 : 0o644);
    changed = true;
  }
  for (const f of await readdir(edge)) {
    if (files.includes(f)) continue;
    await rm(join(edge, f), { force: true });
    changed = true;
  }
  return changed;
}

/**
 * The certificates the local CA issued for the stack's services, by name (tls/NAME.crt): each is presented by the
 * containers that mount it (see certificateHashes). The edge's (server) is listed apart: nginx serves a copy.
 */
export const SERVICE_CERTIFICATES = ["postgres", "etcd", "redis", PATRONI_CLIENT_NAME] as const;
export type ServiceCertificate = (typeof SERVICE_CERTIFICATES)[number];

/**
 * A short hash of each service certificate (undefined before it exists). A container reads its certificate when it
 * starts, from a file Compose mounts by inode: a renewed one (written beside, then renamed) reaches it only in a new
 * container, which the hash in its labels brings about.
 */
export async function certificateHashes(tlsDir: string): Promise<Partial<Record<ServiceCertificate, string>>> {
  const out: Partial<Record<ServiceCertificate, string>> = {};
  for (const name of SERVICE_CERTIFICATES) {
    const pem = await readFile(join(tlsDir, `${name}.crt`)).catch(() => undefined);
    if (pem) out[name] = sha256(pem).slice(0, 16);
  }
  return out;
}

/**
 * When each certificate of the stack expires, soonest first: the edge's (server: not in tls.mode acme, whose loop in
 * nginx reports its own) and every service certificate. A missing or unreadable one is left out.
 */
export async function certificateExpiries(
  tlsDir: string,
  mode: StevieConfig["tls"]["mode"],
): Promise<{ certificate: string; notAfter: Date }[]> {
  const names = [...(mode === "acme" ? [] : ["server"]), ...SERVICE_CERTIFICATES];
  const out: { certificate: string; notAfter: Date }[] = [];
  for (const certificate of names) {
    const notAfter = await certificateExpiry(tlsDir, join(tlsDir, `${certificate}.crt`));
    if (notAfter) out.push({ certificate, notAfter });
  }
  return out.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
}

/** When the (first) certificate in this file expires (tls/server.crt unless given); undefined when it is missing or unreadable. */
export async function certificateExpiry(tlsDir: string, file = join(tlsDir, "server.crt")): Promise<Date | undefined> {
  const pem = await readFile(file).catch(() => undefined);
  if (!pem) return undefined;
  try {
    return new Date(new X509Certificate(pem).validTo);
  } catch {
    return undefined;
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Bring-your-own mode: check a certificate chain and its key before nginx ever sees them (pure). The chain is the
 * server certificate first, then each issuer; the key must be the certificate's; it must be valid now and cover the
 * domain. Returns the server certificate and whether it names an OCSP responder (nginx staples its answer).
 */
export function checkProvidedTls(
  chainPem: string,
  keyPem: string,
  domain: string,
  now = new Date(),
): { leaf: X509Certificate; ocsp: boolean } {
  const blocks = chainPem.match(PEM_CERT) ?? [];
  if (!blocks.length)
    throw new UserError(
      "tls.certFile holds no PEM certificate",
      "give the full chain in PEM: the server certificate first, then the intermediates",
    );
  let certs: X509Certificate[];
  try {
    certs = blocks.map((b) => new X509Certificate(b));
  } catch (err) {
    throw new UserError(`tls.certFile has a certificate that cannot be read: ${(err as Error).message}`);
  }
  const leaf = certs[0]!;
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new UserError(
      "tls.keyFile holds no readable private key (PEM, unencrypted)",
      "nginx cannot ask for a passphrase: give the key without one",
    );
  }
  if (!leaf.checkPrivateKey(key))
    throw new UserError(
      "the key in tls.keyFile does not belong to the certificate in tls.certFile",
      "give the key the certificate was issued for",
    );
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!certs[i]!.checkIssued(certs[i + 1]!))
      throw new UserError(
        `tls.certFile: certificate ${i + 2} did not issue certificate ${i + 1}`,
        "order the chain as the server certificate first, then each issuer",
      );
  }
  if (now > new Date(leaf.validTo))
    throw new UserError(
      `the certificate in tls.certFile expired on ${new Date(leaf.validTo).toISOString()}`,
      "renew it and run install again",
    );
  if (now < new Date(leaf.validFrom))
    throw new UserError(
      `the certificate in tls.certFile is not valid before ${new Date(leaf.validFrom).toISOString()}`,
    );
  const covered = isIP(domain) ? leaf.checkIP(domain) : leaf.checkHost(domain);
  if (!covered)
    throw new UserError(
      `the certificate in tls.certFile does not cover ${domain} (${leaf.subjectAltName ?? leaf.subject})`,
      "use a certificate issued for the stack's domain, or set domain to a name it covers",
    );
  return { leaf, ocsp: /OCSP - URI:/.test(leaf.infoAccess ?? "") };
}

/** Copy a checked certificate chain and key to where nginx reads them (key 0600); changed when the content differs. */
export async function installProvidedTls(
  tlsDir: string,
  files: { certFile: string; keyFile: string },
  domain: string,
): Promise<{ changed: boolean; expires: Date; ocsp: boolean }> {
  const read = async (path: string, what: string) =>
    readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new UserError(
        `${what} ${path} cannot be read (${err.code ?? err.message})`,
        `check the path in stevie.yaml (${what})`,
      );
    });
  const [chain, key] = [await read(files.certFile, "tls.certFile"), await read(files.keyFile, "tls.keyFile")];
  const { leaf, ocsp } = checkProvidedTls(chain, key, domain);
  await mkdir(tlsDir, { recursive: true, mode: 0o755 });
  const crt = join(tlsDir, "server.crt");
  const keyPath = join(tlsDir, "server.key");
  const same =
    (await readFile(crt, "utf8").catch(() => "")) === chain &&
    (await readFile(keyPath, "utf8").catch(() => "")) === key;
  if (!same) {
    await writeAtomic(keyPath, key, 0o600);
    await writeAtomic(crt, chain);
  }
  // Back to self-signed later: the local CA issues a new server certificate (it no longer matches what is recorded).
  await rm(join(tlsDir, "server.san"), { force: true });
  return { changed: !same, expires: new Date(leaf.validTo), ocsp };
}

/**
 * Every certificate the stack's own CA makes, as this version wants them: the edge's (in tls.mode self-signed and acme;
 * acme serves it until its first issuance), or the operator's copied in (files), then PostgreSQL's for HAProxy and
 * each member by name and fixed address, etcd's, Redis's and the Patroni REST API's client one. Run by install and by upgrade (a version may change the
 * CA's scope or what a certificate names). `edge`/`postgres`/`etcd`/`redis`/`patroniClient`: whether it changed.
 */
export async function ensureStackCertificates(
  dirs: { tls: string; secrets: string },
  config: Pick<StevieConfig, "domain" | "tls">,
  resolveFile: (file: string) => string,
  topo: CertificateTopology,
): Promise<{ edge: boolean; postgres: boolean; etcd: boolean; redis: boolean; patroniClient: boolean }> {
  const tlsDir = dirs.tls;
  const scope = { domain: config.domain, dataSubnet: topo.subnet };
  const edge =
    config.tls.mode === "files"
      ? await installProvidedTls(
          tlsDir,
          { certFile: resolveFile(config.tls.certFile!), keyFile: resolveFile(config.tls.keyFile!) },
          config.domain,
        )
      : await ensureSelfSignedTls(tlsDir, scope);
  const postgres = await ensurePostgresTls(tlsDir, postgresReach(topo), scope);
  const etcd = await ensureEtcdTls(tlsDir, dirs.secrets, scope);
  const redis = await ensureRedisTls(tlsDir, redisAddresses(topo), scope);
  const patroniClient = await ensurePatroniClientTls(tlsDir, dirs.secrets, scope);
  return { edge: edge.changed, postgres: postgres.changed, etcd, redis, patroniClient };
}

type CertificateTopology = Pick<Topology, "subnet" | "postgres" | "postgresIp" | "redis" | "sentinels">;
const postgresReach = (topo: CertificateTopology) => ({
  names: ["haproxy", ...topo.postgres],
  addresses: topo.postgres.map((m) => topo.postgresIp[m]!),
});
const redisAddresses = (topo: CertificateTopology) => [...topo.redis, ...topo.sentinels].map((n) => n.ip);

/**
 * What ensureStackCertificates would make, nothing written (a dry run): "ca" when the local CA is missing or made for
 * another scope (then the edge's certificate too, which must come from the current CA), and each certificate whose key
 * is missing, whose names, use or issuer changed, or that expires within RENEW_DAYS. The operator's own certificate (tls.mode files) is checked when it is installed, not here.
 */
export async function certificatesDue(
  tlsDir: string,
  config: Pick<StevieConfig, "domain" | "tls">,
  topo: CertificateTopology,
): Promise<string[]> {
  const specs = [
    ...(config.tls.mode === "files" ? [] : [edgeSpec(config.domain)]),
    postgresSpec(postgresReach(topo)),
    ETCD_SPEC,
    redisSpec(redisAddresses(topo)),
    PATRONI_CLIENT_SPEC,
  ];
  const scope = caScope({ domain: config.domain, dataSubnet: topo.subnet });
  const caKept =
    existsSync(join(tlsDir, "ca.key")) &&
    existsSync(join(tlsDir, "ca.crt")) &&
    (await readFile(join(tlsDir, SCOPE_FILE), "utf8").catch(() => "")).trim() === scope;
  const due: string[] = caKept ? [] : ["ca"];
  for (const spec of specs)
    if ((!caKept && spec.issuer === "current") || (await issueDue(tlsDir, spec))) due.push(spec.name);
  return due;
}
