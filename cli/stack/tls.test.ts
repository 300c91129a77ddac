import { X509Certificate } from "node:crypto";
import { copyFile, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, resignShort, testCa } from "../../test/setup/test-ca.js";
import { run } from "../exec.js";
import type { StevieConfig } from "../config/schema.js";
import { ETCD_KEY_SECRET, PATRONI_CLIENT_SECRET, SERVICE_USER } from "./topology.js";
import {
  ACME_CA_FILE,
  checkProvidedTls,
  EDGE_TLS_SUBDIR,
  certificatesDue,
  certificateExpiries,
  certificateHashes,
  ensureEtcdTls,
  ensurePatroniClientTls,
  ensurePostgresTls,
  ensureSelfSignedTls,
  ensureStackCertificates,
  installProvidedTls,
  syncEdgeTls,
} from "./tls.js";

/** A CA, a server certificate it issued for api.example.com (naming an OCSP responder), an unrelated CA and key. */
let dir: string;
const pem = async (name: string) => readFile(join(dir, name), "utf8");
const SCOPE = { domain: "api.example.com", dataSubnet: "10.213.7.0/24" };
/** HAProxy's name and the members' names and fixed addresses (.31, .32, … of the data network), as install passes them. */
const members = (...names: string[]) => ({
  names,
  addresses: names.filter((n) => n.startsWith("postgres-")).map((n) => `10.213.7.${30 + Number(n.split("-")[1])}`),
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevie-tls-"));
  const ssl = (args: string[]) => run("openssl", args, { cwd: dir });
  for (const k of ["ca.key", "other-ca.key", "server.key", "stranger.key"])
    await ssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", k]);
  for (const [k, crt, cn] of [
    ["ca.key", "ca.crt", "Test CA"],
    ["other-ca.key", "other-ca.crt", "Other CA"],
  ]) {
    await ssl([
      "req",
      "-x509",
      "-new",
      "-key",
      k!,
      "-sha256",
      "-days",
      "30",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-out",
      crt!,
    ]);
  }
  await ssl(["req", "-new", "-key", "server.key", "-subj", "/CN=api.example.com", "-out", "server.csr"]);
  await writeFile(
    join(dir, "server.ext"),
    "subjectAltName=DNS:api.example.com\nbasicConstraints=CA:FALSE\nauthorityInfoAccess=OCSP;URI:http://ocsp.example.com\n",
  );
  await ssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "20",
    "-sha256",
    "-extfile",
    "server.ext",
    "-out",
    "server.crt",
  ]);
});

