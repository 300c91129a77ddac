import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, inject, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { packageVersion } from "../../cli/package-root.js";
import { imageRef } from "../../cli/stack/services/common.js";
import pg from "pg";
import { runCli } from "../setup/cli.js";
import { listeners, reachedFrom } from "../setup/reachability.js";
import { stackFetch } from "../setup/client.js";
import { TEST_WEB_ORIGIN } from "../setup/stack.js";
import { waitUntil } from "../setup/wait.js";

const stack = inject("stack");
const edgeNetwork = `${stack.project}_edge`;

/** Run a shell snippet in a throwaway container (the nginx image has curl) on a network of our choosing: a client with its own IP. */
async function fromContainer(network: string, script: string): Promise<string> {
  // The script's own deadline: a killed `docker run` client would leave its container running.
  const r = await run(
    "docker",
    [
      "run",
      "--rm",
      "--label",
      `${docker.PROJECT_LABEL}=${stack.project}`,
      "--network",
      network,
      "--entrypoint",
      "timeout",
      imageRef("nginx", packageVersion()),
      "-s",
      "KILL",
      "170",
      "sh",
      "-c",
      script,
    ],
    { reject: false, timeoutMs: 180_000 },
  );
  return `${r.stdout}\n${r.stderr}`;
}

async function handshake(...flags: string[]): Promise<{ ok: boolean; out: string }> {
  const r = await run(
    "openssl",
    ["s_client", "-connect", `127.0.0.1:${stack.httpsPort}`, ...flags, "-cipher", "DEFAULT:@SECLEVEL=0", "-brief"],
    { input: "", reject: false, timeoutMs: 20_000 },
  );
  const out = `${r.stdout}\n${r.stderr}`;
  return { ok: r.exitCode === 0 && /Protocol version: TLSv1\.[23]/.test(out), out };
}

/** 150 requests from one client container, 10 at a time: about 100 answered, the rest refused (429, JSON, Retry-After). */
async function rateLimitedBurst(): Promise<void> {
  // 150 requests from one curl process, 10 at a time, timed: the limit refills 100/min while they run.
  const burst = await fromContainer(
    edgeNetwork,
    [
      "start=$(date +%s%N)",
      "curl -sk --parallel --parallel-max 10 -w '%{http_code}\\n' $(for i in $(seq 150); do printf -- '-o /dev/null https://nginx:8443/api/health/live '; done)",
      'echo "elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))"',
      // The bucket refills one request every 600 ms: of five more sent at once, some are still refused.
      "curl -sk --parallel -D - $(for i in $(seq 5); do printf -- 'https://nginx:8443/api/health/live '; done)",
    ].join("; "),
  );
  const codes = burst.split("\n").filter((l) => /^\d{3}$/.test(l));
  const ok = codes.filter((c) => c === "200").length;
  const limited = codes.filter((c) => c === "429").length;
  const elapsedMs = Number(/elapsed_ms=(\d+)/.exec(burst)?.[1]);
  expect(codes).toHaveLength(150);
  // burst 100 (+1) at once, plus what 100 requests/min refills during the run
  expect(ok).toBeGreaterThanOrEqual(100);
  expect(ok).toBeLessThanOrEqual(101 + Math.ceil((elapsedMs / 60_000) * 100) + 1);
  expect(limited).toBe(150 - ok);
  expect(burst).toMatch(/HTTP\/[\d.]+ 429/);
  expect(burst).toMatch(/[Rr]etry-[Aa]fter: 1/);
  expect(burst).toContain('"data":{"code":"TOO_MANY_REQUESTS","httpStatus":429}');
}

