import { describe, expect, it } from "vitest";
import { renderApiUpstream, renderNginxConf, type EdgeOptions } from "./render.js";

const base: EdgeOptions = {
  domain: "api.example.com",
  httpsPort: 8443,
  upstream: { host: "api", port: 3000 },
  maxBodyKb: 1024,
  rateLimitPerMinute: 100,
  rateLimitBurst: 100,
  chatRateLimitPerMinute: 20,
  maxConnectionsPerIp: 100,
  allow: [],
  deny: [],
  exempt: [],
  trustedProxies: [],
};
const conf = renderNginxConf(base);

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
    expect(conf).toContain("return 301 https://$stevie_redirect_host:8443$request_uri;");
    expect(conf).toContain("location /.well-known/acme-challenge/");
    expect(renderNginxConf({ ...base, httpsPort: 443 })).toContain("return 301 https://$stevie_redirect_host$request_uri;");
    // A Host the stack answers to is kept (an IP address, localhost); any other becomes the configured domain.
    expect(conf).toMatch(/map \$stevie_known_host \$stevie_redirect_host \{\s+1 \$host;\s+default api\.example\.com;/);
    expect(conf).toMatch(/map \$host \$stevie_known_host \{\s+default 0;\s+api\.example\.com 1;\s+localhost 1;\s+nginx 1;/);
  });

  it("refuses TLS for names it does not serve and answers another Host with 421", () => {
    const main = conf.indexOf("listen 8443 ssl default_server;");
    const reject = conf.indexOf("ssl_reject_handshake on;");
    // nginx tries regular-expression names in order: the main server's IP-address names must come first.
    expect(main).toBeGreaterThan(0);
    expect(reject).toBeGreaterThan(main);
    expect(conf).toMatch(/server_name api\.example\.com localhost nginx ~\^\[0-9\.\]\+\$ ~\^\\\[\[0-9a-f:\.\]\+\\\]\$;/);
    expect(conf).toMatch(/server_name ~\.;\s+ssl_reject_handshake on;[\s\S]*?return 421 '\{"error":\{"code":"MISDIRECTED_REQUEST"/);
  });

  it("sends the security headers on every answer, nginx's own refusals included", () => {
    for (const named of ["@rate_limited", "@too_large", "@forbidden"]) {
      const block = new RegExp(`location ${named} \\{([\\s\\S]*?)\\n\\s+\\}`).exec(conf)?.[1] ?? "";
      for (const h of ["Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"]) expect(block, `${named} ${h}`).toContain(`add_header ${h} `);
    }
  });

  it("serves the local CA's certificate only when asked (self-signed mode), over HTTP and HTTPS", () => {
    expect(conf).not.toContain("/ca.crt");
    const withCa = renderNginxConf({ ...base, caDownload: true });
    expect(withCa.match(/location = \/ca\.crt \{\s+alias \/etc\/stevie\/tls\/ca\.crt;\s+\}/g)).toHaveLength(2);
  });

  it("proxies only /api/ to the API replicas with keep-alive, and hides /metrics", () => {
    expect(conf).toMatch(/location \/api\/ \{[\s\S]*?proxy_pass http:\/\/api;/);
    expect(conf).toContain('proxy_set_header Connection "";');
    expect(conf).toMatch(/upstream api \{\s+(#[^\n]*\n\s+)+include \/etc\/stevie\/upstream\/api\.conf;\s+keepalive 64;/);
    expect(renderApiUpstream(base.upstream)).toBe("server api:3000 max_fails=3 fail_timeout=10s;\n");
    expect(renderApiUpstream(base.upstream, ["10.0.0.5", "10.0.0.6"])).toBe("server 10.0.0.5:3000 max_fails=3 fail_timeout=10s;\nserver 10.0.0.6:3000 max_fails=3 fail_timeout=10s;\n");
    expect(conf).toContain("location = /metrics { return 404; }");
  });

  it("answers its own health check without the API", () => {
    const edge = /location = \/api\/health\/edge \{([\s\S]*?)\n\s+\}/.exec(conf)?.[1];
    expect(edge).toContain(`return 200 '{"status":"ok"}';`);
    expect(edge).not.toContain("proxy_pass");
  });

  it("limits each client IP with a burst, answers 429 as JSON with Retry-After, and is tighter for chat", () => {
    expect(conf).toContain("limit_req_zone $stevie_limit_key zone=api_per_ip:10m rate=100r/m;");
    expect(conf).toContain("limit_req zone=api_per_ip burst=100 nodelay;");
    expect(conf).toContain("limit_req_zone $stevie_limit_key zone=chat_per_ip:10m rate=20r/m;");
    const chat = /location ~ (\S+) \{[\s\S]*?zone=chat_per_ip[\s\S]*?proxy_read_timeout 120s;/.exec(conf);
    expect(chat).not.toBeNull();
    // Any URL that calls a chat procedure, alone or batched behind others, falls under the chat limit.
    const chatPath = new RegExp(chat![1]!);
    for (const p of ["/api/trpc/chat.start", "/api/trpc/session.start,chat.start", "/api/trpc/programs.list,categories.get,chat.sendAndWait"]) expect(p, p).toMatch(chatPath);
    for (const p of ["/api/trpc/recommend", "/api/trpc/session.start,programs.list", "/api/trpc/chatty"]) expect(p, p).not.toMatch(chatPath);
    expect(conf).toMatch(/location @rate_limited \{[\s\S]*?add_header Retry-After \$stevie_retry_after always;[\s\S]*?return 429 '\{"error"/);
    expect(conf).toContain("limit_conn conn_per_ip 100;");
  });

  it("renders allow, deny, exempt and trusted-proxy lists from the config", () => {
    const c = renderNginxConf({ ...base, allow: ["10.0.0.0/8"], deny: ["10.9.9.9"], exempt: ["192.0.2.10"], trustedProxies: ["172.16.0.0/12"] });
    expect(c).toMatch(/deny 10\.9\.9\.9;\s+allow 10\.0\.0\.0\/8;\s+deny all;/);
    expect(c).toContain("192.0.2.10 1;");
    expect(c).toMatch(/set_real_ip_from 172\.16\.0\.0\/12;\s+real_ip_header X-Forwarded-For;\s+real_ip_recursive on;/);
    // With no allow list the public servers refuse nobody (the internal status server on 8081 keeps its own list).
    expect(conf.split("listen 8081;")[0]).not.toMatch(/^\s+deny all;$/m);
    expect(conf).not.toContain("set_real_ip_from");
  });

  it("refuses common exploit paths before they reach the API", () => {
    const pattern = new RegExp(/location ~\* (\S+) \{/.exec(conf)![1]!, "i");
    for (const p of ["/.env", "/api/.git/config", "/wp-admin/", "/index.php", "/cgi-bin/x", "/etc/passwd"]) expect(p, p).toMatch(pattern);
    for (const p of ["/api/trpc/recommend", "/api/trpc/categories.get,programs.list", "/api/trpc/system.info", "/api/openapi.json", "/api/health/ready"]) expect(p, p).not.toMatch(pattern);
  });

  it("keeps its shape", () => {
    expect(conf).toMatchSnapshot();
  });
});