describe("a certificate the operator brings", () => {
  it("is accepted with its chain and key; an OCSP responder in it is seen", async () => {
    const r = checkProvidedTls(
      `${await pem("server.crt")}${await pem("ca.crt")}`,
      await pem("server.key"),
      "api.example.com",
    );
    expect(r.leaf.subject).toContain("api.example.com");
    expect(r.ocsp).toBe(true);
  });

  it("is refused, with the reason, when it does not fit", async () => {
    const chain = `${await pem("server.crt")}${await pem("ca.crt")}`;
    const key = await pem("server.key");
    expect(() => checkProvidedTls(chain, key, "other.example.com")).toThrow(
      /does not cover other\.example\.com \(DNS:api\.example\.com\)/,
    );
    expect(() => checkProvidedTls(chain, key, "api.example.com", new Date(Date.now() + 40 * 86_400_000))).toThrow(
      /expired on/,
    );
    expect(() => checkProvidedTls(chain, key, "api.example.com", new Date(Date.now() - 86_400_000))).toThrow(
      /not valid before/,
    );
    const stranger = await pem("stranger.key");
    const otherChain = `${await pem("server.crt")}${await pem("other-ca.crt")}`;
    expect(() => checkProvidedTls(chain, stranger, "api.example.com")).toThrow(/does not belong to the certificate/);
    expect(() => checkProvidedTls(otherChain, key, "api.example.com")).toThrow(
      /certificate 2 did not issue certificate 1/,
    );
    expect(() => checkProvidedTls("not a certificate", key, "api.example.com")).toThrow(/holds no PEM certificate/);
    expect(() => checkProvidedTls(chain, "not a key", "api.example.com")).toThrow(/no readable private key/);
  });

  it("is copied where nginx reads it (key 0600) once; a missing file is named", async () => {
    const chainFile = join(dir, "chain.pem");
    await writeFile(chainFile, `${await pem("server.crt")}${await pem("ca.crt")}`);
    const tlsDir = join(dir, "stack-tls");
    const files = { certFile: chainFile, keyFile: join(dir, "server.key") };
    const first = await installProvidedTls(tlsDir, files, "api.example.com");
    expect(first.changed).toBe(true);
    expect((await stat(join(tlsDir, "server.key"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(tlsDir, "server.crt"), "utf8")).toBe(await readFile(chainFile, "utf8"));
    expect((await installProvidedTls(tlsDir, files, "api.example.com")).changed).toBe(false);
    await expect(
      installProvidedTls(tlsDir, { ...files, keyFile: join(dir, "nope.key") }, "api.example.com"),
    ).rejects.toThrow(/tls\.keyFile .*nope\.key cannot be read \(ENOENT\)/);
  });
});

describe("PostgreSQL's certificate", () => {
  it("is issued by the local CA for HAProxy's and each member's name, key 0600, and only once", async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), "stevie-pgtls-"));
    expect((await ensurePostgresTls(tlsDir, members("haproxy", "postgres-1", "postgres-2"), SCOPE)).changed).toBe(true);
    const cert = new X509Certificate(await readFile(join(tlsDir, "postgres.crt")));
    const ca = new X509Certificate(await readFile(join(tlsDir, "ca.crt")));
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    for (const name of ["haproxy", "postgres-1", "postgres-2"]) expect(cert.checkHost(name), name).toBe(name);
    expect(cert.checkHost("db.example.com")).toBeUndefined();
    // A replica streams from its leader's fixed address and checks it (verify-full): the addresses are in it too.
    for (const ip of ["10.213.7.31", "10.213.7.32"]) expect(cert.checkIP(ip), ip).toBe(ip);
    expect(cert.checkIP("10.213.7.33")).toBeUndefined();
    expect((await stat(join(tlsDir, "postgres.key"))).mode & 0o777).toBe(0o600);
    expect((await ensurePostgresTls(tlsDir, members("haproxy", "postgres-1", "postgres-2"), SCOPE)).changed).toBe(
      false,
    );
    // A third member: a new certificate that names it.
    expect(
      (await ensurePostgresTls(tlsDir, members("haproxy", "postgres-1", "postgres-2", "postgres-3"), SCOPE)).changed,
    ).toBe(true);
    expect(new X509Certificate(await readFile(join(tlsDir, "postgres.crt"))).checkHost("postgres-3")).toBe(
      "postgres-3",
    );
  });
});

describe("etcd's certificate (issue 25)", () => {
  it("names the members, serves and identifies a peer; its key goes to etcd's user in secrets/, and only once", async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), "stevie-etcdtls-"));
    const secretsDir = await mkdtemp(join(tmpdir(), "stevie-etcdsec-"));
    expect(await ensureEtcdTls(tlsDir, secretsDir, SCOPE)).toBe(true);
    const cert = new X509Certificate(await readFile(join(tlsDir, "etcd.crt")));
    expect(cert.verify(new X509Certificate(await readFile(join(tlsDir, "ca.crt"))).publicKey)).toBe(true);
    for (const name of ["etcd-1", "etcd-2", "etcd-3", "localhost"]) expect(cert.checkHost(name), name).toBe(name);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.subject).toBe("CN=etcd"); // what etcd admits a peer by
    const text = (await run("openssl", ["x509", "-in", join(tlsDir, "etcd.crt"), "-noout", "-text"])).stdout;
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    const copy = join(secretsDir, ETCD_KEY_SECRET);
    expect(await readFile(copy)).toEqual(await readFile(join(tlsDir, "etcd.key")));
    const st = await stat(copy);
    expect([st.mode & 0o777, st.uid, st.gid]).toEqual([0o600, SERVICE_USER.uid, SERVICE_USER.gid]);
    expect(await ensureEtcdTls(tlsDir, secretsDir, SCOPE)).toBe(false);
  });
});