describe("edge (nginx) against real clients", () => {
  it("accepts TLS 1.2 and 1.3 and refuses TLS 1.0 and 1.1", async () => {
    expect((await handshake("-tls1_2")).out).toMatch(/Protocol version: TLSv1\.2/);
    expect((await handshake("-tls1_3")).out).toMatch(/Protocol version: TLSv1\.3/);
    for (const old of ["-tls1", "-tls1_1"]) {
      const h = await handshake(old);
      expect(h.ok, h.out).toBe(false);
      expect(h.out).not.toMatch(/Protocol version: TLSv1(\.1)?\n/);
    }
  });

  it("rate-limits one client IP after ~100 requests with a JSON 429 and Retry-After, while another IP is unaffected", async () => {
    // The second client starts first and stays up, so it holds another address on the edge network (a container
    // started after the burst may be given the address the burst's client just released).
    const other = `stevietest-second-client-${process.pid}`;
    await run("docker", [
      "run",
      "-d",
      "--rm",
      "--name",
      other,
      "--label",
      `${docker.PROJECT_LABEL}=${stack.project}`,
      "--network",
      edgeNetwork,
      "--entrypoint",
      "sleep",
      imageRef("nginx", packageVersion()),
      "300",
    ]);
    try {
      await rateLimitedBurst();
      const second = await run(
        "docker",
        ["exec", other, "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://nginx:8443/api/health/live"],
        { reject: false },
      );
      expect(second.stdout.trim()).toBe("200");
    } finally {
      await run("docker", ["rm", "-f", other], { reject: false });
    }
  });

  it("refuses exploit paths and methods tRPC does not use", async () => {
    const f = stackFetch(stack);
    for (const path of ["/api/.env", "/wp-login.php", "/api/../etc/passwd", "/cgi-bin/test"]) {
      const res = await f(`${stack.baseUrl}${path}`);
      expect([400, 403, 404], path).toContain(res.status);
    }
    expect((await f(`${stack.baseUrl}/api/.git/config`)).status).toBe(403);
    expect((await f(`${stack.baseUrl}/api/health/live`, { method: "DELETE" })).status).toBe(403);
    expect((await f(`${stack.baseUrl}/api/health/live`, { method: "PUT" })).status).toBe(403);
  });

  it("answers /api/health/edge itself, without an API replica", async () => {
    const f = stackFetch(stack);
    const res = await f(`${stack.baseUrl}/api/health/edge`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    // Every answer from the API carries its request id; nginx's own does not.
    expect(res.headers.get("x-request-id")).toBeNull();
    expect((await f(`${stack.baseUrl}/api/health/live`)).headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("answers no internal port from the host or from inside nginx, unless it asks for a password (issue 25)", async () => {
    const all = await listeners(stack.project);
    const services = new Set(all.map((l) => l.service));
    for (const s of ["nginx", "api", "haproxy", "postgres-1", "redis-1", "sentinel-1", "etcd-1", "prometheus"])
      expect(services, s).toContain(s);
    expect(all.length).toBeGreaterThanOrEqual(30);
    const nginx = all.find((l) => l.service === "nginx")!;
    // What may answer: the public ports (nginx's, and the API's that nginx forwards to), and PostgreSQL, which
    // refuses a login without its password (below). The answer's first line says which service it was.
    const open = (from: string, reached: Awaited<ReturnType<typeof reachedFrom>>) =>
      reached
        .filter(({ listener: l }) => !(l.service === "nginx" && [8080, 8443].includes(l.port)))
        .filter(({ listener: l }) => !(l.service === "api" && l.port === 3000))
        .filter(({ listener: l }) => !(l.service.startsWith("postgres-") && l.port === 5432))
        .map(({ listener: l, answer }) => `${from} -> ${l.service} ${l.address}:${l.port} (${answer.first})`);
    const fromHost = await reachedFrom(all);
    const fromNginx = await reachedFrom(all, nginx.pid);
    expect([...open("host", fromHost), ...open("nginx", fromNginx)]).toEqual([]);
    // The public ports do answer (the probe is not blind): nginx's from both places, the API's from nginx.
    expect(fromNginx.some(({ listener: l }) => l.service === "api" && l.port === 3000)).toBe(true);
    expect(fromHost.some(({ listener: l }) => l.service === "nginx" && l.port === 8443)).toBe(true);
    // A member that the host reaches (its egress address, the way to the S3 repository) refuses a login without
    // the password.
    for (const { listener: l } of fromHost.filter(({ listener: l }) => l.port === 5432)) {
      const client = new pg.Client({ host: l.address, port: 5432, user: "postgres", database: "postgres" });
      client.on("error", () => undefined);
      const refusal = await client.connect().then(
        () => "connected",
        (err: Error) => err.message,
      );
      await client.end().catch(() => undefined);
      expect(refusal, `${l.service} ${l.address}`).toMatch(/password|pg_hba|SSL/i);
    }
    // The API's metrics: for Prometheus on the data network only; nginx's network gets the 404 of a missing path.
    const api = fromNginx.find(({ listener: l }) => l.service === "api")!.listener;
    const metrics = await run("nsenter", [
      "-t",
      String(nginx.pid),
      "-n",
      "curl",
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `http://${api.address}:3000/metrics`,
    ]);
    expect(metrics.stdout).toBe("404");
  });

  it("makes etcd ask who reads: nobody anonymous, the health account nothing, Patroni's its namespace only (issue 25)", async () => {
    const etcd = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).find(
      (c) => c.service === "etcd-1",
    )!;
    const ctl = async (user: string, args: string) => {
      const r = await run(
        "docker",
        ["exec", "-u", "0", etcd.id, "sh", "-c", `ETCDCTL_USER="${user}" etcdctl --command-timeout=5s ${args}`],
        { reject: false },
      );
      return `${r.stdout}${r.stderr}`;
    };
    expect(await ctl("", "get --prefix --keys-only /stevie-stack/")).toMatch(/user name is empty/);
    expect(await ctl("health:health", "get --prefix --keys-only /")).toMatch(/permission denied/);
    expect(await ctl("patroni:wrong", "get --prefix --keys-only /stevie-stack/")).toMatch(/authentication failed/);
    const patroni = "patroni:$(cat /run/secrets/etcd_patroni_password)";
    expect(await ctl(patroni, "get --prefix --keys-only /stevie-stack/")).toMatch(/^\/stevie-stack\/\S+\/leader$/m);
    expect(await ctl(patroni, "put /elsewhere x")).toMatch(/permission denied/);
    expect(await ctl(patroni, "auth disable")).toMatch(/permission denied/);
  });

  it("has etcd speak TLS only, to clients and between members: no plaintext, no peer without etcd's certificate (issue 25)", async () => {
    const member = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).find(
      (c) => c.service === "postgres-1",
    )!;
    // From a Patroni member, which is on etcd's network: curl's exit code, what it printed.
    const curl = async (...args: string[]) => {
      const r = await run("docker", ["exec", "-u", "postgres", member.id, "curl", "-sS", "-m", "5", ...args], {
        reject: false,
      });
      return `${r.exitCode} ${r.stdout}${r.stderr}`;
    };
    const ca = ["--cacert", "/run/secrets/stack_ca"];
    // Clients: plaintext gets nothing; over TLS the certificate checks out against the stack's CA and the name.
    expect(await curl("http://etcd-1:2379/version")).toMatch(/^52 /);
    expect(await curl(...ca, "https://etcd-1:2379/version")).toMatch(/^0 \{"etcdserver":"3\.5/);
    // Peers: no certificate, or one from the same CA for another name and use (PostgreSQL's): the handshake fails.
    expect(await curl(...ca, "https://etcd-2:2380/members")).toMatch(/^(35|56) /);
    const pgCert = ["--cert", "/run/patroni/server.crt", "--key", "/run/patroni/server.key"];
    expect(await curl(...ca, ...pgCert, "https://etcd-2:2380/members")).toMatch(/^(35|56) /);
    // What Patroni uses: https, the CA, its account.
    const conf = await run("docker", ["exec", "-u", "postgres", member.id, "cat", "/run/patroni/patroni.yml"]);
    expect(conf.stdout).toMatch(
      /etcd3:\n {2}hosts: \[etcd-1:2379, etcd-2:2379, etcd-3:2379\]\n {2}protocol: https\n {2}cacert: /,
    );
  });

  it(
    "moves to a new local CA with no request refused: clients of the old CA and of the new one both connect (issue 25)",
    { timeout: 300_000 },
    async () => {
      const tls = join(stack.dir, "tls");
      const firstCert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/;
      // The CA in use first, then any it replaced before (a stack that moved already).
      const oldBundle = await readFile(join(tls, "ca.crt"), "utf8");
      const oldRoot = firstCert.exec(oldBundle)![0];
      const oldKey = await readFile(join(tls, "ca.key"), "utf8");
      // As a CA that an earlier version made: its scope is not on record, so install makes a new one.
      await rm(join(tls, "ca.scope"));
      // A client that trusts only the old CA calls the API (through nginx, and it to PostgreSQL) during the move, once a
      // second: under this address's steady rate (100 a minute), however long the move takes (etcd is recreated in it),
      // once the earlier tests' burst has drained (waited for first).
      const old = stackFetch(stack);
      const ready = () =>
        old(`${stack.baseUrl}/api/health/ready`).then(
          (r) => r.status,
          () => 0,
        );
      await waitUntil("the rate limit to let this address through again", 60_000, async () =>
        (await ready()) === 200 ? true : undefined,
      );
      const answers: number[] = [];
      let moving = true;
      const load = (async () => {
        while (moving) {
          answers.push(await ready());
          await new Promise((r) => setTimeout(r, 1_000));
        }
      })();
      const r = await runCli(["install", "--non-interactive", "--dir", stack.dir], { timeoutMs: 300_000 });
      await new Promise((r) => setTimeout(r, 2_000));
      moving = false;
      await load;
      expect(r.code, r.stderr).toBe(0);
      expect(answers.length).toBeGreaterThan(10);
      expect(answers.filter((s) => s !== 200)).toEqual([]);
      expect(await readFile(join(tls, "ca.key"), "utf8")).not.toBe(oldKey);
      const bundle = await readFile(join(tls, "ca.crt"), "utf8");
      expect(bundle.endsWith(oldBundle)).toBe(true);
      const newRoot = bundle.slice(0, bundle.length - oldBundle.length);
      expect(new X509Certificate(newRoot).toString()).not.toBe(new X509Certificate(oldRoot).toString());
      // nginx serves the new certificate with the way back to the old CA: each kind of client connects afresh.
      for (const [who, ca] of [
        ["new CA only", newRoot],
        ["old CA only", oldRoot],
      ] as const) {
        const res = await undiciFetch(`${stack.baseUrl}/api/health/ready`, {
          dispatcher: new Agent({ connect: { ca } }),
        });
        expect(res.status, who).toBe(200);
      }
      // etcd's members check each other's certificate in Go, which does not follow the new CA's cross certificate under
      // the previous CA's path length 0: the move recreated all three with the new CA, so one restarted alone (a crash,
      // a `docker restart`) is taken back by the others.
      const etcd = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter((c) =>
        c.service.startsWith("etcd-"),
      );
      await run("docker", ["restart", etcd.find((c) => c.service === "etcd-2")!.id]);
      await waitUntil("all three etcd members healthy to each other after etcd-2 restarted", 60_000, async () => {
        const r = await run(
          "docker",
          [
            "exec",
            etcd.find((c) => c.service === "etcd-1")!.id,
            "etcdctl",
            "--user=health:health",
            "endpoint",
            "health",
            "--cluster",
          ],
          { reject: false },
        );
        return (r.stdout.match(/is healthy/g) ?? []).length === 3 ? true : undefined;
      });
    },
  );

  it("keeps etcd on its own network: the API containers cannot reach it", async () => {
    const all = await listeners(stack.project);
    const etcd = all.filter((l) => l.service.startsWith("etcd-"));
    expect(etcd.length).toBeGreaterThanOrEqual(6); // client and peer port of each member
    const api = all.find((l) => l.service === "api")!;
    expect(await reachedFrom(etcd, api.pid)).toEqual([]);
  });
});

describe("edge limits a client cannot get around (issue 22)", () => {
  it("counts a batch that calls a chat procedure behind another against the chat limit, however it is spelled", async () => {
    // 30 POSTs of `session.start,chat.start` at once from one client, in three spellings that tRPC runs alike (an
    // escaped comma and dot; a slash it keeps in the first name): the chat zone lets its burst (10) and a little
    // refill through and refuses the rest, where the general zone (burst 100) would have let all 30 pass.
    const spellings = ["session.start,chat.start", "session.start%2Cchat%2Estart", "session.start%2F,chat.start"];
    const urls = Array.from(
      { length: 30 },
      (_, i) => `-o /dev/null 'https://nginx:8443/api/trpc/${spellings[i % 3]}?batch=1'`,
    );
    const out = await fromContainer(
      edgeNetwork,
      `curl -sk --parallel --parallel-max 30 -X POST -H content-type:application/json -d '{"0":{},"1":{}}' -w '%{http_code} %header{retry-after} %{url}\\n' ${urls.join(" ")}`,
    );
    const answers = [...out.matchAll(/^(\d{3}) (\S*) https:\/\/nginx:8443\/api\/trpc\/(\S+)\?batch=1$/gm)].map(
      ([, code = "", retryAfter = "", path = ""]) => ({ code, retryAfter, path }),
    );
    expect(answers, out).toHaveLength(30);
    const limited = answers.filter((a) => a.code === "429");
    expect(limited.length, out).toBeGreaterThanOrEqual(15);
    // Refused by the chat zone (Retry-After 3 s at 20/min; the general zone says 1), in every spelling.
    expect(new Set(limited.map((a) => a.retryAfter)), out).toEqual(new Set(["3"]));
    for (const spelling of spellings)
      expect(
        limited.some((a) => a.path === spelling),
        spelling,
      ).toBe(true);
    // tRPC answers a batch 207 (a status per call): the burst itself reached the API.
    expect(answers.filter((a) => a.code.startsWith("2")).length, out).toBeGreaterThan(0);
  });

  it("holds at most edge.maxConnectionsPerIp requests of one client at once", { timeout: 300_000 }, async () => {
    // 100 requests whose bodies trickle in (a chunk every 6 s, inside nginx's 10-s body timeout) stay open about
    // 20 s; once all are sent, five more from the same client are refused by the connection limit, one let in after.
    // Docker may give this client an address an earlier test used up at the rate limit: then it waits a minute for
    // the bucket to refill and tries once more (hence 300 s: up to two rounds and the minute between them, on a busy host).
    const script = [
      `hold() { (sleep 2; printf '{'; sleep 6; printf '"description":'; sleep 6; printf '"x"'; sleep 6; printf '}') | curl -sk --http1.1 -X POST -T - -H content-type:application/json -o /dev/null -w 'slow %{http_code}\\n' https://nginx:8443/api/trpc/recommend; }`,
      // All 100 open at once (at most 20 s: on a host so busy that the first finish before the last start, the
      // extra requests below are let in and the test says so, rather than waiting for ever).
      "holders() { : > /tmp/slow; for i in $(seq 100); do hold >> /tmp/slow & done; n=0; while [ $(grep -lx curl /proc/[0-9]*/comm 2>/dev/null | wc -l) -lt 100 ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n+1)); done; sleep 3; }",
      "holders",
      "if grep -q 'slow 429' /tmp/slow; then wait; echo retried; sleep 60; holders; fi",
      "for i in $(seq 5); do curl -sk --http1.1 -o /dev/null -w 'extra %{http_code}\\n' https://nginx:8443/api/health/live; done",
      "wait",
      "cat /tmp/slow",
      "curl -sk --http1.1 -o /dev/null -w 'after %{http_code}\\n' https://nginx:8443/api/health/live",
    ].join("\n");
    const out = await fromContainer(edgeNetwork, script);
    const lines = (prefix: string) => [...out.matchAll(new RegExp(`^${prefix} (\\d{3})$`, "gm"))].map((m) => m[1]);
    expect(lines("slow"), out).toHaveLength(100);
    expect(
      lines("slow").filter((c) => c === "429"),
      out,
    ).toEqual([]);
    expect(lines("extra"), out).toEqual(["429", "429", "429", "429", "429"]);
    expect(lines("after"), out).toEqual(["200"]);
  });

  it("redirects HTTP only to its own names: a foreign Host goes to the configured domain", async () => {
    const http = (path: string, host: string) =>
      run("curl", [
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{redirect_url}",
        "-H",
        `Host: ${host}`,
        `http://127.0.0.1:${stack.httpPort}${path}`,
      ]);
    expect((await http("/api/health/live?x=1", "evil.example")).stdout).toBe(
      `301 https://localhost:${stack.httpsPort}/api/health/live?x=1`,
    );
    expect((await http("/api/health/live", "127.0.0.1")).stdout).toBe(
      `301 https://127.0.0.1:${stack.httpsPort}/api/health/live`,
    );
    // What plain HTTP serves itself is served whatever the Host (a client fetches the CA before it can trust a name).
    expect((await http("/ca.crt", "evil.example")).stdout).toBe("200 ");
  });

  it("refuses TLS for a name it does not serve, answers a foreign Host with 421, and keeps IP and its own names working", async () => {
    const evil = await handshake("-servername", "evil.example");
    expect(evil.ok, evil.out).toBe(false);
    expect(evil.out).toMatch(/unrecognized name/i); // ssl_reject_handshake's alert: nothing is served under that name
    for (const ours of [["-servername", "localhost"], ["-servername", "nginx"], ["-noservername"]]) {
      const h = await handshake(...ours);
      expect(h.ok, `${ours.join(" ")}\n${h.out}`).toBe(true);
    }
    const ca = ["--cacert", stack.caFile];
    for (const sni of [[], ["--resolve", `localhost:${stack.httpsPort}:127.0.0.1`]]) {
      const base = sni.length ? `https://localhost:${stack.httpsPort}` : stack.baseUrl;
      const host = await run("curl", [
        "-s",
        ...ca,
        ...sni,
        "-D",
        "-",
        "-H",
        "Host: evil.example",
        `${base}/api/health/live`,
      ]);
      expect(host.stdout, base).toMatch(/^HTTP\/[\d.]+ 421/);
      expect(host.stdout).toContain('"data":{"code":"MISDIRECTED_REQUEST","httpStatus":421}');
      for (const h of ["strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy"])
        expect(host.stdout.toLowerCase(), `421 ${h}`).toContain(`${h}: `);
      expect(
        (await run("curl", ["-s", ...ca, ...sni, "-o", "/dev/null", "-w", "%{http_code}", `${base}/api/health/live`]))
          .stdout,
        base,
      ).toBe("200");
    }
  });

  it("sends the security headers with nginx's own refusals (429, 413, 403)", async () => {
    const f = stackFetch(stack);
    const answers = [
      await f(`${stack.baseUrl}/api/trpc/recommend`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(2 * 1024 * 1024),
      }),
      await f(`${stack.baseUrl}/wp-login.php`),
    ];
    expect(answers.map((r) => r.status)).toEqual([413, 403]);
    const limited = await fromContainer(
      edgeNetwork,
      `curl -sk --parallel --parallel-max 20 -D - $(for i in $(seq 130); do printf -- '-o /dev/null https://nginx:8443/api/health/live '; done) | tr -d '\\r'`,
    );
    const refusal = limited.split("\n\n").find((h) => /^HTTP\/\S+ 429/m.test(h)) ?? "";
    expect(refusal, limited.slice(0, 2000)).toMatch(/retry-after: /i);
    for (const h of ["strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy"]) {
      for (const r of answers) expect(r.headers.get(h), `${r.status} ${h}`).not.toBeNull();
      expect(refusal.toLowerCase(), `429 ${h}`).toContain(`${h}: `);
    }
  });
});

describe("browser pages on another origin (CORS, issue 24)", () => {
  // The suite's stack lists one origin in api.corsOrigins (see writeTestConfig).
  const page = TEST_WEB_ORIGIN;
  const f = stackFetch(stack);
  const preflight = (path: string, origin: string) =>
    f(`${stack.baseUrl}${path}`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });

  it("answers a preflight itself: 204 with what the tRPC client may send for a listed origin, no Allow-Origin for another", async () => {
    for (const path of ["/api/trpc/recommend?batch=1", "/api/trpc/session.start,chat.start?batch=1"]) {
      const r = await preflight(path, page);
      expect(r.status, path).toBe(204);
      expect(r.headers.get("access-control-allow-origin"), path).toBe(page);
      expect(r.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
      expect(r.headers.get("access-control-allow-headers")).toBe("content-type, trpc-accept, last-event-id");
      expect(r.headers.get("access-control-max-age")).toBe("600");
      expect(r.headers.get("vary")).toBe("Origin");
      expect(r.headers.get("access-control-allow-credentials")).toBeNull();
      expect(r.headers.get("strict-transport-security")).toBe("max-age=31536000");
      // nginx's own answer: the API never saw it.
      expect(r.headers.get("x-request-id")).toBeNull();
    }
    for (const other of ["https://evil.example", "http://127.0.0.1:5998", "null"]) {
      const r = await preflight("/api/trpc/recommend?batch=1", other);
      expect(r.status, other).toBe(204);
      expect(r.headers.get("access-control-allow-origin"), other).toBeNull();
    }
  });

  it("names the listed origin, once, on the API's answers, a chat stream's included; never another origin", async () => {
    const body = JSON.stringify({
      0: { description: "A 40-person software startup in Austin whose platform books clinic patients online", topK: 3 },
    });
    const post = (origin: string) =>
      f(`${stack.baseUrl}/api/trpc/recommend?batch=1`, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body,
      });
    const r = await post(page);
    expect(r.status).toBe(200);
    // Headers.get joins repeated headers with ", ": exactly the origin means one header.
    expect(r.headers.get("access-control-allow-origin")).toBe(page);
    expect(r.headers.get("access-control-expose-headers")).toBe("retry-after, x-request-id");
    expect(r.headers.get("vary")).toMatch(/\bOrigin\b/);
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    await r.arrayBuffer();
    const other = await post("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    await other.arrayBuffer();
    // The chat location (SSE): an EventSource's GET, here for a session that does not exist (its error is in the stream).
    const input = encodeURIComponent(
      JSON.stringify({ sessionId: "00000000-0000-4000-8000-000000000000", message: "hello" }),
    );
    const stream = await f(`${stack.baseUrl}/api/trpc/chat.send?input=${input}`, {
      headers: { origin: page, accept: "text/event-stream" },
      signal: AbortSignal.timeout(20_000),
    });
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.headers.get("access-control-allow-origin")).toBe(page);
    await stream.body?.cancel();
  });

  it("names it on nginx's own refusals too (413, 429), so a page's script sees them rather than a network error", async () => {
    const tooLarge = await f(`${stack.baseUrl}/api/trpc/recommend`, {
      method: "POST",
      headers: { origin: page, "content-type": "application/json" },
      body: "x".repeat(2 * 1024 * 1024),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get("access-control-allow-origin")).toBe(page);
    // A client of its own (the chat zone lets a burst of 10 through): 15 calls at once, some refused.
    const out = await fromContainer(
      edgeNetwork,
      `curl -sk --parallel --parallel-max 15 -D - -H 'Origin: ${page}' $(for i in $(seq 15); do printf -- '-o /dev/null https://nginx:8443/api/trpc/chat.history '; done) | tr -d '\\r'`,
    );
    const refusal = out.split("\n\n").find((h) => /^HTTP\/\S+ 429/m.test(h)) ?? "";
    expect(refusal, out.slice(0, 2000)).toMatch(/^access-control-allow-origin: http:\/\/127\.0\.0\.1:5999$/im);
    expect(refusal.match(/^access-control-allow-origin:/gim)).toHaveLength(1);
    expect(refusal).toMatch(/^retry-after: \d+$/im);
  });
});

describe("a certificate the operator brings (tls.mode files)", () => {
  /** The certificate nginx presents, checked against `ca`: its fingerprint, or why the handshake failed. */
  const presented = (ca: string) =>
    new Promise<string>((done) => {
      const s = tlsConnect({ host: "127.0.0.1", port: stack.httpsPort, servername: "localhost", ca }, () => {
        done(s.getPeerX509Certificate()?.fingerprint256 ?? "none");
        s.end();
      });
      s.on("error", (e) => done(`refused: ${e.message}`));
    });

  it(
    "is checked, served after `config set`, and the local CA's certificate comes back with self-signed",
    { timeout: 600_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "stevie-byo-"));
      const ssl = (args: string[]) => run("openssl", args, { cwd: dir });
      await ssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"]);
      await ssl([
        "req",
        "-x509",
        "-new",
        "-key",
        "ca.key",
        "-days",
        "30",
        "-subj",
        "/CN=Operator CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
        "-out",
        "ca.crt",
      ]);
      await ssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key"]);
      await ssl(["req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr"]);
      await writeFile(
        join(dir, "ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
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
        "-extfile",
        "ext",
        "-out",
        "server.crt",
      ]);
      await writeFile(
        join(dir, "chain.pem"),
        `${await readFile(join(dir, "server.crt"), "utf8")}${await readFile(join(dir, "ca.crt"), "utf8")}`,
      );
      const operatorCa = await readFile(join(dir, "ca.crt"), "utf8");
      const stackCa = await readFile(stack.caFile, "utf8");
      const config = join(stack.dir, "stevie.yaml");
      const before = await readFile(config, "utf8");

      // A key that is not the certificate's: refused before nginx sees it, stevie.yaml as it was, still served.
      const wrong = await runCli(
        [
          "config",
          "set",
          "tls.mode",
          "files",
          "tls.certFile",
          join(dir, "chain.pem"),
          "tls.keyFile",
          join(dir, "ca.key"),
          "--dir",
          stack.dir,
        ],
        { timeoutMs: 600_000 },
      );
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/the key in tls\.keyFile does not belong to the certificate/);
      expect(await readFile(config, "utf8")).toBe(before);
      expect(await presented(stackCa)).not.toMatch(/^refused/);

      const set = await runCli(
        [
          "config",
          "set",
          "tls.mode",
          "files",
          "tls.certFile",
          join(dir, "chain.pem"),
          "tls.keyFile",
          join(dir, "server.key"),
          "--dir",
          stack.dir,
        ],
        { timeoutMs: 600_000 },
      );
      expect(set.code, set.stderr).toBe(0);
      const fingerprint = new X509Certificate(await readFile(join(dir, "server.crt"))).fingerprint256;
      expect(await presented(operatorCa)).toBe(fingerprint);
      expect(await presented(stackCa)).toMatch(/^refused/);
      expect(await readFile(join(stack.dir, "nginx", "nginx.conf"), "utf8")).toContain("ssl_stapling on;");

      const back = await runCli(["config", "set", "tls.mode", "self-signed", "--dir", stack.dir], {
        timeoutMs: 600_000,
      });
      expect(back.code, back.stderr).toBe(0);
      expect(await presented(stackCa)).not.toMatch(/^refused/);
      expect(await presented(operatorCa)).toMatch(/^refused/);
      const health = await stackFetch(stack)(`${stack.baseUrl}/api/health/live`);
      expect(health.status).toBe(200);
    },
  );
});
