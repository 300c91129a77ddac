import { describe, expect, it } from "vitest";
import { renderNginxConf } from "./render.js";

const conf = renderNginxConf({ domain: "api.example.com", httpsPort: 8443, upstream: { host: "api", port: 3000 }, maxBodyKb: 1024 });

describe("nginx.conf", () => {
  it("allows only TLS 1.2 and 1.3 and sends HSTS", () => {
    expect(conf).toMatch(/ssl_protocols TLSv1\.2 TLSv1\.3;/);
    expect(conf).toContain('add_header Strict-Transport-Security "max-age=31536000" always;');
  });

  it("redirects HTTP to HTTPS on the published port, except ACME challenges", () => {
    expect(conf).toContain("return 301 https://$host:8443$request_uri;");
    expect(conf).toContain("location /.well-known/acme-challenge/");
    expect(renderNginxConf({ domain: "a", httpsPort: 443, upstream: { host: "api", port: 3000 }, maxBodyKb: 1 })).toContain("return 301 https://$host$request_uri;");
  });

  it("proxies only /api/ to the API replicas with keep-alive, and hides /metrics", () => {
    expect(conf).toMatch(/location \/api\/ \{[\s\S]*?proxy_pass http:\/\/api;/);
    expect(conf).toContain('proxy_set_header Connection "";');
    expect(conf).toMatch(/upstream api \{\s+#[^\n]*\n\s+server api:3000 max_fails=3 fail_timeout=10s;\s+keepalive 64;/);
    expect(conf).toContain("location = /metrics { return 404; }");
  });

  it("keeps its shape", () => {
    expect(conf).toMatchSnapshot();
  });
});
