import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../setup/cli.js";
import { testCa } from "../setup/test-ca.js";

/**
 * The PostgreSQL image's leader watch (compose/images/postgres/leader-watch.py) against a stand-in for etcd's JSON
 * gateway, over TLS as etcd speaks: how it ends a term (Patroni's account, then the lease under the leader key, only if
 * the key still names that leader), that it checks etcd's certificate, and what counts as an answer. The failover e2e and `npm run test:chaos` crash, freeze and cut a real
 * leader.
 */
const execFileP = promisify(execFile);
const script = join(repoRoot, "compose", "images", "postgres", "leader-watch.py");
const b64 = (s: string) => Buffer.from(s).toString("base64");

/** Python that loads the script as a module (PyYAML stubbed if the host lacks it) and prints what `code` returns. */
const driver = (code: string) => `
import importlib.util, json, sys, types
try:
    import yaml
except ImportError:
    sys.modules["yaml"] = types.ModuleType("yaml")
spec = importlib.util.spec_from_file_location("watch", ${JSON.stringify(script)})
watch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(watch)
print(json.dumps(${code}))
`;
const python = async (code: string) => JSON.parse((await execFileP("python3", ["-c", driver(code)])).stdout) as unknown;
const hasPython = await execFileP("python3", ["--version"]).then(
  () => true,
  () => false,
);

let etcd: Server;
let port = 0;
/** A stand-in for the member's own REST API: TLS, a client certificate from the stack's CA required. */
let api: Server;
let apiPort = 0;
/** A member's certificate and key, from the stack's CA. */
let member = { crt: "", key: "" };
let dir = "";
/** The CA that issued the stand-in's certificate, and one that did not. */
let ca = "";
let otherCa = "";
let leaderName = "postgres-1";
const calls: { path: string; body: Record<string, unknown>; token?: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "leader-watch-"));
  const own = await testCa(dir, "etcd");
  const server = await own.issue("etcd", "IP:127.0.0.1");
  ca = own.ca;
  otherCa = (await testCa(dir, "other")).ca;
  const tls = { cert: await readFile(server.crt), key: await readFile(server.key) };
  etcd = createServer(tls, (req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const body = JSON.parse(text || "{}") as Record<string, unknown>;
      calls.push({
        path: req.url ?? "",
        body,
        ...(req.headers.authorization ? { token: req.headers.authorization } : {}),
      });
      res.setHeader("content-type", "application/json");
      if (req.url === "/v3/auth/authenticate")
        return res.end(JSON.stringify(body.password === "s3cret" ? { token: "tok.1" } : { code: 3, message: "no" }));
      if (req.url === "/v3/kv/range")
        return res.end(
          JSON.stringify({ kvs: [{ key: body.key, value: b64(leaderName), lease: "7694578406726154673" }] }),
        );
      if (req.url === "/v3/lease/revoke") return res.end("{}");
      res.statusCode = 404;
      res.end("{}");
    });
  });
  await new Promise<void>((r) => etcd.listen(0, "127.0.0.1", r));
  port = (etcd.address() as AddressInfo).port;
  member = await own.issue("member", "IP:127.0.0.1");
  api = createServer({ ...tls, ca: await readFile(ca), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url !== "/cluster") return res.writeHead(404).end("{}");
    const members = [
      { name: "postgres-1", role: "leader", host: "10.0.0.31", api_url: "https://10.0.0.31:8008/patroni" },
      { name: "postgres-2", role: "sync_standby", host: "10.0.0.32", api_url: "https://10.0.0.32:8008/patroni" },
    ];
    res.end(JSON.stringify({ members }));
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiPort = (api.address() as AddressInfo).port;
});
afterAll(async () => {
  etcd?.close();
  api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Patroni's config as patroni-config.sh writes it, with the CA file the watch checks etcd's certificate against. */
const config = (cacert = ca) =>
  JSON.stringify({
    scope: "stevie",
    namespace: "/stevie-stack/",
    etcd3: { hosts: [`127.0.0.1:${port}`], protocol: "https", cacert, username: "patroni", password: "s3cret" },
  });

describe.skipIf(!hasPython)("the leader watch beside Patroni", () => {
  it("ends a crashed leader's term by revoking the lease under its key, logged in as Patroni", async () => {
    calls.length = 0;
    leaderName = "postgres-1";
    expect(await python(`watch.end_term(json.loads(${JSON.stringify(config())}), "postgres-1")`)).toBe(
      "7694578406726154673",
    );
    const paths = calls.map((c) => c.path);
    expect(paths.filter((p) => p !== "/v3/auth/authenticate")).toEqual(["/v3/kv/range", "/v3/lease/revoke"]);
    const range = calls.find((c) => c.path === "/v3/kv/range")!;
    expect(range.body.key).toBe(b64("/stevie-stack/stevie/leader"));
    expect(range.token).toBe("tok.1");
    const revoke = calls.find((c) => c.path === "/v3/lease/revoke")!;
    expect(revoke.body.ID).toBe("7694578406726154673");
    expect(revoke.token).toBe("tok.1");
  });

  it("leaves the key alone once another member holds it (a new term began meanwhile)", async () => {
    calls.length = 0;
    leaderName = "postgres-2";
    expect(await python(`watch.end_term(json.loads(${JSON.stringify(config())}), "postgres-1")`)).toBeNull();
    expect(calls.map((c) => c.path)).not.toContain("/v3/lease/revoke");
  });

  it("talks to no etcd whose certificate the stack's CA did not issue", async () => {
    calls.length = 0;
    leaderName = "postgres-1";
    await expect(
      python(`watch.end_term(json.loads(${JSON.stringify(config(otherCa))}), "postgres-1")`),
    ).rejects.toThrow(/no etcd member answered \/kv\/range: URLError/);
    expect(calls).toEqual([]);
  });

  it("asks its own member's REST API who leads with the member's certificate, and trusts only the stack's CA", async () => {
    const leaderOf = (ctl: Record<string, string>) =>
      python(`(setattr(watch, "API_PORT", ${apiPort}), watch.leader_of(${JSON.stringify({ ctl })}, "127.0.0.1"))[1]`);
    const ctl = { certfile: member.crt, keyfile: member.key, cacert: ca };
    expect(await leaderOf(ctl)).toEqual(["postgres-1", "10.0.0.31", 8008]);
    // Patroni's API answers no caller without a certificate (the handshake fails), nor does the watch talk to an API
    // whose certificate another CA issued.
    await expect(
      python(
        `watch.get_json("https://127.0.0.1:${apiPort}/cluster", context=__import__("ssl").create_default_context(cafile=${JSON.stringify(ca)}))`,
      ),
    ).rejects.toThrow(/CERTIFICATE_REQUIRED|alert|reset|EOF/i);
    await expect(leaderOf({ ...ctl, cacert: otherCa })).rejects.toThrow(/CERTIFICATE_VERIFY_FAILED/);
  });

  it("counts a completed or a refused handshake as a live kernel at the address", async () => {
    // etcd's stand-in listens (a completed handshake); port 1 on loopback refuses: neither is silence.
    expect(await python(`watch.silent("127.0.0.1", (${port},))`)).toBe(false);
    expect(await python(`watch.silent("127.0.0.1", (1,))`)).toBe(false);
    expect(await python(`[watch.own_address_present("127.0.0.1"), watch.own_address_present("192.0.2.77")]`)).toEqual([
      true,
      false,
    ]);
  });
});