describe("the client certificate for Patroni's REST API (issue 25)", () => {
  it("identifies a client only, from the stack's CA; one PEM with its key for HAProxy's and Prometheus's user", async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), "stevie-patronitls-"));
    const secretsDir = await mkdtemp(join(tmpdir(), "stevie-patronisec-"));
    expect(await ensurePatroniClientTls(tlsDir, secretsDir, SCOPE)).toBe(true);
    const cert = new X509Certificate(await readFile(join(tlsDir, "patroni-client.crt")));
    expect(cert.verify(new X509Certificate(await readFile(join(tlsDir, "ca.crt"))).publicKey)).toBe(true);
    const text = (await run("openssl", ["x509", "-in", join(tlsDir, "patroni-client.crt"), "-noout", "-text"])).stdout;
    expect(text).toMatch(/Extended Key Usage: *\n *TLS Web Client Authentication\n/);
    // The PEM HAProxy's `crt` and Prometheus's cert_file/key_file read: the certificate, then its key, 0600, theirs.
    const pem = join(secretsDir, PATRONI_CLIENT_SECRET);
    expect(await readFile(pem, "utf8")).toBe(
      (await readFile(join(tlsDir, "patroni-client.crt"), "utf8")) +
        (await readFile(join(tlsDir, "patroni-client.key"), "utf8")),
    );
    const st = await stat(pem);
    expect([st.mode & 0o777, st.uid, st.gid]).toEqual([0o600, SERVICE_USER.uid, SERVICE_USER.gid]);
    expect(await ensurePatroniClientTls(tlsDir, secretsDir, SCOPE)).toBe(false);
  });

  it("lets PostgreSQL's certificate identify a member to the others' REST API too", async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), "stevie-pgclient-"));
    await ensurePostgresTls(tlsDir, members("haproxy", "postgres-1"), SCOPE);
    const text = (await run("openssl", ["x509", "-in", join(tlsDir, "postgres.crt"), "-noout", "-text"])).stdout;
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
  });
});

