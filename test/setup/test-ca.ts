import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../../cli/exec.js";

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/**
 * A CA of the test's own (two days, EC P-256) and server certificates from it, for the stand-ins the stack's
 * containers reach over HTTPS (s3rver, Pebble): the stack trusts them only through the CA file it is given. The CA
 * has no name constraints and no path length, as the stack's own local CA had before issue 25.
 */
export async function testCa(
  dir: string,
  name: string,
): Promise<{
  ca: string;
  key: string;
  issue: (file: string, subjectAltName: string) => Promise<{ crt: string; key: string }>;
}> {
  const ca = join(dir, `${name}-ca.crt`);
  const caKey = join(dir, `${name}-ca.key`);
  await run("openssl", [
    "req",
    "-x509",
    ...EC,
    "-keyout",
    caKey,
    "-out",
    ca,
    "-days",
    "2",
    "-subj",
    `/CN=stevie e2e ${name} CA`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ]);
  return {
    ca,
    key: caKey,
    issue: (file, subjectAltName) => issueCertificate({ crt: ca, key: caKey }, dir, file, subjectAltName),
  };
}

/** A server certificate (two days) for `subjectAltName` signed by any CA's certificate and key: DIR/FILE.crt and .key. */
export async function issueCertificate(
  ca: { crt: string; key: string },
  dir: string,
  file: string,
  subjectAltName: string,
): Promise<{ crt: string; key: string }> {
  const [key, csr, crt, ext] = ["key", "csr", "crt", "ext"].map((x) => join(dir, `${file}.${x}`)) as [
    string,
    string,
    string,
    string,
  ];
  await run("openssl", ["req", ...EC, "-keyout", key, "-out", csr, "-subj", `/CN=${file}`]);
  await writeFile(ext, `subjectAltName=${subjectAltName}\n`);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    ca.crt,
    "-CAkey",
    ca.key,
    "-CAcreateserial",
    "-out",
    crt,
    "-days",
    "2",
    "-extfile",
    ext,
  ]);
  return { crt, key };
}

/** The Docker bridge's gateway: an address of this host that every container with a route out can reach. */
export async function bridgeGateway(): Promise<string> {
  const listed = (
    await run("docker", ["network", "inspect", "bridge", "-f", "{{(index .IPAM.Config 0).Gateway}}"])
  ).stdout.trim();
  // A daemon started without a configured gateway lists none: the bridge interface has it (down while no container
  // is attached, so not in os.networkInterfaces()).
  const own = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(
    (await run("ip", ["-4", "-o", "addr", "show", "docker0"], { reject: false })).stdout,
  )?.[1];
  const gateway = listed && listed !== "<no value>" ? listed : own;
  if (!gateway) throw new Error("no address for Docker's default bridge (docker0)");
  return gateway;
}

/**
 * The stack's certificate tls/NAME.crt signed again by its CA with the same key, valid `days` more: a certificate as it
 * would be shortly before its expiry (the renewal tests). Run as root, as the CLI is.
 */
export async function resignShort(tlsDir: string, name: string, days: number): Promise<void> {
  const ssl = (args: string[]) => run("openssl", args, { cwd: tlsDir });
  const csr = `${name}-short.csr`;
  await ssl(["req", "-new", "-key", `${name}.key`, "-subj", `/CN=${name}`, "-out", csr]);
  await ssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-days",
    String(days),
    "-out",
    `${name}.crt`,
  ]);
  await rm(join(tlsDir, csr), { force: true });
}
