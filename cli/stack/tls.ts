import { X509Certificate } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isIP } from "node:net";
import { run } from "../exec.js";
import { writeAtomic } from "./files.js";

/**
 * Self-signed mode: a local CA (kept for the life of the stack, its certificate downloadable by the operator)
 * signs the server certificate. The server certificate is re-issued only when the names it must cover change.
 */
export function subjectAltNames(domain: string): string[] {
  const names = new Set([domain, "localhost", "127.0.0.1", "::1"]);
  return [...names].map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`));
}

/** Private keys go through stdout straight into a 0600 file: never readable by others, not even briefly. */
async function writeKey(path: string): Promise<void> {
  const r = await run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]);
  await writeAtomic(path, `${r.stdout}\n`, 0o600);
}

export async function ensureSelfSignedTls(tlsDir: string, domain: string): Promise<{ changed: boolean }> {
  await mkdir(tlsDir, { recursive: true, mode: 0o755 });
  const caKey = join(tlsDir, "ca.key");
  const caCrt = join(tlsDir, "ca.crt");
  const key = join(tlsDir, "server.key");
  const crt = join(tlsDir, "server.crt");
  const sanFile = join(tlsDir, "server.san");
  let changed = false;
  if (!existsSync(caKey) || !existsSync(caCrt)) {
    await writeKey(caKey);
    await run("openssl", ["req", "-x509", "-new", "-key", caKey, "-sha256", "-days", "3650", "-subj", "/CN=stevie-stack local CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", caCrt]);
    changed = true;
  }
  const san = subjectAltNames(domain).join(",");
  const currentSan = existsSync(sanFile) ? (await readFile(sanFile, "utf8")).trim() : "";
  if (changed || !existsSync(key) || !existsSync(crt) || currentSan !== san) {
    const csr = join(tlsDir, "server.csr");
    const ext = join(tlsDir, "server.ext");
    await writeKey(key);
    await run("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${domain}`, "-out", csr]);
    await writeAtomic(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
    await run("openssl", ["x509", "-req", "-in", csr, "-CA", caCrt, "-CAkey", caKey, "-CAcreateserial", "-days", "397", "-sha256", "-extfile", ext, "-out", crt]);
    await writeAtomic(sanFile, `${san}\n`);
    changed = true;
  }
  return { changed };
}

/** When the server certificate nginx serves expires; undefined when it is missing or unreadable. */
export async function serverCertExpiry(tlsDir: string): Promise<Date | undefined> {
  const pem = await readFile(join(tlsDir, "server.crt")).catch(() => undefined);
  if (!pem) return undefined;
  try {
    return new Date(new X509Certificate(pem).validTo);
  } catch {
    return undefined;
  }
}