describe("the local CA (issue 25)", () => {
  /**
   * What `openssl verify` says of DIR/CERT for a client that trusts DIR/TRUSTED only; the chain the certificate file
   * carries after its first certificate is offered as untrusted intermediates, as a TLS server sends them.
   */
  const verify = async (dir: string, trusted: string, cert: string) => {
    const file = join(dir, cert);
    const r = await run("openssl", ["verify", "-CAfile", join(dir, trusted), "-untrusted", file, file], {
      reject: false,
    });
    return { code: r.exitCode, text: `${r.stdout}${r.stderr}` };
  };

  it("vouches only for the stack's names: path length 0, name constraints; a certificate for another name fails", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-ca-"));
    await ensureSelfSignedTls(dir, SCOPE);
    const text = (await run("openssl", ["x509", "-in", join(dir, "ca.crt"), "-noout", "-text"])).stdout;
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Permitted:\s+DNS:api\.example\.com\s+DNS:localhost\s+DNS:haproxy\s+DNS:postgres-1/);
    expect(text).toMatch(/DNS:postgres-3\s+DNS:etcd-1\s+DNS:etcd-2\s+DNS:etcd-3\s/);
    expect(text).toMatch(/IP:10\.213\.7\.0\/255\.255\.255\.0/);
    expect(await verify(dir, "ca.crt", "server.crt")).toMatchObject({
      code: 0,
      text: expect.stringMatching(/server\.crt: OK/),
    });
    // Whoever holds the key: a certificate for a name outside the scope is refused by everyone who trusts the CA.
    await issueCertificate({ crt: join(dir, "ca.crt"), key: join(dir, "ca.key") }, dir, "evil", "DNS:bank.example");
    const refused = await verify(dir, "ca.crt", "evil.crt");
    expect(refused.code).not.toBe(0);
    expect(refused.text).toMatch(/permitted subtree violation/);
    // An address outside the data network is another name the CA may not vouch for.
    await issueCertificate({ crt: join(dir, "ca.crt"), key: join(dir, "ca.key") }, dir, "far", "IP:10.213.8.31");
    expect((await verify(dir, "ca.crt", "far.crt")).text).toMatch(/permitted subtree violation/);
  });

  it("moves an earlier CA without constraints to a new one that both old and new clients accept, and deletes the old key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-ca-move-"));
    // A CA as versions before made it: no constraints, no path length, no scope file.
    const earlier = await testCa(dir, "earlier");
    await copyFile(earlier.ca, join(dir, "ca.crt"));
    await copyFile(earlier.key, join(dir, "ca.key"));
    const oldRoot = await readFile(join(dir, "ca.crt"), "utf8");
    const oldKey = await readFile(join(dir, "ca.key"), "utf8");
    await writeFile(join(dir, "old-root.crt"), oldRoot);

    expect((await ensureSelfSignedTls(dir, SCOPE)).changed).toBe(true);
    expect(await readFile(join(dir, "ca.key"), "utf8")).not.toBe(oldKey);
    // tls/ca.crt: the new CA first, the old one after it (clients that download it trust both).
    const bundle = await readFile(join(dir, "ca.crt"), "utf8");
    expect(bundle.endsWith(oldRoot)).toBe(true);
    expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    // The server certificate carries the cross certificate: a client with only the old CA accepts it ...
    expect(await verify(dir, "old-root.crt", "server.crt")).toMatchObject({
      code: 0,
      text: expect.stringMatching(/OK/),
    });
    // ... and so does one with only the new CA.
    await writeFile(join(dir, "new-root.crt"), bundle.slice(0, bundle.length - oldRoot.length));
    expect(await verify(dir, "new-root.crt", "server.crt")).toMatchObject({
      code: 0,
      text: expect.stringMatching(/OK/),
    });
    // PostgreSQL's certificate moves with it; a second run changes nothing.
    await ensurePostgresTls(dir, members("haproxy", "postgres-1"), SCOPE);
    expect(await verify(dir, "old-root.crt", "postgres.crt")).toMatchObject({
      code: 0,
      text: expect.stringMatching(/OK/),
    });
    expect((await ensureSelfSignedTls(dir, SCOPE)).changed).toBe(false);
    expect((await ensurePostgresTls(dir, members("haproxy", "postgres-1"), SCOPE)).changed).toBe(false);
  });
});

describe("what nginx mounts (tls/edge)", () => {
  it("holds copies of what nginx serves and never a CA's or PostgreSQL's key; follows a change; drops what is no longer asked for", async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), "stevie-edgetls-"));
    await ensureSelfSignedTls(tlsDir, SCOPE);
    await ensurePostgresTls(tlsDir, members("haproxy", "postgres-1"), SCOPE);
    await writeFile(join(tlsDir, ACME_CA_FILE), await pem("other-ca.crt"));
    const edge = join(tlsDir, EDGE_TLS_SUBDIR);
    const acme = { tls: { mode: "acme", acme: { caFile: "pebble.pem" } } } as unknown as Pick<StevieConfig, "tls">;
    const selfSigned = { tls: { mode: "self-signed" } } as Pick<StevieConfig, "tls">;

    expect(await syncEdgeTls(tlsDir, acme)).toBe(true);
    expect((await readdir(edge)).sort()).toEqual([ACME_CA_FILE, "ca.crt", "server.crt", "server.key"]);
    expect((await stat(join(edge, "server.key"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(edge, "server.crt"), "utf8")).toBe(await readFile(join(tlsDir, "server.crt"), "utf8"));
    expect(await syncEdgeTls(tlsDir, acme)).toBe(false);

    await writeFile(join(tlsDir, "server.crt"), await pem("server.crt"));
    expect(await syncEdgeTls(tlsDir, selfSigned)).toBe(true);
    expect((await readdir(edge)).sort()).toEqual(["ca.crt", "server.crt", "server.key"]);
    expect(await readFile(join(edge, "server.crt"), "utf8")).toBe(await pem("server.crt"));
  });
});

