import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../server/api.js";
import { describe, expect, it } from "vitest";
import { renderApiUpstream, renderNginxConf, upstreamAddresses, type EdgeOptions } from "./render.js";
import { TEST_EDGE_OPTIONS } from "../test/setup/edge-options.js";

const base: EdgeOptions = TEST_EDGE_OPTIONS;
const conf = renderNginxConf(base);

/** The value an nginx `map` gives its variable for this input: an exact key, else the first matching `~regex`, else the default. */
function mapValue(text: string, variable: string, input: string): string {
  const body = new RegExp(`map \\S+ \\${variable} \\{([^}]*)\\}`).exec(text)![1]!;
  const entries = [...body.matchAll(/^\s*(\S+) (\S+);$/gm)].map((m) => [m[1]!, m[2]!] as const);
  const exact = entries.find(([k]) => k === input);
  const pattern = entries.find(([k]) => k.startsWith("~") && new RegExp(k.slice(1)).test(input));
  return (exact ?? pattern ?? entries.find(([k]) => k === "default")!)[1];
}

/** The top-level server blocks whose text contains `marker`, in the file's order. */
function servers(text: string, marker: string): string[] {
  return text
    .split(/\n {4}server \{/)
    .slice(1)
    .filter((b) => b.includes(marker));
}

describe("nginx.conf", () => {
  it("allows only TLS 1.2 and 1.3 and sends HSTS", () => {
    expect(conf).toMatch(/ssl_protocols TLSv1\.2 TLSv1\.3;/);
    expect(conf).toContain('add_header Strict-Transport-Security "max-age=31536000" always;');
  });

  it("staples OCSP answers only for a certificate brought by the operator (the local CA has no responder)", () => {
    expect(conf).not.toContain("ssl_stapling");
    const c = renderNginxConf({ ...base, ocspStapling: true });
    expect(c).toContain("ssl_stapling on;");
    expect(c).toContain("ssl_stapling_verify on;");
    expect(c).toContain("ssl_trusted_certificate /etc/stevie/tls/server.crt;");
    expect(c).toMatch(/resolver 127\.0\.0\.11 /);
  });

  it("redirects HTTP to HTTPS on the published port, except ACME challenges, never to a host it does not serve", () => {
    expect(conf).toContain("return 301 https://$stevie_https_host:8443$request_uri;");
    expect(conf).toContain("location /.well-known/acme-challenge/");
    expect(renderNginxConf({ ...base, httpsPort: 443 })).toContain(
      "return 301 https://$stevie_https_host$request_uri;",
    );
    // A Host the stack serves is kept (the suite's own redirect test goes to 127.0.0.1); any other becomes the domain.
    const https = (host: string) => mapValue(conf, "$stevie_https_host", host).replace("$host", host);
    for (const kept of ["api.example.com", "localhost", "nginx", "127.0.0.1", "203.0.113.5", "[::1]"])
      expect(https(kept), kept).toBe(kept);
    for (const foreign of ["evil.example", "api.example.com.evil.example", "2130706433", "[::1].evil"])
      expect(https(foreign), foreign).toBe("api.example.com");
  });

  it("serves HTTPS under its own names and IP addresses only: other SNI refused at the handshake, other Host 421", () => {
    const [main, other] = servers(conf, "listen 8443 ssl");
    expect(main).toContain("listen 8443 ssl default_server;");
    expect(other).toContain("ssl_reject_handshake on;");
    expect(other).toMatch(
      /error_page 421 = @misdirected;[\s\S]*location @misdirected \{[\s\S]*?return 421 '\{"error":\{[^']*"data":\{"code":"MISDIRECTED_REQUEST","httpStatus":421\}/,
    );
    // nginx picks a server by exact name, then by the first regular expression that matches, in the file's order.
    const names = (block: string) => /server_name ([^;]+);/.exec(block)![1]!.split(" ");
    const serving = (name: string) => {
      for (const block of [main!, other!]) {
        if (names(block).some((n) => (n.startsWith("~") ? new RegExp(n.slice(1)).test(name) : n === name)))
          return block === main ? "stack" : "refused";
      }
      return "default";
    };
    for (const ours of ["api.example.com", "localhost", "nginx", "127.0.0.1", "172.18.0.5", "[::1]", "[2001:db8::1]"])
      expect(serving(ours), ours).toBe("stack");
    for (const foreign of [
      "evil.example",
      "api.example.com.evil.example",
      "x.api.example.com",
      "2130706433",
      "127.0.0.1.evil.example",
    ])
      expect(serving(foreign), foreign).toBe("refused");
    expect(renderNginxConf({ ...base, domain: "localhost" })).toContain("server_name localhost nginx ~");
  });

  it("sends the security headers on every answer, nginx's own refusals included", () => {
    const headers = ["Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"];
    for (const named of ["@rate_limited", "@too_large", "@forbidden", "@not_allowed"]) {
      const block = new RegExp(`location ${named} \\{([\\s\\S]*?)\\n\\s+\\}`).exec(conf)?.[1] ?? "";
      for (const h of headers) expect(block, `${named} ${h}`).toContain(`add_header ${h} `);
    }
    // The 421 server sets them at its level, and none of its locations adds a header that would drop them.
    const [server, ...locations] = servers(conf, "ssl_reject_handshake on;")[0]!.split(/\n\s+location /);
    for (const h of headers) expect(server, h).toContain(`add_header ${h} `);
    expect(locations.join("")).not.toContain("add_header");
  });

  it("serves the local CA's certificate only when asked (self-signed mode), over HTTP and HTTPS", () => {
    expect(conf).not.toContain("/ca.crt");
    const withCa = renderNginxConf({ ...base, caDownload: true });
    expect(withCa.match(/location = \/ca\.crt \{\s+alias \/etc\/stevie\/tls\/ca\.crt;\s+\}/g)).toHaveLength(2);
  });

  it("proxies only /api/ to the API replicas with keep-alive, and hides /metrics", () => {
    expect(conf).toMatch(/location \/api\/ \{[\s\S]*?proxy_pass http:\/\/api;/);
    expect(conf).toContain('proxy_set_header Connection "";');
    expect(conf).toMatch(
      /upstream api \{\s+(#[^\n]*\n\s+)+include \/etc\/stevie\/upstream\/api\.conf;\s+keepalive 64;/,
    );
    expect(renderApiUpstream(base.upstream)).toBe("include /run/stevie/api-ready.conf;\n");
    const pinned = renderApiUpstream(base.upstream, ["10.0.0.5", "10.0.0.6"]);
    expect(pinned).toBe(
      "server 10.0.0.5:3000 max_fails=3 fail_timeout=10s;\nserver 10.0.0.6:3000 max_fails=3 fail_timeout=10s;\n",
    );
    // What the CLI reads back from the follow loop's file: addresses only, not the service name or the placeholder.
    expect(
      upstreamAddresses(`${pinned}server api:3000 max_fails=3 fail_timeout=10s;\nserver 127.0.0.1:3000 down;\n`),
    ).toEqual(["10.0.0.5", "10.0.0.6"]);
    expect(conf).toContain("location = /metrics { return 404; }");
  });

  it("answers its own health check without the API", () => {
    const edge = /location = \/api\/health\/edge \{([\s\S]*?)\n\s+\}/.exec(conf)?.[1];
    expect(edge).toContain(`return 200 '{"status":"ok"}';`);
    expect(edge).not.toContain("proxy_pass");
  });

  it("answers its own refusals in tRPC's error shape, which the typed client can read", async () => {
    const body = /return 429 '([^']*)'/.exec(conf)?.[1];
    // A numeric JSON-RPC code (what @trpc/client checks), the name and HTTP status in data (what a caller reads).
    expect(JSON.parse(body!)).toEqual({
      error: {
        message: expect.stringContaining("Retry-After"),
        code: -32029,
        data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 },
      },
    });
    const refusals = [...conf.matchAll(/return ([45]\d\d) '(\{"error"[^']*)'/g)];
    expect(refusals.map((m) => m[1]).sort()).toEqual(["403", "404", "405", "413", "421", "429"]);
    for (const m of refusals) {
      const e = (JSON.parse(m[2]!) as { error: { code: unknown; data: { httpStatus: number } } }).error;
      expect(typeof e.code, m[0]).toBe("number");
      expect(e.data.httpStatus, m[0]).toBe(Number(m[1]));
    }
    // What a web app's typed client makes of it, for a batch of two calls: one TRPCClientError each, with the code.
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: "https://api.example/api/trpc",
          fetch: async () => new Response(body, { status: 429, headers: { "content-type": "application/json" } }),
        }),
      ],
    });
    const errors = await Promise.all(
      [client.programs.list.query(), client.categories.get.query({ code: "X" })].map((p) =>
        p.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    for (const e of errors) {
      expect(e).toBeInstanceOf(TRPCClientError);
      expect((e as TRPCClientError<AppRouter>).data?.code).toBe("TOO_MANY_REQUESTS");
    }
  });

  it("limits each client IP with a burst, answers 429 as JSON with Retry-After, and is tighter for chat", () => {
    expect(conf).toContain("limit_req_zone $stevie_limit_key zone=api_per_ip:10m rate=100r/m;");
    expect(conf).toContain("limit_req zone=api_per_ip burst=100 nodelay;");
    expect(conf).toContain("limit_req_zone $stevie_limit_key zone=chat_per_ip:10m rate=20r/m;");
    const chat = /location ~ (\S+) \{([\s\S]*?)\n {8}\}/.exec(conf);
    expect(chat?.[2]).toContain("limit_req zone=chat_per_ip burst=10 nodelay;");
    for (const streaming of ["proxy_buffering off;", "proxy_read_timeout 120s;", "proxy_next_upstream error;"])
      expect(chat?.[2]).toContain(streaming);
    // Any URL that calls a chat procedure, alone or batched behind others, falls under the chat limit. These are paths
    // as nginx matches them (decoded): tRPC splits the decoded path at commas, so `%2F,` and `%0A,` still call chat.start.
    const chatPath = new RegExp(chat![1]!);
    const calls = [
      "chat.start",
      "session.start,chat.start",
      "programs.list,categories.get,chat.sendAndWait",
      "session.start/,chat.start",
      "session.start\n,chat.start",
      ",chat.history",
      "chat.start/",
    ];
    for (const p of calls.map((c) => `/api/trpc/${c}`)) expect(p, p).toMatch(chatPath);
    const others = [
      "recommend",
      "session.start,programs.list",
      "chatty",
      "x.chat.start",
      "session.start,xchat.start",
      "session.start, chat.start",
    ];
    for (const p of others.map((c) => `/api/trpc/${c}`)) expect(p, p).not.toMatch(chatPath);
    expect(conf).toMatch(
      /location @rate_limited \{[\s\S]*?add_header Retry-After \$stevie_retry_after always;[\s\S]*?return 429 '\{"error"/,
    );
    expect(conf).toContain("limit_conn conn_per_ip 100;");
  });

  it("renders allow, deny, exempt and trusted-proxy lists from the config", () => {
    const c = renderNginxConf({
      ...base,
      allow: ["10.0.0.0/8"],
      deny: ["10.9.9.9"],
      exempt: ["192.0.2.10"],
      trustedProxies: ["172.16.0.0/12"],
    });
    expect(c).toMatch(/deny 10\.9\.9\.9;\s+allow 10\.0\.0\.0\/8;\s+deny all;/);
    expect(c).toContain("192.0.2.10 1;");
    expect(c).toMatch(/set_real_ip_from 172\.16\.0\.0\/12;\s+real_ip_header X-Forwarded-For;\s+real_ip_recursive on;/);
    // With no allow list the servers refuse nobody (the status server listens on loopback and a socket only).
    expect(conf).not.toMatch(/^\s+deny all;$/m);
    expect(conf).toMatch(/listen 127\.0\.0\.1:8081;\s+listen unix:\/run\/stevie-status\/nginx\.sock;/);
    expect(conf).not.toContain("set_real_ip_from");
  });

  it("refuses common exploit paths before they reach the API", () => {
    const pattern = new RegExp(/location ~\* (\S+) \{/.exec(conf)![1]!, "i");
    for (const p of ["/.env", "/api/.git/config", "/wp-admin/", "/index.php", "/cgi-bin/x", "/etc/passwd"])
      expect(p, p).toMatch(pattern);
    for (const p of [
      "/api/trpc/recommend",
      "/api/trpc/categories.get,programs.list",
      "/api/trpc/system.info",
      "/api/openapi.json",
      "/api/health/ready",
    ])
      expect(p, p).not.toMatch(pattern);
  });

  describe("CORS (issue 24)", () => {
    const origin = "http://127.0.0.1:5999";
    const listed = renderNginxConf({ ...base, corsOrigins: [origin, "https://app.example.com", origin] });
    /** The entries of the origin map, as nginx reads them: key, then value (the empty default quoted). */
    const corsMap = (text: string) =>
      [.../map \$http_origin \$stevie_cors_origin \{([^}]*)\}/.exec(text)![1]!.matchAll(/^\s*(\S+) (\S+);$/gm)].map(
        (m) => [m[1], m[2]],
      );
    /** The text from each location or if of the API's server to the next, where it adds headers of its own. */
    const headerBlocks = (text: string) =>
      servers(text, "listen 8443 ssl default_server")[0]!
        .split(/\n(?=\s+(?:location|if) )/)
        .slice(1)
        .filter((b) => b.includes("add_header"));

    it("allows the listed origins exactly, each named as listed, and none by default", () => {
      expect(corsMap(listed)).toEqual([
        ["default", '""'],
        [origin, origin],
        ["https://app.example.com", "https://app.example.com"],
      ]);
      expect(corsMap(conf)).toEqual([["default", '""']]);
      expect(corsMap(renderNginxConf({ ...base, corsOrigins: ["*"] }))).toEqual([["default", '"*"']]);
      // Room for an origin with a 253-character host name, set before the first map (nginx refuses it after one).
      expect(listed.indexOf("map_hash_bucket_size 512;")).toBeLessThan(listed.indexOf("    map "));
    });

    it("sends Allow-Origin from the map and Vary: Origin with every answer of the API's server, its refusals included", () => {
      const server = servers(listed, "listen 8443 ssl default_server")[0]!;
      const cors = [
        "add_header Access-Control-Allow-Origin $stevie_cors_origin always;",
        "add_header Vary Origin always;",
        'add_header Access-Control-Expose-Headers "retry-after, x-request-id" always;',
      ];
      for (const h of cors) expect(server.split(/\n\s+location /)[0], h).toContain(h);
      // A location that adds a header of its own drops the server's: each such block repeats every one of them.
      const serverLevel = server.split(/\n\s+location /)[0]!.match(/add_header .*;/g)!;
      const blocks = headerBlocks(listed);
      expect(blocks.map((b) => /^\s+(\S+ \S+)/.exec(b)?.[1])).toEqual([
        "if ($request_method",
        "if ($request_method",
        "location @rate_limited",
        "location @forbidden",
        "location @not_allowed",
        "location @too_large",
      ]);
      for (const b of blocks) for (const h of serverLevel) expect(b, `${b.trim().split("\n")[0]} ${h}`).toContain(h);
      expect(listed).not.toContain("Access-Control-Allow-Credentials ");
    });

    it("answers a preflight under /api/ itself, with 204 and exactly what the tRPC client sends", () => {
      for (const location of [/location ~ \S+ \{([\s\S]*?)\n {8}\}/, /location \/api\/ \{([\s\S]*?)\n {8}\}/]) {
        const block = location.exec(listed)![1]!;
        const preflight = /if \(\$request_method = OPTIONS\) \{([\s\S]*?)\n\s+\}/.exec(block)![1]!;
        expect(preflight).toContain('add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;');
        expect(preflight).toContain(
          'add_header Access-Control-Allow-Headers "content-type, trpc-accept, last-event-id" always;',
        );
        expect(preflight).toContain("add_header Access-Control-Max-Age 600 always;");
        expect(preflight).toMatch(/return 204;$/);
        // Before the request reaches the API, and never with a key: a page does not send x-api-key.
        expect(block.indexOf("if ($request_method = OPTIONS)")).toBeLessThan(block.indexOf("proxy_pass"));
        expect(preflight).not.toContain("x-api-key");
      }
    });

    it("drops any CORS header the API sends, so a browser never sees two", () => {
      const proxied = [...listed.matchAll(/location [^{]+\{([\s\S]*?)\n {8}\}/g)]
        .map((m) => m[1]!)
        .filter((b) => b.includes("proxy_pass"));
      expect(proxied).toHaveLength(2);
      for (const b of proxied) {
        for (const h of [
          "Allow-Origin",
          "Allow-Credentials",
          "Allow-Methods",
          "Allow-Headers",
          "Expose-Headers",
          "Max-Age",
        ])
          expect(b, h).toContain(`proxy_hide_header Access-Control-${h};`);
      }
    });
  });

  it("keeps its shape", () => {
    expect(conf).toMatchSnapshot();
  });
});