describe("what a dry run says the certificates need (issue 26)", () => {
  const topo = {
    subnet: SCOPE.dataSubnet,
    postgres: ["postgres-1", "postgres-2"],
    postgresIp: { "postgres-1": "10.213.7.31", "postgres-2": "10.213.7.32" },
    redis: [{ service: "redis-1", ip: "10.213.7.11" }],
    sentinels: [{ service: "sentinel-1", ip: "10.213.7.21" }],
  };
  const config = { domain: SCOPE.domain, tls: { mode: "self-signed" } } as Pick<StevieConfig, "domain" | "tls">;
  const all = ["server", "postgres", "etcd", "redis", "patroni-client"];

  it("names what install would make, writes nothing, and nothing once install made it", async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), "stevie-due-"));
    const secretsDir = await mkdtemp(join(tmpdir(), "stevie-duesec-"));
    expect(await certificatesDue(tlsDir, config, topo)).toEqual(["ca", ...all]);
    expect(await readdir(tlsDir)).toEqual([]);
    await ensureStackCertificates({ tls: tlsDir, secrets: secretsDir }, config, (f) => f, topo);
    expect(await certificatesDue(tlsDir, config, topo)).toEqual([]);
    // A third member: PostgreSQL's certificate names it; another domain: a CA of another scope, so everything.
    const three = {
      ...topo,
      postgres: [...topo.postgres, "postgres-3"],
      postgresIp: { ...topo.postgresIp, "postgres-3": "10.213.7.33" },
    };
    expect(await certificatesDue(tlsDir, config, three)).toEqual(["postgres"]);
    // Another domain: a CA of another scope, and the edge's certificate from it. The service certificates stay: their
    // issuer is still in the bundle every client trusts, and a new one would recreate the containers presenting it.
    const other = { ...config, domain: "other.example.com" };
    expect(await certificatesDue(tlsDir, other, topo)).toEqual(["ca", "server"]);
    const hashes = await certificateHashes(tlsDir);
    const moved = await ensureStackCertificates({ tls: tlsDir, secrets: secretsDir }, other, (f) => f, three);
    expect(moved).toEqual({ edge: true, postgres: true, etcd: false, redis: false, patroniClient: false });
    expect({ ...(await certificateHashes(tlsDir)), postgres: undefined }).toEqual({ ...hashes, postgres: undefined });
    expect(await certificatesDue(tlsDir, other, three)).toEqual([]);
  });

  it("issues a certificate again when fewer than RENEW_DAYS are left of it, and only that one (issue 29)", async () => {
    const tlsDir = await mkdtemp(join(tmpdir(), "stevie-renew-"));
    const secretsDir = await mkdtemp(join(tmpdir(), "stevie-renewsec-"));
    await ensureStackCertificates({ tls: tlsDir, secrets: secretsDir }, config, (f) => f, topo);
    // Redis's certificate, signed again by the same CA with 20 days left: as it would be 377 days after install.
    await resignShort(tlsDir, "redis", 20);
    const before = await certificateExpiries(tlsDir, "self-signed");
    expect(before[0]?.certificate).toBe("redis");
    expect(before.map((c) => c.certificate).sort()).toEqual([...all].sort());
    const hashes = await certificateHashes(tlsDir);
    expect(await certificatesDue(tlsDir, config, topo)).toEqual(["redis"]);
    const made = await ensureStackCertificates({ tls: tlsDir, secrets: secretsDir }, config, (f) => f, topo);
    expect(made).toEqual({ edge: false, postgres: false, etcd: false, redis: true, patroniClient: false });
    const days =
      (Date.parse(new X509Certificate(await readFile(join(tlsDir, "redis.crt"))).validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(396);
    const after = await certificateHashes(tlsDir);
    expect(after.redis).not.toBe(hashes.redis);
    expect({ ...after, redis: undefined }).toEqual({ ...hashes, redis: undefined });
    expect(await certificatesDue(tlsDir, config, topo)).toEqual([]);
  });
});
